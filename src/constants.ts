// Constants shared across layers (HTTP plugins, control routes, the app), kept here so no lower layer imports routes.

/** The prefix of the mock's own control API: it cannot collide with an iamport path. */
export const CONTROL_PREFIX = '/__mock';

/** The largest request body accepted, in bytes. */
export const BODY_LIMIT = 1024 * 1024;
