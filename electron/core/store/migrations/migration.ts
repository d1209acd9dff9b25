import type { SqliteDatabase } from '../database';

/**
 * One step of the schema's history. Files are numbered and append-only: once a migration has
 * shipped it is never edited, a change is a new file. `up` runs inside the runner's transaction,
 * so it must be synchronous and must not open a transaction of its own.
 */
export interface Migration {
  /** Becomes `PRAGMA user_version` once applied; 1, 2, 3… without gaps. */
  readonly version: number;
  readonly name: string;
  /**
   * The migration rebuilds a table that others reference (SQLite's 12-step ALTER): foreign keys
   * are switched off around the whole run (a DROP would otherwise cascade), and
   * `PRAGMA foreign_key_check` must pass before the transaction commits.
   */
  readonly foreignKeysOff?: boolean;
  up(db: SqliteDatabase): void;
}
