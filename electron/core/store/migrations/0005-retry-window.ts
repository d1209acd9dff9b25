import type { Migration } from './migration';

/**
 * deliveries.failing_since: when the current run of transient failures of a delivery began (its
 * first failed attempt), or NULL while it has not failed. Retries give up by the time spent
 * failing (retry-policy.ts: two days), not by a number of attempts, so a gateway that is down
 * for an afternoon does not lose a message. The owner's "send again" and a move to another
 * channel start a new run (NULL again). A channel that is merely down never sets it.
 *
 * Existing rows keep NULL: a delivery already waiting for a retry starts its window at its next
 * failure, which can only give it more time, never less.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'retry-window',
  up(db) {
    db.exec('ALTER TABLE deliveries ADD COLUMN failing_since INTEGER');
  },
};
