/**
 * TEST SUPPORT — what every crash test (crash-recovery*.test.ts) reads from the data folder of a
 * headless app it kills: claims left behind, whether everything has drained, the database's own
 * integrity checks, and every (subscription, message) pair with its delivery's status. Read with
 * a separate connection while no app runs (or alongside one: WAL lets readers in). Not app code.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { DATABASE_FILE_NAME } from '../core/app';
import type { HeadlessProcess } from './headless-process';

/** Resolves after `ms`. In a crash test it picks WHEN to crash (the experiment's input), or paces a poll of the database. */
export const after = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface PairRow {
  subscription_id: number;
  phone: string;
  body: string;
  delivery_status: string | null;
}

export interface FinalState {
  integrity: string[];
  searchIndexes: string[];
  subscriptions: number;
  pairs: PairRow[];
}

export class CrashDataFolder {
  constructor(readonly dataDir: string) {}

  get dbFile(): string {
    return path.join(this.dataDir, DATABASE_FILE_NAME);
  }

  read<T>(read: (db: Database.Database) => T): T {
    const db = new Database(this.dbFile);
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  count(sql: string): number {
    return this.read((db) => db.prepare<[], { n: number }>(sql).get()?.n ?? -1);
  }

  /** Deliveries a kill left between claim and record. */
  claimed(): number {
    return this.count("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'claimed'");
  }

  /** Polls until no subscription is live and no delivery open, or throws with the app's output after `deadlineMs`. */
  async drained(app: HeadlessProcess, deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    const progress = (): { live: number; open: number } => ({
      live: this.count("SELECT COUNT(*) AS n FROM subscriptions WHERE status IN ('active', 'paused')"),
      open: this.count("SELECT COUNT(*) AS n FROM deliveries WHERE status IN ('claimed', 'retrying')"),
    });
    let state = progress();
    while (state.live > 0 || state.open > 0) {
      if (Date.now() > deadline) throw new Error(`Not drained after ${deadlineMs} ms: ${JSON.stringify(state)}\n${app.output()}`);
      await after(100);
      state = progress();
    }
  }

  /** The integrity checks and every (subscription, message) pair, once no app runs. */
  finalState(): FinalState {
    return this.read((db) => ({
      integrity: db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all().map((row) => row.integrity_check),
      // FTS5's own check of the search indexes against the contacts, row by row (throws if they differ).
      searchIndexes: ['contacts_name_search', 'contacts_phone_search'].map((table) => {
        db.exec(`INSERT INTO ${table} (${table}, rank) VALUES ('integrity-check', 1)`);
        return 'ok';
      }),
      subscriptions: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM subscriptions').get()?.n ?? 0,
      pairs: db
        .prepare<[], PairRow>(
          `SELECT s.id AS subscription_id, c.phone, m.body, d.status AS delivery_status
           FROM subscriptions s
           JOIN contacts c ON c.id = s.contact_id
           JOIN messages m ON m.sequence_id = s.sequence_id
           LEFT JOIN deliveries d ON d.subscription_id = s.id AND d.message_id = m.id
           ORDER BY s.id, m.position`,
        )
        .all(),
    }));
  }
}

/**
 * The pairs whose record contradicts what the provider got: delivered but not recorded as sent
 * (or unknown, for the owner to settle), or missing without a record saying so.
 */
export function contradictions(pairs: readonly PairRow[], delivered: (pair: PairRow) => boolean): PairRow[] {
  return pairs.filter((pair) => {
    const status = pair.delivery_status;
    return delivered(pair) ? status !== 'sent' && status !== 'unknown' : status !== 'unknown' && status !== 'failed' && status !== 'skipped';
  });
}

export function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Sending settings for crash runs: no pacing, always open, late messages still go. */
export const CRASH_SENDING = {
  window: { quietHours: null, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] },
  pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: null },
  catchUp: { kind: 'send-late' as const },
  onPermanentFailure: 'move-on' as const,
};
