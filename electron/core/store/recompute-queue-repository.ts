/**
 * Sequences whose live subscriptions still need their next message and due time recomputed
 * after an edit (migration 0004, `recompute_queue`), with how far the recompute has got.
 *
 * Free of the event bus and of services, like the other repositories.
 */
import type { SqliteDatabase } from './database';

/** The live statuses, walked in this order. */
export type RecomputePhase = 'active' | 'paused';

export interface RecomputeJob {
  sequenceId: number;
  /** When the latest edit asked for it. */
  requestedAt: number;
  phase: RecomputePhase;
  /** Subscriptions of `phase` up to this id are done. */
  afterId: number;
}

interface JobRow {
  sequence_id: number;
  requested_at: number;
  phase: string;
  after_id: number;
}

export class RecomputeQueueRepository {
  private readonly upsert;
  private readonly upsertAll;
  private readonly selectOne;
  private readonly selectOldest;
  private readonly updateCursor;
  private readonly deleteRow;

  constructor(db: SqliteDatabase) {
    // A request while one is in flight starts the walk over: rows already done used the old messages.
    this.upsert = db.prepare<[{ sequenceId: number; now: number }]>(
      `INSERT INTO recompute_queue (sequence_id, requested_at, phase, after_id) VALUES (@sequenceId, @now, 'active', 0)
       ON CONFLICT (sequence_id) DO UPDATE SET requested_at = excluded.requested_at, phase = 'active', after_id = 0`,
    );
    // `WHERE true`: without a WHERE, SQLite would read ON CONFLICT as a join constraint.
    this.upsertAll = db.prepare<[{ now: number }]>(
      `INSERT INTO recompute_queue (sequence_id, requested_at, phase, after_id) SELECT id, @now, 'active', 0 FROM sequences WHERE true
       ON CONFLICT (sequence_id) DO UPDATE SET requested_at = excluded.requested_at, phase = 'active', after_id = 0`,
    );
    this.selectOne = db.prepare<[number], JobRow>('SELECT sequence_id, requested_at, phase, after_id FROM recompute_queue WHERE sequence_id = ?');
    this.selectOldest = db.prepare<[], JobRow>(
      'SELECT sequence_id, requested_at, phase, after_id FROM recompute_queue ORDER BY requested_at, sequence_id LIMIT 1',
    );
    this.updateCursor = db.prepare<[{ sequenceId: number; phase: RecomputePhase; afterId: number }]>(
      'UPDATE recompute_queue SET phase = @phase, after_id = @afterId WHERE sequence_id = @sequenceId',
    );
    this.deleteRow = db.prepare<[number]>('DELETE FROM recompute_queue WHERE sequence_id = ?');
  }

  /** Asks for the sequence to be recomputed from the start. */
  request(sequenceId: number, now: number): void {
    this.upsert.run({ sequenceId, now });
  }

  /** Asks for every sequence to be recomputed from the start. */
  requestAll(now: number): void {
    this.upsertAll.run({ now });
  }

  find(sequenceId: number): RecomputeJob | undefined {
    const row = this.selectOne.get(sequenceId);
    return row && toJob(row);
  }

  /** The job asked for longest ago. */
  oldest(): RecomputeJob | undefined {
    const row = this.selectOldest.get();
    return row && toJob(row);
  }

  advance(sequenceId: number, phase: RecomputePhase, afterId: number): void {
    this.updateCursor.run({ sequenceId, phase, afterId });
  }

  /** The sequence is up to date (or gone). */
  finish(sequenceId: number): void {
    this.deleteRow.run(sequenceId);
  }
}

function toJob(row: JobRow): RecomputeJob {
  if (row.phase !== 'active' && row.phase !== 'paused') throw new Error(`Unknown recompute phase "${row.phase}".`);
  return { sequenceId: row.sequence_id, requestedAt: row.requested_at, phase: row.phase, afterId: row.after_id };
}
