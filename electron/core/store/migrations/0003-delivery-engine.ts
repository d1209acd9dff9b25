import type { Migration } from './migration';

/**
 * What the delivery engine needs (DESIGN.md §5).
 *
 * sequences.channel
 * - How a sequence's messages go out: 'test' (test mode), 'sms', 'whatsapp', or NULL until the
 *   owner picks one. NULL is never replaced by a default: due messages of such a sequence wait,
 *   and the status bar says so.
 *
 * deliveries (rebuilt: SQLite cannot change a CHECK constraint in place)
 * - status gains 'retrying' (a transient failure waits for `next_attempt_at`), and the channel is
 *   now one of the channel ids and required: every delivery the engine writes names the channel it
 *   went (or would have gone) through. Rows from before this migration can only be test data (no
 *   engine existed); an unknown or missing channel becomes 'test'.
 * - `delivery_key` is the idempotency key given to the provider (SMSGate's message `id`). It stays
 *   the same for every retry and for the resend after a crash, so the provider drops duplicates; a
 *   deliberate "send again" by the owner writes a new one. Unique: two deliveries never share one.
 * - Indexes: the activity log is read newest first (`updated_at`), with or without a status
 *   filter; retries are found by (status, next_attempt_at); the daily cap counts a channel's sends
 *   per day from (channel, sent_at).
 *
 * subscriptions_active_sequence_due
 * - The earliest due active subscription of ONE sequence, O(log n): the engine looks per sequence
 *   (only sequences that are active and have a ready channel), so due rows of a paused sequence
 *   or one without a channel are never walked over, however many there are.
 *
 * Engine state (paused by the owner, when each channel last sent and the gap drawn after it) lives
 * in the settings table under `engine.*` keys: a few values, written rarely, read at start-up.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'delivery-engine',
  up(db) {
    db.exec(`
      ALTER TABLE sequences ADD COLUMN channel TEXT CHECK (channel IS NULL OR channel IN ('test', 'sms', 'whatsapp'));

      CREATE TABLE deliveries_rebuilt (
        id                  INTEGER PRIMARY KEY,
        subscription_id     INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        message_id          INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        channel             TEXT    NOT NULL CHECK (channel IN ('test', 'sms', 'whatsapp')),
        status              TEXT    NOT NULL CHECK (status IN ('claimed', 'retrying', 'sent', 'failed', 'unknown', 'skipped')),
        delivery_key        TEXT    CHECK (delivery_key IS NULL OR length(delivery_key) BETWEEN 1 AND 64),
        attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        due_at              INTEGER NOT NULL,
        claimed_at          INTEGER,
        next_attempt_at     INTEGER,
        sent_at             INTEGER,
        provider_message_id TEXT,
        rendered_text       TEXT,
        error               TEXT,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL,
        CHECK (status <> 'retrying' OR next_attempt_at IS NOT NULL),
        CHECK (status <> 'sent' OR sent_at IS NOT NULL)
      ) STRICT;

      INSERT INTO deliveries_rebuilt (id, subscription_id, message_id, channel, status, delivery_key, attempts, due_at,
                                      claimed_at, next_attempt_at, sent_at, provider_message_id, rendered_text, error,
                                      created_at, updated_at)
      SELECT id, subscription_id, message_id,
             CASE WHEN channel IN ('test', 'sms', 'whatsapp') THEN channel ELSE 'test' END,
             status, NULL, attempts, due_at, claimed_at, next_attempt_at,
             CASE WHEN status = 'sent' THEN COALESCE(sent_at, updated_at) ELSE sent_at END,
             provider_message_id, rendered_text, error, created_at, updated_at
      FROM deliveries;

      -- Nothing references deliveries, so dropping and renaming cannot break a foreign key.
      DROP TABLE deliveries;
      ALTER TABLE deliveries_rebuilt RENAME TO deliveries;

      -- At most one delivery per subscription and message; also a subscription's timeline.
      CREATE UNIQUE INDEX deliveries_subscription_message ON deliveries (subscription_id, message_id);
      -- Serves the ON DELETE CASCADE from messages.
      CREATE INDEX deliveries_message ON deliveries (message_id);
      -- The activity log, newest first (the rowid at the end of the index is the tiebreak).
      CREATE INDEX deliveries_updated_at ON deliveries (updated_at);
      -- The activity log filtered by status; crash recovery (claimed) and the unknown count.
      CREATE INDEX deliveries_status_updated ON deliveries (status, updated_at);
      -- Retries whose time has come, oldest first.
      CREATE INDEX deliveries_status_next_attempt ON deliveries (status, next_attempt_at);
      -- A channel's sends per business day (the daily cap).
      CREATE INDEX deliveries_channel_sent ON deliveries (channel, sent_at);
      CREATE UNIQUE INDEX deliveries_key ON deliveries (delivery_key) WHERE delivery_key IS NOT NULL;

      CREATE INDEX subscriptions_active_sequence_due ON subscriptions (sequence_id, next_due_at) WHERE status = 'active';
    `);
    const broken = db.prepare('PRAGMA foreign_key_check(deliveries)').all();
    if (broken.length > 0) throw new Error(`Migration 3 found ${broken.length} deliveries pointing at missing rows.`);
  },
};
