import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, tableColumns, queryPlan, type TempDir } from '../test-store';
import { migration0001 } from './0001-initial';
import { migrate } from './runner';

const SHA = 'a'.repeat(64);

describe('migration 0001: sequences, messages, media, settings', () => {
  let temp: TempDir;
  let db: SqliteDatabase;

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    // Only this migration, so later ones cannot change what is tested here.
    migrate(db, [migration0001]);
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  const columns = (table: string): string[] => tableColumns(db, table);

  const plan = (sql: string, ...params: unknown[]): string => queryPlan(db, sql, ...params);

  const insertSequence = (name: string, key = name.toLowerCase()): number =>
    Number(
      db
        .prepare("INSERT INTO sequences (name, name_key, description, created_at, updated_at) VALUES (?, ?, '', 1, 1)")
        .run(name, key).lastInsertRowid,
    );

  const insertMessage = (sequenceId: number, position: number, overrides: Record<string, unknown> = {}): number => {
    const row = {
      sequence_id: sequenceId,
      position,
      name: 'Welcome',
      body: 'Hi',
      media_id: null,
      delay_amount: 0,
      delay_unit: 'minutes',
      send_at: null,
      enabled: 1,
      ...overrides,
    };
    return Number(
      db
        .prepare(
          `INSERT INTO messages (sequence_id, position, name, body, media_id, delay_amount, delay_unit, send_at,
                                 enabled, created_at, updated_at)
           VALUES (@sequence_id, @position, @name, @body, @media_id, @delay_amount, @delay_unit, @send_at, @enabled, 1, 1)`,
        )
        .run(row).lastInsertRowid,
    );
  };

  const insertMedia = (sha256 = SHA, kind = 'image'): number =>
    Number(
      db
        .prepare(
          `INSERT INTO media (sha256, file_name, mime_type, kind, extension, size_bytes, created_at)
           VALUES (?, 'photo.jpg', 'image/jpeg', ?, 'jpg', 10, 1)`,
        )
        .run(sha256, kind).lastInsertRowid,
    );

  it('creates the four tables with their columns', () => {
    expect(columns('sequences')).toEqual(['id', 'name', 'name_key', 'description', 'active', 'created_at', 'updated_at']);
    expect(columns('messages')).toEqual([
      'id',
      'sequence_id',
      'position',
      'name',
      'body',
      'media_id',
      'delay_amount',
      'delay_unit',
      'send_at',
      'enabled',
      'sent_count',
      'created_at',
      'updated_at',
    ]);
    expect(columns('media')).toEqual([
      'id',
      'sha256',
      'file_name',
      'mime_type',
      'kind',
      'extension',
      'size_bytes',
      'created_at',
    ]);
    expect(columns('settings')).toEqual(['key', 'value']);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  });

  it('keeps sequence names unique by their folded key', () => {
    insertSequence('Welcome');
    expect(() => insertSequence('WELCOME', 'welcome')).toThrow(/UNIQUE constraint failed: sequences.name_key/);
    expect(() => insertSequence('   ', 'blank')).toThrow(/CHECK constraint failed/);
  });

  it('keeps message positions unique and positive within a sequence, not across sequences', () => {
    const a = insertSequence('A');
    const b = insertSequence('B');
    insertMessage(a, 1);
    insertMessage(b, 1);
    expect(() => insertMessage(a, 1)).toThrow(/UNIQUE constraint failed: messages.sequence_id, messages.position/);
    expect(() => insertMessage(a, 0)).toThrow(/CHECK constraint failed/);
  });

  it('accepts only the known delay units, non-negative delays and HH:mm exact times', () => {
    const s = insertSequence('A');
    expect(() => insertMessage(s, 1, { delay_unit: 'weeks' })).toThrow(/CHECK constraint failed/);
    expect(() => insertMessage(s, 1, { delay_amount: -1 })).toThrow(/CHECK constraint failed/);
    for (const bad of ['9:00', '24:00', '12:60', '09:00:00', 'ab:cd']) {
      expect(() => insertMessage(s, 1, { send_at: bad }), bad).toThrow(/CHECK constraint failed/);
    }
    expect(() => insertMessage(s, 1, { enabled: 2 })).toThrow(/CHECK constraint failed/);
    expect(() => insertMessage(s, 1, { delay_amount: 'soon' })).toThrow(/cannot store TEXT value in INTEGER column/);
    insertMessage(s, 1, { send_at: '23:59', delay_unit: 'days', delay_amount: 2 });
  });

  it('refuses a message for a missing sequence or media, and deletes messages with their sequence', () => {
    expect(() => insertMessage(999, 1)).toThrow(/FOREIGN KEY constraint failed/);
    const s = insertSequence('A');
    expect(() => insertMessage(s, 1, { media_id: 999 })).toThrow(/FOREIGN KEY constraint failed/);
    insertMessage(s, 1);
    insertMessage(s, 2);
    db.prepare('DELETE FROM sequences WHERE id = ?').run(s);
    expect(db.prepare('SELECT COUNT(*) AS n FROM messages').get()).toEqual({ n: 0 });
  });

  it('keeps media that a message uses, and media unique by content hash', () => {
    const media = insertMedia();
    const s = insertSequence('A');
    insertMessage(s, 1, { media_id: media });
    expect(() => db.prepare('DELETE FROM media WHERE id = ?').run(media)).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => insertMedia(SHA)).toThrow(/UNIQUE constraint failed: media.sha256/);
    expect(() => insertMedia('B'.repeat(64))).toThrow(/CHECK constraint failed/);
    expect(() => insertMedia('b'.repeat(64), 'binary')).toThrow(/CHECK constraint failed/);
  });

  it('stores settings as valid JSON only', () => {
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('timeZone', '"Europe/Berlin"');
    expect(() => db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('x', 'not json')).toThrow(
      /CHECK constraint failed/,
    );
  });

  describe('query plans of the hot queries', () => {
    it("reads a sequence's messages in order from messages_sequence_position, without sorting", () => {
      const detail = plan(
        `SELECT m.id FROM messages m LEFT JOIN media md ON md.id = m.media_id
         WHERE m.sequence_id = ? ORDER BY m.position`,
        1,
      );
      expect(detail).toContain('SEARCH m USING INDEX messages_sequence_position (sequence_id=?)');
      expect(detail).not.toContain('TEMP B-TREE');
    });

    it('lists sequences in name order with their counts, without a scan of messages or a sort', () => {
      const detail = plan(
        `SELECT s.id, s.name, COUNT(m.id), SUM(m.enabled), SUM(m.sent_count)
         FROM sequences s LEFT JOIN messages m ON m.sequence_id = s.id
         GROUP BY s.name_key ORDER BY s.name_key`,
      );
      expect(detail).toContain('SCAN s USING INDEX sequences_name_key');
      expect(detail).toContain('SEARCH m USING INDEX messages_sequence_position (sequence_id=?)');
      expect(detail).not.toContain('TEMP B-TREE');
    });

    it('looks names and content hashes up by their unique indexes', () => {
      expect(plan('SELECT id FROM sequences WHERE name_key = ?', 'x')).toContain(
        'SEARCH sequences USING COVERING INDEX sequences_name_key (name_key=?)',
      );
      expect(plan('SELECT id FROM media WHERE sha256 = ?', SHA)).toContain(
        'SEARCH media USING COVERING INDEX media_sha256 (sha256=?)',
      );
    });

    it('finds the messages that use a media file by index (the RESTRICT check)', () => {
      expect(plan('SELECT id FROM messages WHERE media_id = ?', 1)).toContain(
        'SEARCH messages USING COVERING INDEX messages_media_id (media_id=?)',
      );
    });
  });
});
