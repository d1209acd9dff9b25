import type { Migration } from './migration';

/**
 * Fewer index entries to move per send, per recompute and per imported subscription
 * (DESIGN.md §7: the engine's bookkeeping must keep up with plainjob at synchronous=FULL, and a
 * 100,000-row recompute must finish within a second). Every query these indexes served is
 * answered as before, from an index (plans checked in the migration's test).
 *
 * - `subscriptions_due` (next_due_at WHERE status = 'active') is dropped. Since migration 0003
 *   the engine finds due work per sequence through `subscriptions_active_sequence_due`; the
 *   global index was left with one reader, the status bar's "due now" count, which the
 *   per-sequence index answers too (one range per sequence, and shops have a handful). Each due
 *   time change moved an entry in three indexes; now two.
 * - `deliveries_status_next_attempt` (status, next_attempt_at) becomes `deliveries_retry_due`
 *   (status, next_attempt_at WHERE status = 'retrying'): only retries are ever looked up by their next
 *   attempt, and with every sent row in the old index each send deleted and inserted an entry
 *   there. The start-up scan for `claimed` rows uses `deliveries_status_updated`.
 * - `deliveries_channel_sent` (channel, sent_at) becomes `deliveries_sent` (channel, sent_at
 *   WHERE status = 'sent'): the daily cap counts sent rows only, and a claim no longer enters
 *   the index only to be moved when it is sent.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'lean-engine-indexes',
  up(db) {
    db.exec(`
      DROP INDEX subscriptions_due;

      DROP INDEX deliveries_status_next_attempt;
      CREATE INDEX deliveries_retry_due ON deliveries (status, next_attempt_at) WHERE status = 'retrying';

      DROP INDEX deliveries_channel_sent;
      CREATE INDEX deliveries_sent ON deliveries (channel, sent_at) WHERE status = 'sent';
    `);
  },
};
