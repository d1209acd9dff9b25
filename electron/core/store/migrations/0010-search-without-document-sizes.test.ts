import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, type TempDir } from '../test-store';
import { migrations } from './index';
import { migration0010 } from './0010-search-without-document-sizes';
import { migrate } from './runner';

const BEFORE = migrations.filter((m) => m.version < migration0010.version);
const UP_TO_THIS = migrations.filter((m) => m.version <= migration0010.version);

describe('migration 0010: the search indexes without document sizes', () => {
  let temp: TempDir;
  let db: SqliteDatabase;

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    migrate(db, BEFORE);
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  const insertContact = (phone: string | null, nameKey: string, whatsappId: string | null = null): number =>
    Number(
      db
        .prepare(
          `INSERT INTO contacts (phone, name, name_key, whatsapp_id, source, consent_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'manual', 1, 1, 1)`,
        )
        .run(phone, nameKey, nameKey, whatsappId).lastInsertRowid,
    );
  const matches = (table: string, term: string): number[] =>
    db
      .prepare<[string], { rowid: number }>(`SELECT rowid FROM ${table} WHERE ${table} MATCH ? ORDER BY rowid`)
      .all(`"${term}"`)
      .map((row) => row.rowid);
  const tableNames = (): string[] =>
    db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE name LIKE 'contacts_%_search%' ORDER BY name")
      .all()
      .map((row) => row.name);
  const index = (table: string, id: number, text: string | null): void => {
    db.prepare(`INSERT INTO ${table} (rowid, ${table === 'contacts_name_search' ? 'name_key' : 'phone'}) VALUES (?, ?)`).run(id, text);
  };

  it('finds the contacts that were there before by name and by phone, a contact without a phone included', () => {
    const anna = insertContact('+4915112345678', 'anna müller');
    const bob = insertContact('+4915199990000', 'bob');
    const carla = insertContact(null, 'carla', '4917000000001@c.us');
    for (const [id, name, phone] of [[anna, 'anna müller', '+4915112345678'], [bob, 'bob', '+4915199990000'], [carla, 'carla', null]] as const) {
      index('contacts_name_search', id, name);
      index('contacts_phone_search', id, phone);
    }
    migrate(db, UP_TO_THIS);
    expect(db.pragma('user_version', { simple: true })).toBe(migration0010.version);
    expect(matches('contacts_name_search', 'müll')).toEqual([anna]);
    expect(matches('contacts_name_search', 'carla')).toEqual([carla]);
    expect(matches('contacts_phone_search', '1234')).toEqual([anna]);
    expect(matches('contacts_phone_search', '151')).toEqual([anna, bob]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('keeps no per-contact size rows, so a contact written costs one index write less per table', () => {
    migrate(db, UP_TO_THIS);
    expect(tableNames()).not.toContain('contacts_name_search_docsize');
    expect(tableNames()).not.toContain('contacts_phone_search_docsize');
    const id = insertContact('+4915112345678', 'anna');
    index('contacts_name_search', id, 'anna');
    expect(matches('contacts_name_search', 'ann')).toEqual([id]);
    // The external-content delete the repository issues still works without stored sizes.
    db.prepare("INSERT INTO contacts_name_search (contacts_name_search, rowid, name_key) VALUES ('delete', ?, 'anna')").run(id);
    expect(matches('contacts_name_search', 'ann')).toEqual([]);
  });
});
