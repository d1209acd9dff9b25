/**
 * Commits that need not wait for the disk, for work whose loss to a power cut costs nothing but
 * doing it again.
 *
 * The app runs at `synchronous=FULL` so that a recorded send survives a power cut (DESIGN.md §3).
 * The recompute of due times after an edit writes only derived data, and each of its slices saves
 * its own progress in the same transaction: a slice lost to a power cut rolls back whole, cursor
 * included, and is simply done again at the next start. In WAL mode `synchronous=NORMAL` still
 * keeps every commit atomic and the database consistent; it skips the fsync per commit (the next
 * FULL commit or checkpoint writes it through). Measured: ~15 % of an edit's recompute of
 * 100,000 subscriptions.
 */
import type { SqliteDatabase } from './database';

/** Runs `work` (which must not be inside a transaction, and must be synchronous) at synchronous=NORMAL, then restores FULL. */
export function withRelaxedSync<T>(db: SqliteDatabase, work: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return work();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
