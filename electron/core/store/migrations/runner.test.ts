import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, type TempDir } from '../test-store';
import { migrations } from './index';
import type { Migration } from './migration';
import { latestVersion, migrate, schemaVersion } from './runner';

function tableNames(db: SqliteDatabase): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((row) => row.name);
}

describe('migrate', () => {
  let temp: TempDir;
  let db: SqliteDatabase;

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  it('lists the migrations as 1, 2, 3… in order', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('brings a new database to the newest version, then has nothing left to do', () => {
    const first = migrate(db);
    expect(first).toEqual({ from: 0, to: latestVersion(), applied: migrations.map((m) => `${m.version}-${m.name}`) });
    expect(schemaVersion(db)).toBe(latestVersion());
    expect(tableNames(db)).toEqual(expect.arrayContaining(['media', 'messages', 'sequences', 'settings']));

    const again = migrate(db);
    expect(again).toEqual({ from: latestVersion(), to: latestVersion(), applied: [] });
  });

  it('applies only the pending migrations', () => {
    const log: number[] = [];
    const step = (version: number): Migration => ({
      version,
      name: `step${version}`,
      up: (d) => {
        log.push(version);
        d.exec(`CREATE TABLE t${version} (x INTEGER)`);
      },
    });
    migrate(db, [step(1)]);
    migrate(db, [step(1), step(2), step(3)]);
    expect(log).toEqual([1, 2, 3]);
    expect(schemaVersion(db)).toBe(3);
  });

  it('rolls every pending migration back when one fails, leaving the version as it was', () => {
    const good: Migration = { version: 1, name: 'good', up: (d) => d.exec('CREATE TABLE kept_out (x INTEGER)') };
    const bad: Migration = {
      version: 2,
      name: 'bad',
      up: (d) => {
        d.exec('CREATE TABLE also_kept_out (x INTEGER)');
        d.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    expect(() => migrate(db, [good, bad])).toThrow(/no such table/);
    expect(schemaVersion(db)).toBe(0);
    expect(tableNames(db)).toEqual([]);
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    migrate(db);
    const newer = latestVersion() + 1;
    db.pragma(`user_version = ${newer}`);
    expect(() => migrate(db)).toThrow(/newer version of Sequence Automation/);
    expect(schemaVersion(db)).toBe(newer);
  });

  it('rejects a migration list with gaps (a programming error)', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, up: () => undefined });
    expect(() => migrate(db, [m(1), m(3)])).toThrow(/has version 3, expected 2/);
    expect(schemaVersion(db)).toBe(0);
  });
});
