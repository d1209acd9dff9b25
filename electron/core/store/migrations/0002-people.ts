import type { Migration } from './migration';

/**
 * The people who receive sequences: contacts, their subscriptions to sequences, and the delivery
 * record of every message sent (or attempted) to a subscription.
 *
 * contacts
 * - `phone` is E.164 (normalised by the core before it gets here) and unique: the phone number is
 *   who a contact is. `name_key` is the name folded for search and sort (NFD without accents, lower
 *   case): SQLite's NOCASE folds ASCII only. The repository computes it; it is never shown.
 * - `attributes` is a JSON object of strings (custom fields from the owner or a CSV import).
 * - `source`/`consent_note`/`consent_at` are the consent record: how and when they came in.
 *
 * subscriptions
 * - One live (active or paused) subscription per contact and sequence: partial unique index
 *   `subscriptions_live`. Ended ones (completed, unsubscribed, stopped, failed) stay as history,
 *   so the same contact can be subscribed again later.
 * - Progress: `last_sent_message_id` (SET NULL when that message is deleted) and
 *   `last_sent_position`, the position of the last message sent in the sequence's current order.
 *   The position is what the progress rule compares against; it is kept up to date when messages
 *   are reordered or deleted, so progress survives deleting the message it pointed at.
 * - `next_message_id`/`next_due_at` are derived from the progress and the messages' timing, and
 *   recomputed whenever the sequence's messages change. The engine's due lookup reads
 *   `subscriptions_due`, a partial index of active rows only: finding due work is O(due).
 * - Sorting the subscribers view by subscribed/next-due time walks an index (the implicit rowid
 *   at the end of every index gives the id tiebreak for free). Rows without a next due time sort
 *   after the others (`next_due_at IS NULL` is part of the index and of the ORDER BY).
 * - Foreign keys from messages (SET NULL) have partial indexes, so deleting a message does not
 *   scan every subscription.
 *
 * deliveries
 * - One row per (subscription, message): UNIQUE, which is what makes "never sent twice" hold
 *   at the database level. The engine writes `claimed` before sending (DESIGN.md §5).
 * - `channel` may be NULL for a message that was skipped without going to a channel.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'people',
  up(db) {
    db.exec(`
      CREATE TABLE contacts (
        id           INTEGER PRIMARY KEY,
        phone        TEXT    NOT NULL CHECK (phone GLOB '+[1-9]*' AND length(phone) BETWEEN 4 AND 16
                                             AND substr(phone, 2) NOT GLOB '*[^0-9]*'),
        name         TEXT    NOT NULL DEFAULT '',
        name_key     TEXT    NOT NULL DEFAULT '',
        attributes   TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(attributes) AND json_type(attributes) = 'object'),
        opted_out_at INTEGER,
        whatsapp_id  TEXT,
        source       TEXT    NOT NULL CHECK (source IN ('manual', 'import', 'inbound')),
        consent_note TEXT    NOT NULL DEFAULT '',
        consent_at   INTEGER NOT NULL,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      ) STRICT;
      -- Lookup and merge by phone; prefix search and sort by phone.
      CREATE UNIQUE INDEX contacts_phone ON contacts (phone);
      -- Sort by name; searches scan this covering index (name and phone) instead of the wider table.
      CREATE INDEX contacts_name_key ON contacts (name_key, phone);

      CREATE TABLE subscriptions (
        id                   INTEGER PRIMARY KEY,
        contact_id           INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        sequence_id          INTEGER NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
        status               TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'unsubscribed', 'stopped', 'failed')),
        source               TEXT    NOT NULL CHECK (source IN ('manual', 'auto', 'import')),
        subscribed_at        INTEGER NOT NULL,
        last_sent_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
        last_sent_position   INTEGER NOT NULL DEFAULT 0 CHECK (last_sent_position >= 0),
        last_sent_at         INTEGER,
        next_message_id      INTEGER REFERENCES messages (id) ON DELETE SET NULL,
        next_due_at          INTEGER,
        sent_count           INTEGER NOT NULL DEFAULT 0 CHECK (sent_count >= 0),
        created_at           INTEGER NOT NULL,
        updated_at           INTEGER NOT NULL
      ) STRICT;
      -- One live subscription per contact and sequence.
      CREATE UNIQUE INDEX subscriptions_live ON subscriptions (contact_id, sequence_id)
        WHERE status IN ('active', 'paused');
      -- A contact's subscriptions (serves the ON DELETE CASCADE from contacts), and the probe of a
      -- search that runs over contacts first.
      CREATE INDEX subscriptions_contact ON subscriptions (contact_id, sequence_id);
      -- Counts per sequence and status, the status filter and sort; serves the cascade from sequences.
      CREATE INDEX subscriptions_sequence_status ON subscriptions (sequence_id, status);
      CREATE INDEX subscriptions_sequence_subscribed ON subscriptions (sequence_id, subscribed_at);
      CREATE INDEX subscriptions_sequence_last_sent ON subscriptions (sequence_id, last_sent_at);
      CREATE INDEX subscriptions_sequence_next_due ON subscriptions (sequence_id, next_due_at IS NULL, next_due_at);
      -- The engine: what is due next. Only active rows, so it stays O(due).
      CREATE INDEX subscriptions_due ON subscriptions (next_due_at) WHERE status = 'active';
      CREATE INDEX subscriptions_next_message ON subscriptions (next_message_id) WHERE next_message_id IS NOT NULL;
      CREATE INDEX subscriptions_last_sent_message ON subscriptions (last_sent_message_id)
        WHERE last_sent_message_id IS NOT NULL;

      CREATE TABLE deliveries (
        id                  INTEGER PRIMARY KEY,
        subscription_id     INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        message_id          INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        channel             TEXT    CHECK (channel IS NULL OR length(channel) > 0),
        status              TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'failed', 'unknown', 'skipped')),
        attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        due_at              INTEGER NOT NULL,
        claimed_at          INTEGER,
        next_attempt_at     INTEGER,
        sent_at             INTEGER,
        provider_message_id TEXT,
        rendered_text       TEXT,
        error               TEXT,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL
      ) STRICT;
      -- At most one delivery per subscription and message; also a subscription's timeline.
      CREATE UNIQUE INDEX deliveries_subscription_message ON deliveries (subscription_id, message_id);
      -- Serves the ON DELETE CASCADE from messages.
      CREATE INDEX deliveries_message ON deliveries (message_id);
      -- Recent activity.
      CREATE INDEX deliveries_updated_at ON deliveries (updated_at);
      -- Crash recovery (claimed rows), retries by time, and the owner's "unknown" list. Not a partial
      -- index: SQLite would use one only for a query repeating its exact WHERE clause.
      CREATE INDEX deliveries_status ON deliveries (status, next_attempt_at);
    `);
  },
};
