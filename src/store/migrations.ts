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
  {
    version: 3,
    name: 'payments, cancellations, prepared amounts',
    sql: `
      CREATE TABLE payments (
        id                 INTEGER PRIMARY KEY,
        merchant_id        INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code          TEXT    NOT NULL DEFAULT '',
        imp_uid            TEXT    NOT NULL UNIQUE,
        merchant_uid       TEXT    NOT NULL,
        status             TEXT    NOT NULL CHECK (status IN ('ready', 'paid', 'cancelled', 'failed')),
        amount             REAL    NOT NULL,
        cancel_amount      REAL    NOT NULL DEFAULT 0,
        tax_free           REAL    NOT NULL DEFAULT 0,
        vat_amount         REAL,
        currency           TEXT    NOT NULL,
        name               TEXT,
        pay_method         TEXT    NOT NULL,
        channel            TEXT    NOT NULL,
        pg_provider        TEXT    NOT NULL,
        pg_id              TEXT    NOT NULL,
        pg_tid             TEXT,
        apply_num          TEXT,
        sandbox            INTEGER NOT NULL,
        card_code          TEXT,
        card_name          TEXT,
        card_number        TEXT,
        card_type          INTEGER,
        card_quota         INTEGER NOT NULL DEFAULT 0,
        buyer_name         TEXT,
        buyer_email        TEXT,
        buyer_tel          TEXT,
        buyer_addr         TEXT,
        buyer_postcode     TEXT,
        custom_data        TEXT,
        user_agent         TEXT,
        customer_uid       TEXT,
        customer_uid_usage TEXT,
        notice_url         TEXT,
        receipt_url        TEXT,
        fail_reason        TEXT,
        cancel_reason      TEXT,
        started_at         INTEGER NOT NULL,
        paid_at            INTEGER NOT NULL DEFAULT 0,
        failed_at          INTEGER NOT NULL DEFAULT 0,
        cancelled_at       INTEGER NOT NULL DEFAULT 0,
        updated_at         INTEGER NOT NULL
      ) STRICT;
      -- At most one paid (or later cancelled) payment per merchant_uid; failed attempts may repeat.
      CREATE UNIQUE INDEX payments_one_success ON payments (merchant_id, tier_code, merchant_uid)
        WHERE status IN ('paid', 'cancelled');
      CREATE INDEX payments_by_merchant_uid ON payments (merchant_id, tier_code, merchant_uid, started_at);
      CREATE INDEX payments_by_customer ON payments (merchant_id, tier_code, customer_uid, started_at);
      CREATE INDEX payments_by_started ON payments (merchant_id, tier_code, started_at);
      CREATE INDEX payments_by_status_started ON payments (merchant_id, tier_code, status, started_at);
      CREATE INDEX payments_by_paid ON payments (merchant_id, tier_code, status, paid_at);
      CREATE INDEX payments_by_failed ON payments (merchant_id, tier_code, status, failed_at);
      CREATE INDEX payments_by_cancelled ON payments (merchant_id, tier_code, status, cancelled_at);

      CREATE TABLE cancellations (
        id              INTEGER PRIMARY KEY,
        payment_id      INTEGER NOT NULL REFERENCES payments(id) ON DELETE CASCADE,
        cancellation_id TEXT    NOT NULL UNIQUE,
        pg_tid          TEXT    NOT NULL,
        amount          REAL    NOT NULL,
        tax_free        REAL    NOT NULL DEFAULT 0,
        vat_amount      REAL,
        reason          TEXT    NOT NULL,
        receipt_url     TEXT,
        cancelled_at    INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX cancellations_by_payment ON cancellations (payment_id, id);

      CREATE TABLE prepares (
        merchant_id  INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code    TEXT    NOT NULL DEFAULT '',
        merchant_uid TEXT    NOT NULL,
        amount       REAL    NOT NULL,
        currency     TEXT    NOT NULL,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        PRIMARY KEY (merchant_id, tier_code, merchant_uid)
      ) STRICT;
    `,
  },
  {
    version: 4,
    name: 'schedules, frozen clocks',
    sql: `
      -- NULL: the clock runs; otherwise the merchant's "now" stands still at this value.
      ALTER TABLE merchants ADD COLUMN clock_frozen_at INTEGER;

      CREATE TABLE schedules (
        id              INTEGER PRIMARY KEY,
        merchant_id     INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code       TEXT    NOT NULL DEFAULT '',
        customer_uid    TEXT    NOT NULL,
        merchant_uid    TEXT    NOT NULL,
        customer_id     TEXT,
        pg_provider     TEXT    NOT NULL,
        pg_id           TEXT    NOT NULL,
        schedule_at     INTEGER NOT NULL,
        amount          REAL    NOT NULL,
        currency        TEXT    NOT NULL,
        tax_free        REAL    NOT NULL DEFAULT 0,
        vat_amount      REAL,
        name            TEXT    NOT NULL,
        card_quota      INTEGER NOT NULL DEFAULT 0,
        buyer_name      TEXT,
        buyer_email     TEXT,
        buyer_tel       TEXT,
        buyer_addr      TEXT,
        buyer_postcode  TEXT,
        custom_data     TEXT,
        notice_url      TEXT,
        schedule_status TEXT    NOT NULL CHECK (schedule_status IN ('scheduled', 'executed', 'revoked')),
        imp_uid         TEXT,
        executed_at     INTEGER NOT NULL DEFAULT 0,
        revoked_at      INTEGER NOT NULL DEFAULT 0,
        fail_reason     TEXT,
        -- when the schedule was registered or last set back to scheduled
        scheduled_at    INTEGER NOT NULL,
        UNIQUE (merchant_id, tier_code, merchant_uid)
      ) STRICT;
      CREATE INDEX schedules_due ON schedules (schedule_status, merchant_id, schedule_at);
      CREATE INDEX schedules_by_time ON schedules (merchant_id, tier_code, schedule_at);
      CREATE INDEX schedules_by_customer ON schedules (merchant_id, tier_code, customer_uid, schedule_at);
    `,
  },
  {
    version: 5,
    name: 'webhook deliveries, scripted outcomes',
    sql: `
      -- One webhook to deliver; its attempts are below. next_attempt_at is real time in milliseconds.
      CREATE TABLE webhooks (
        id              INTEGER PRIMARY KEY,
        merchant_id     INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code       TEXT    NOT NULL DEFAULT '',
        url             TEXT    NOT NULL,
        body            TEXT    NOT NULL,
        state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX webhooks_pending ON webhooks (state, next_attempt_at);
      CREATE INDEX webhooks_by_merchant ON webhooks (merchant_id, tier_code, id);

      CREATE TABLE webhook_attempts (
        id          INTEGER PRIMARY KEY,
        webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        at          INTEGER NOT NULL,
        url         TEXT    NOT NULL,
        status      INTEGER,
        error       TEXT,
        duration_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX webhook_attempts_by_webhook ON webhook_attempts (webhook_id, id);

      -- Outcomes the next charges of a billing key will have, consumed in seq order.
      CREATE TABLE outcome_scripts (
        id           INTEGER PRIMARY KEY,
        merchant_id  INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code    TEXT    NOT NULL DEFAULT '',
        customer_uid TEXT    NOT NULL,
        fail_reason  TEXT
      ) STRICT;
      CREATE INDEX outcome_scripts_by_key ON outcome_scripts (merchant_id, tier_code, customer_uid, id);
    `,
  },
  {
    version: 6,
    name: 'webhook queues per merchant',
    sql: `
      -- Each merchant's pending deliveries in due order: the pump reads every merchant's queue head, so no backlog
      -- of one merchant can hide another's deliveries.
      CREATE INDEX webhooks_queue ON webhooks (merchant_id, next_attempt_at, id) WHERE state = 'pending';
    `,
  },
  {
    version: 7,
    name: 'ids unique per merchant: imp_uid and cancellation_id; scripted outcomes of an order',
    // SQLite cannot change a table's constraints: each table is rebuilt (new table, copy, drop, rename) inside
    // this migration's transaction. Cancellations are rebuilt first against payments_new, so dropping the old
    // payments table cascades into nothing; renaming payments_new makes their reference read payments again.
    sql: `
      CREATE TABLE payments_new (
        id                 INTEGER PRIMARY KEY,
        merchant_id        INTEGER NOT NULL REFERENCES merchants(id) ON DELETE CASCADE,
        tier_code          TEXT    NOT NULL DEFAULT '',
        imp_uid            TEXT    NOT NULL,
        merchant_uid       TEXT    NOT NULL,
        status             TEXT    NOT NULL CHECK (status IN ('ready', 'paid', 'cancelled', 'failed')),
        amount             REAL    NOT NULL,
        cancel_amount      REAL    NOT NULL DEFAULT 0,
        tax_free           REAL    NOT NULL DEFAULT 0,
        vat_amount         REAL,
        currency           TEXT    NOT NULL,
        name               TEXT,
        pay_method         TEXT    NOT NULL,
        channel            TEXT    NOT NULL,
        pg_provider        TEXT    NOT NULL,
        pg_id              TEXT    NOT NULL,
        pg_tid             TEXT,
        apply_num          TEXT,
        sandbox            INTEGER NOT NULL,
        card_code          TEXT,
        card_name          TEXT,
        card_number        TEXT,
        card_type          INTEGER,
        card_quota         INTEGER NOT NULL DEFAULT 0,
        buyer_name         TEXT,
        buyer_email        TEXT,
        buyer_tel          TEXT,
        buyer_addr         TEXT,
        buyer_postcode     TEXT,
        custom_data        TEXT,
        user_agent         TEXT,
        customer_uid       TEXT,
        customer_uid_usage TEXT,
        notice_url         TEXT,
        receipt_url        TEXT,
        fail_reason        TEXT,
        cancel_reason      TEXT,
        started_at         INTEGER NOT NULL,
        paid_at            INTEGER NOT NULL DEFAULT 0,
        failed_at          INTEGER NOT NULL DEFAULT 0,
        cancelled_at       INTEGER NOT NULL DEFAULT 0,
        updated_at         INTEGER NOT NULL,
        UNIQUE (merchant_id, imp_uid)
      ) STRICT;
      INSERT INTO payments_new SELECT * FROM payments;

      CREATE TABLE cancellations_new (
        id              INTEGER PRIMARY KEY,
        payment_id      INTEGER NOT NULL REFERENCES payments_new(id) ON DELETE CASCADE,
        merchant_id     INTEGER NOT NULL,
        cancellation_id TEXT    NOT NULL,
        pg_tid          TEXT    NOT NULL,
        amount          REAL    NOT NULL,
        tax_free        REAL    NOT NULL DEFAULT 0,
        vat_amount      REAL,
        reason          TEXT    NOT NULL,
        receipt_url     TEXT,
        cancelled_at    INTEGER NOT NULL,
        UNIQUE (merchant_id, cancellation_id)
      ) STRICT;
      INSERT INTO cancellations_new (id, payment_id, merchant_id, cancellation_id, pg_tid, amount, tax_free,
          vat_amount, reason, receipt_url, cancelled_at)
        SELECT c.id, c.payment_id, p.merchant_id, c.cancellation_id, c.pg_tid, c.amount, c.tax_free, c.vat_amount,
          c.reason, c.receipt_url, c.cancelled_at
        FROM cancellations c JOIN payments p ON p.id = c.payment_id;

      DROP TABLE cancellations;
      DROP TABLE payments;
      ALTER TABLE payments_new RENAME TO payments;
      ALTER TABLE cancellations_new RENAME TO cancellations;
      -- At most one paid (or later cancelled) payment per merchant_uid; failed attempts may repeat.
      CREATE UNIQUE INDEX payments_one_success ON payments (merchant_id, tier_code, merchant_uid)
        WHERE status IN ('paid', 'cancelled');
      CREATE INDEX payments_by_merchant_uid ON payments (merchant_id, tier_code, merchant_uid, started_at);
      CREATE INDEX payments_by_customer ON payments (merchant_id, tier_code, customer_uid, started_at);
      CREATE INDEX payments_by_started ON payments (merchant_id, tier_code, started_at);
      CREATE INDEX payments_by_status_started ON payments (merchant_id, tier_code, status, started_at);
      CREATE INDEX payments_by_paid ON payments (merchant_id, tier_code, status, paid_at);
      CREATE INDEX payments_by_failed ON payments (merchant_id, tier_code, status, failed_at);
      CREATE INDEX payments_by_cancelled ON payments (merchant_id, tier_code, status, cancelled_at);
      CREATE INDEX cancellations_by_payment ON cancellations (payment_id, id);

      -- Outcomes scripted for an order (any charge of this merchant_uid) instead of a billing key; such a row has
      -- customer_uid ''.
      ALTER TABLE outcome_scripts ADD COLUMN merchant_uid TEXT;
      CREATE INDEX outcome_scripts_by_order ON outcome_scripts (merchant_id, tier_code, merchant_uid, id);
    `,
  },
  {
    version: 8,
    name: 'payment views',
    sql: `
      -- The Payment API object of a payment as JSON text, rendered on its first read and reused until the payment
      -- or its cancels change: a look-up or listing reads one column per payment instead of 43. The triggers drop
      -- a view in the same transaction as any write to what it shows, whichever code made the write.
      CREATE TABLE payment_views (
        payment_id INTEGER PRIMARY KEY REFERENCES payments(id) ON DELETE CASCADE,
        json       TEXT    NOT NULL
      ) STRICT;
      CREATE TRIGGER payment_views_on_update AFTER UPDATE ON payments BEGIN
        DELETE FROM payment_views WHERE payment_id = OLD.id OR payment_id = NEW.id;
      END;
      CREATE TRIGGER payment_views_on_cancel AFTER INSERT ON cancellations BEGIN
        DELETE FROM payment_views WHERE payment_id = NEW.payment_id;
      END;
      CREATE TRIGGER payment_views_on_cancel_update AFTER UPDATE ON cancellations BEGIN
        DELETE FROM payment_views WHERE payment_id = OLD.payment_id OR payment_id = NEW.payment_id;
      END;
      CREATE TRIGGER payment_views_on_cancel_delete AFTER DELETE ON cancellations BEGIN
        DELETE FROM payment_views WHERE payment_id = OLD.payment_id;
      END;
    `,
  },
  {
    version: 9,
    name: 'payment views as UTF-8 bytes',
    sql: `
      -- A view is kept as the UTF-8 bytes of its JSON (BLOB): a read sends them as they are, without decoding them
      -- into a JavaScript string and encoding that back to UTF-8 for the socket (Korean text makes both costly).
      -- The views are a cache: the old ones go, and are rendered again on their next read. The triggers of
      -- migration 8 name the table, not its columns, and stay.
      DROP TABLE payment_views;
      CREATE TABLE payment_views (
        payment_id INTEGER PRIMARY KEY REFERENCES payments(id) ON DELETE CASCADE,
        json       BLOB    NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: 'per-status time indexes',
    sql: `
      -- A payment is in the time index of its own status only: a cancel moves one entry from the paid index to the
      -- cancelled one instead of rewriting an entry in each of three indexes, and an insert writes one entry
      -- instead of three. Queries name the status as a literal (a partial index serves a query whose WHERE implies
      -- the index's; see statusIs in store/payments.ts).
      DROP INDEX payments_by_paid;
      DROP INDEX payments_by_failed;
      DROP INDEX payments_by_cancelled;
      CREATE INDEX payments_by_paid ON payments (merchant_id, tier_code, paid_at) WHERE status = 'paid';
      CREATE INDEX payments_by_failed ON payments (merchant_id, tier_code, failed_at) WHERE status = 'failed';
      CREATE INDEX payments_by_cancelled ON payments (merchant_id, tier_code, cancelled_at)
        WHERE status = 'cancelled';
    `,
  },
  {
    version: 11,
    name: 'payment views carry their tier',
    sql: `
      -- A look-up by imp_uid finds the payment's id in the (merchant_id, imp_uid) unique index; with the tier beside
      -- the stored view it can check the caller's tier without reading the payment's row. The views are a cache:
      -- the old ones go and are rendered again on their next read. The triggers of migration 8 stay.
      DROP TABLE payment_views;
      CREATE TABLE payment_views (
        payment_id INTEGER PRIMARY KEY REFERENCES payments(id) ON DELETE CASCADE,
        tier_code  TEXT    NOT NULL,
        json       BLOB    NOT NULL
      ) STRICT;
    `,
  },
];
