import type { Migration } from './migration';

/**
 * Fast people search, and edits that recompute 100,000 subscriptions without freezing the app
 * (DESIGN.md §7).
 *
 * contacts_name_search, contacts_phone_search (FTS5, trigram tokenizer)
 * - Searching names and phones is a substring match (`instr`, see contact-search.ts). Scanning
 *   100,000 contacts for it took 20–30 ms per keystroke; a trigram index answers any term of
 *   three or more characters from the index. Shorter terms still scan (a trigram needs three).
 * - `case_sensitive 1`: the indexed `name_key` and the search term are both folded already
 *   (search-key.ts), so the index must not fold a second, different way; matching stays exactly
 *   what `instr` matched.
 * - Two tables rather than two columns of one: every phone shares its country code and carrier
 *   prefix, so the trigrams of digits have huge posting lists; in a shared table a name search
 *   that happens to contain digits would read them too.
 * - External content (`content='contacts'`): the text is not stored twice. ContactRepository, the
 *   only writer of contacts, keeps both in step with every insert, delete, and change of
 *   `name_key` or `phone`, in the same transaction. Not triggers: FTS5 flushes its pending terms
 *   to disk at every statement savepoint, and a trigger runs inside one, so a trigger-fed index
 *   made a 100,000-row import take 3 s longer (one tiny segment per row) and searches slower
 *   (hundreds of segments to read) than the same rows indexed by plain statements.
 *
 * subscriptions_contact (rebuilt wider)
 * - (contact_id, sequence_id, status, subscribed_at): a search finds contacts first and probes
 *   this index for their subscriptions to the sequence; with status and subscribed time in it the
 *   count, the status filter and the default sort need no lookup of the table row. Still serves
 *   the ON DELETE CASCADE from contacts.
 *
 * subscriptions_orphaned_progress
 * - Progress is read from where a subscription's last message sits now; only when that message
 *   was deleted does the stored `last_sent_position` count, and a later deletion before it must
 *   move it up. This partial index holds just those rows (few), so a deletion finds them without
 *   reading the whole sequence.
 *
 * recompute_queue
 * - An edit of a sequence's messages changes the next message or due time of its live
 *   subscriptions. For a large sequence the edit's own transaction only records that the
 *   sequence needs it (one row here); the recompute runner then works through the subscriptions
 *   in slices of a few thousand, each its own short transaction, and deletes the row when done.
 *   Persisted so a recompute interrupted by a crash or a quit resumes at start-up.
 * - The runner walks the live subscriptions in (status, id) order: `phase` is the status being
 *   walked ('active', then 'paused') and `after_id` the last subscription id done in it. A new
 *   edit while one is in flight starts the walk over (rows already done used the old messages).
 */
export const migration0004: Migration = {
  version: 4,
  name: 'search-and-recompute',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE contacts_name_search USING fts5(
        name_key, content = 'contacts', content_rowid = 'id', tokenize = 'trigram case_sensitive 1'
      );
      CREATE VIRTUAL TABLE contacts_phone_search USING fts5(
        phone, content = 'contacts', content_rowid = 'id', tokenize = 'trigram case_sensitive 1'
      );
      INSERT INTO contacts_name_search (contacts_name_search) VALUES ('rebuild');
      INSERT INTO contacts_phone_search (contacts_phone_search) VALUES ('rebuild');

      DROP INDEX subscriptions_contact;
      CREATE INDEX subscriptions_contact ON subscriptions (contact_id, sequence_id, status, subscribed_at);

      CREATE INDEX subscriptions_orphaned_progress ON subscriptions (sequence_id, last_sent_position)
        WHERE last_sent_message_id IS NULL AND last_sent_position > 0;

      CREATE TABLE recompute_queue (
        sequence_id  INTEGER PRIMARY KEY REFERENCES sequences (id) ON DELETE CASCADE,
        requested_at INTEGER NOT NULL,
        phase        TEXT    NOT NULL DEFAULT 'active' CHECK (phase IN ('active', 'paused')),
        after_id     INTEGER NOT NULL DEFAULT 0 CHECK (after_id >= 0)
      ) STRICT;
    `);
  },
};
