// Size limits of what the mock keeps (database rows and memory), shared by the request schemas, fixtures and rules.

/**
 * The longest custom_data, in characters of its text. A page of payments or schedules (up to 1,000 rows) stays far
 * below V8's longest string (~512 Mi characters) even when every character is escaped for JSON.
 */
export const MAX_CUSTOM_DATA = 16_384;

/** The longest imp_key and imp_secret (live keys are 10–16 characters, secrets 80): getToken and fixtures alike. */
export const MAX_IMP_KEY = 100;
export const MAX_IMP_SECRET = 200;

/** The longest message of an `error` fault rule (rules are kept in memory). */
export const MAX_FAULT_MESSAGE = 1000;
