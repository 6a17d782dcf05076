// Size limits of what the mock keeps (database rows and memory), shared by the request schemas, fixtures and rules.

/**
 * The longest custom_data, in characters of its text (the live API documents none). A page of payments or schedules
 * (up to 1,000 rows) then stays under ~25 MB even when every character must be escaped for JSON: far below V8's
 * longest string (~512 Mi characters, a 500 before), and serialized in well under a second.
 */
export const MAX_CUSTOM_DATA = 4096;

/** The longest imp_key and imp_secret (live keys are 10–16 characters, secrets 80): getToken and fixtures alike. */
export const MAX_IMP_KEY = 100;
export const MAX_IMP_SECRET = 200;

/** The longest message of an `error` fault rule (rules are kept in memory). */
export const MAX_FAULT_MESSAGE = 1000;

/**
 * The latest time the mock accepts or lets a clock reach, UNIX seconds: 9999-12-31 23:59:59 KST. PG ids and
 * default schedule names carry a KST date with a four-digit year; past this they cannot be written.
 */
export const MAX_TIME = 253_402_268_399;
