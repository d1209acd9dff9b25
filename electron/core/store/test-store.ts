/** Test support: real SQLite files in throw-away folders. Not imported by app code. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SqliteDatabase } from './database';
import { openStore, type Store } from './store';

export interface TempDir {
  readonly dir: string;
  cleanup(): void;
}

export function makeTempDir(): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqa-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface TempStore extends TempDir {
  readonly store: Store;
  readonly file: string;
}

export function openTempStore(): TempStore {
  const temp = makeTempDir();
  const file = path.join(temp.dir, 'test.db');
  const store = openStore(file);
  return {
    ...temp,
    store,
    file,
    cleanup: () => {
      store.close();
      temp.cleanup();
    },
  };
}

/** The column names of `table`, in order. */
export function tableColumns(db: SqliteDatabase, table: string): string[] {
  return db
    .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}') ORDER BY cid`)
    .all()
    .map((row) => row.name);
}

/** SQLite's query plan for `sql`, one step a line, for asserting which index a query uses. */
export function queryPlan(db: SqliteDatabase, sql: string, ...params: unknown[]): string {
  return db
    .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((row) => row.detail)
    .join('\n');
}
