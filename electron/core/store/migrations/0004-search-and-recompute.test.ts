import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, queryPlan, type TempDir } from '../test-store';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migration0003 } from './0003-delivery-engine';
import { migration0004 } from './0004-search-and-recompute';
import { migrate } from './runner';

// Only the migrations up to this one, so later ones cannot change what is tested here.
const UP_TO_THIS = [migration0001, migration0002, migration0003, migration0004];

describe('migration 0004: search indexes, wider contact index, recompute queue', () => {
  let temp: TempDir;
  let db: SqliteDatabase;
  let sequence: number;

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    migrate(db, [migration0001, migration0002, migration0003]);
    sequence = Number(
      db.prepare("INSERT INTO sequences (name, name_key, description, created_at, updated_at) VALUES ('Welcome', 'welcome', '', 1, 1)").run()
        .lastInsertRowid,
    );
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  const insertContact = (phone: string, nameKey: string): number =>
    Number(
      db
        .prepare(
          `INSERT INTO contacts (phone, name, name_key, source, consent_at, created_at, updated_at)
           VALUES (?, ?, ?, 'manual', 1, 1, 1)`,
        )
        .run(phone, nameKey, nameKey).lastInsertRowid,
    );
  const byName = (term: string): number[] =>
    db
      .prepare<[string], { rowid: number }>('SELECT rowid FROM contacts_name_search WHERE contacts_name_search MATCH ? ORDER BY rowid')
      .all(`"${term}"`)
      .map((row) => row.rowid);
  const byPhone = (digits: string): number[] =>
    db
      .prepare<[string], { rowid: number }>('SELECT rowid FROM contacts_phone_search WHERE contacts_phone_search MATCH ? ORDER BY rowid')
      .all(`"${digits}"`)
      .map((row) => row.rowid);
  const plan = (sql: string, ...params: unknown[]): string => queryPlan(db, sql, ...params);
  const integrity = (): string[] => db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all().map((row) => row.integrity_check);

  it('indexes the contacts that were there before (later changes: ContactRepository)', () => {
    const anna = insertContact('+4915112345678', 'anna müller');
    const bob = insertContact('+4915199990000', 'bob');
    migrate(db, [migration0001, migration0002, migration0003, migration0004]);
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(byName('müll')).toEqual([anna]);
    expect(byName('bob')).toEqual([bob]);
    expect(byPhone('1234')).toEqual([anna]);
    expect(byPhone('151')).toEqual([anna, bob]);
    expect(integrity()).toEqual(['ok']);
  });

  it('widens subscriptions_contact so a search counts and sorts from the index alone', () => {
    migrate(db, UP_TO_THIS);
    const columns = db
      .prepare<[], { name: string }>("SELECT name FROM pragma_index_info('subscriptions_contact') ORDER BY seqno")
      .all()
      .map((row) => row.name);
    expect(columns).toEqual(['contact_id', 'sequence_id', 'status', 'subscribed_at']);
    const count = plan(
      `SELECT COUNT(*) FROM contacts c CROSS JOIN subscriptions s INDEXED BY subscriptions_contact ON s.contact_id = c.id
       WHERE s.sequence_id = ? AND s.status = 'active'`,
      sequence,
    );
    expect(count).toMatch(/USING COVERING INDEX subscriptions_contact/);
  });

  it('finds subscriptions whose last message was deleted from a small partial index', () => {
    migrate(db, UP_TO_THIS);
    const detail = plan(
      `UPDATE subscriptions SET last_sent_position = last_sent_position - 1
       WHERE sequence_id = ? AND last_sent_message_id IS NULL AND last_sent_position > 0 AND last_sent_position >= ?`,
      sequence,
      2,
    );
    expect(detail).toMatch(/subscriptions_orphaned_progress/);
  });

  it('keeps one recompute request per sequence, gone with the sequence', () => {
    migrate(db, UP_TO_THIS);
    const request = db.prepare("INSERT INTO recompute_queue (sequence_id, requested_at) VALUES (?, 1)");
    request.run(sequence);
    expect(() => request.run(sequence)).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE recompute_queue SET phase = 'done'").run()).toThrow(/CHECK/);
    db.prepare('DELETE FROM sequences WHERE id = ?').run(sequence);
    expect(db.prepare('SELECT COUNT(*) AS n FROM recompute_queue').get()).toEqual({ n: 0 });
  });
});
