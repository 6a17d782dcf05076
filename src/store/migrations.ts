// The schema, as ordered migrations; PRAGMA user_version records how many have been applied.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'merchants, sub-merchants, PG settings, tokens',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE merchants (
        id           INTEGER PRIMARY KEY,
        imp_key      TEXT    NOT NULL UNIQUE,
        secret_hash  TEXT    NOT NULL,
        name         TEXT,
        is_agency    INTEGER NOT NULL DEFAULT 0,
        origin       TEXT    NOT NULL CHECK (origin IN ('fixture', 'open')),
        clock_offset INTEGER NOT NULL DEFAULT 0,
        webhook_url  TEXT,
        created_at   INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sub_merchants (
        merchant_id INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code   TEXT    NOT NULL,
        tier_name   TEXT    NOT NULL,
        PRIMARY KEY (merchant_id, tier_code)
      ) STRICT;

      -- tier_code '' is the merchant itself; a sub-merchant has its own settings.
      CREATE TABLE pg_settings (
        id           INTEGER PRIMARY KEY,
        merchant_id  INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code    TEXT    NOT NULL DEFAULT '',
        pg_provider  TEXT    NOT NULL,
        pg_id        TEXT    NOT NULL,
        type         TEXT    NOT NULL DEFAULT 'api_payment',
        sandbox      INTEGER NOT NULL DEFAULT 1,
        is_default   INTEGER NOT NULL DEFAULT 0,
        channel_name TEXT,
        UNIQUE (merchant_id, tier_code, pg_provider, pg_id, type)
      ) STRICT;

      -- Only a hash of the token is kept; the token itself is re-derived from the nonce and the server key.
      CREATE TABLE tokens (
        id          INTEGER PRIMARY KEY,
        merchant_id INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        token_hash  TEXT    NOT NULL UNIQUE,
        nonce       TEXT    NOT NULL,
        issued_at   INTEGER NOT NULL,
        expired_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX tokens_by_merchant ON tokens (merchant_id, expired_at);
    `,
  },
  {
    version: 2,
    name: 'billing keys',
    sql: `
      -- A billing key: the card behind it is kept only as a masked number and a keyed fingerprint.
      CREATE TABLE billing_keys (
        id                  INTEGER PRIMARY KEY,
        merchant_id         INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code           TEXT    NOT NULL DEFAULT '',
        customer_uid        TEXT    NOT NULL,
        pg_provider         TEXT    NOT NULL,
        pg_id               TEXT    NOT NULL,
        sandbox             INTEGER NOT NULL,
        customer_id         TEXT,
        card_code           TEXT,
        card_name           TEXT,
        card_number         TEXT    NOT NULL,
        card_type           INTEGER,
        card_fingerprint    TEXT    NOT NULL,
        card_expiry         TEXT    NOT NULL,
        decline_reason      TEXT,
        customer_name       TEXT,
        customer_tel        TEXT,
        customer_email      TEXT,
        customer_addr       TEXT,
        customer_postcode   TEXT,
        inserted            INTEGER NOT NULL,
        updated             INTEGER NOT NULL,
        UNIQUE (merchant_id, tier_code, customer_uid)
      ) STRICT;
    `,
  },
];
