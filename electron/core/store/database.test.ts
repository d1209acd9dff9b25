import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from './database';
import { makeTempDir, type TempDir } from './test-store';

describe('openDatabase', () => {
  let temp: TempDir;
  let db: SqliteDatabase | undefined;

  afterEach(() => {
    db?.close();
    db = undefined;
    temp.cleanup();
  });

  it('opens with WAL, synchronous=FULL, foreign keys and a busy timeout', () => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('explains that a file which is not a database cannot be opened', () => {
    temp = makeTempDir();
    const file = path.join(temp.dir, 'notes.db');
    fs.writeFileSync(file, 'These are my shopping notes, not a database. '.repeat(100));
    expect(() => openDatabase(file)).toThrow(/is not a Sequence Automation database/);
    // The file is left as it was.
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^These are my shopping notes/);
  });

  it('explains when the folder does not exist', () => {
    temp = makeTempDir();
    expect(() => openDatabase(path.join(temp.dir, 'missing', 'app.db'))).toThrow(/Could not open the database/);
  });
});
