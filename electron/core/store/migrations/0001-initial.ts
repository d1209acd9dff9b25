import type { Migration } from './migration';

/**
 * Sequences, their messages, attached media and settings.
 *
 * - Times are UTC epoch milliseconds (INTEGER).
 * - `sequences.name_key` is the name folded for comparison (NFC, lower case) and carries the
 *   uniqueness: SQLite's NOCASE only folds ASCII, and "Ölkur" and "ölkur" are the same name to a
 *   shop owner. The repository computes it; it is never shown.
 * - `messages.position` is 1-based and unique per sequence (index `messages_sequence_position`). SQLite checks UNIQUE row by row (it
 *   cannot defer it), so the repository rewrites an order in two steps inside one transaction:
 *   first it parks every position of the sequence above the current maximum, then writes the final
 *   1..n. Neither step can collide, and CHECK (position >= 1) holds throughout.
 * - Deleting a sequence deletes its messages. Media rows outlive messages (content-addressed files,
 *   shared between messages and duplicated sequences); deleting a media row still in use is refused.
 */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE media (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT    NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
        file_name   TEXT    NOT NULL CHECK (length(file_name) > 0),
        mime_type   TEXT    NOT NULL CHECK (length(mime_type) > 0),
        kind        TEXT    NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'document')),
        extension   TEXT    NOT NULL CHECK (length(extension) BETWEEN 1 AND 8 AND extension NOT GLOB '*[^0-9a-z]*'),
        size_bytes  INTEGER NOT NULL CHECK (size_bytes > 0),
        created_at  INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX media_sha256 ON media (sha256);

      CREATE TABLE sequences (
        id          INTEGER PRIMARY KEY,
        name        TEXT    NOT NULL CHECK (length(trim(name)) > 0),
        name_key    TEXT    NOT NULL,
        description TEXT    NOT NULL DEFAULT '',
        active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      -- Also the order of the sequence list.
      CREATE UNIQUE INDEX sequences_name_key ON sequences (name_key);

      CREATE TABLE messages (
        id           INTEGER PRIMARY KEY,
        sequence_id  INTEGER NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
        position     INTEGER NOT NULL CHECK (position >= 1),
        name         TEXT    NOT NULL CHECK (length(trim(name)) > 0),
        body         TEXT    NOT NULL DEFAULT '',
        media_id     INTEGER REFERENCES media (id) ON DELETE RESTRICT,
        delay_amount INTEGER NOT NULL CHECK (delay_amount >= 0),
        delay_unit   TEXT    NOT NULL CHECK (delay_unit IN ('minutes', 'hours', 'days')),
        send_at      TEXT    CHECK (send_at IS NULL OR (length(send_at) = 5 AND send_at GLOB '[0-2][0-9]:[0-5][0-9]' AND send_at < '24:00')),
        enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        sent_count   INTEGER NOT NULL DEFAULT 0 CHECK (sent_count >= 0),
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
      ) STRICT;

      -- A sequence's messages in order; also serves the ON DELETE CASCADE from sequences.
      CREATE UNIQUE INDEX messages_sequence_position ON messages (sequence_id, position);
      -- Foreign-key lookups from media to messages (the RESTRICT check) would otherwise scan.
      CREATE INDEX messages_media_id ON messages (media_id);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
