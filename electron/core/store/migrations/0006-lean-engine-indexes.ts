import type { Migration } from './migration';

/**
 * Fewer index entries to move per send, per recompute and per imported subscription
 * (DESIGN.md §7: the engine's bookkeeping must keep up with plainjob at synchronous=FULL, and a
 * 100,000-row recompute must finish within a second). Every query these indexes served is
 * answered as before, from an index (plans checked in the migration's test).
 *
 * One due-time index for subscriptions
 * - Only ACTIVE subscriptions have a due time from now on: a paused one keeps its next message
 *   but not its due time (resume works it out again; the engine never sent paused ones anyway).
 *   Existing paused and ended rows lose theirs here.
 * - With that, `subscriptions_sequence_next_due` (sequence_id, next_due_at IS NULL,
 *   next_due_at), which the subscribers view sorts by, also answers the engine's "earliest due
 *   in this sequence" and its due counts. `subscriptions_active_sequence_due` (migration 0003)
 *   and the global `subscriptions_due` (migration 0002; its one reader was the status bar's due
 *   count) are dropped: every due-time change moved an entry in three indexes, now in one. A
 *   100,000-row recompute measured about a third faster without the second one alone.
 *
 * Deliveries
 * - `deliveries_status_next_attempt` (status, next_attempt_at) becomes `deliveries_retry_due`
 *   (status, next_attempt_at WHERE status = 'retrying'): only retries are ever looked up by their
 *   next attempt, and with every sent row in the old index each send deleted and inserted an
 *   entry there. The start-up scan for `claimed` rows uses `deliveries_status_updated`.
 * - `deliveries_channel_sent` (channel, sent_at) becomes `deliveries_sent` (channel, sent_at
 *   WHERE status = 'sent'): the daily cap counts sent rows only, and a claim no longer enters
 *   the index only to be moved when it is sent.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'lean-engine-indexes',
  up(db) {
    db.exec(`
      UPDATE subscriptions SET next_due_at = NULL WHERE status <> 'active' AND next_due_at IS NOT NULL;
      DROP INDEX subscriptions_due;
      DROP INDEX subscriptions_active_sequence_due;

      DROP INDEX deliveries_status_next_attempt;
      CREATE INDEX deliveries_retry_due ON deliveries (status, next_attempt_at) WHERE status = 'retrying';

      DROP INDEX deliveries_channel_sent;
      CREATE INDEX deliveries_sent ON deliveries (channel, sent_at) WHERE status = 'sent';
    `);
  },
};
