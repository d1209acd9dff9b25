import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, type TempDir } from '../test-store';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migration0003 } from './0003-delivery-engine';
import { migration0004 } from './0004-search-and-recompute';
import { migration0005 } from './0005-retry-window';
import { migrate } from './runner';

describe('migration 0005: when a delivery started failing', () => {
  let temp: TempDir;
  let db: SqliteDatabase;
  const run = (sql: string, ...params: unknown[]): number => Number(db.prepare(sql).run(...params).lastInsertRowid);

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    migrate(db, [migration0001, migration0002, migration0003, migration0004]);
    const sequence = run("INSERT INTO sequences (name, name_key, description, created_at, updated_at) VALUES ('Welcome', 'welcome', '', 1, 1)");
    const message = run(`INSERT INTO messages (sequence_id, position, name, delay_amount, delay_unit, created_at, updated_at) VALUES (?, 1, 'Hi', 0, 'minutes', 1, 1)`, sequence);
    const contact = run(`INSERT INTO contacts (phone, name, name_key, source, consent_at, created_at, updated_at) VALUES ('+4915100000001', '', '', 'manual', 1, 1, 1)`);
    const subscription = run(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, created_at, updated_at) VALUES (?, ?, 'active', 'manual', 1, 1, 1)`,
      contact,
      sequence,
    );
    run(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, attempts, due_at, next_attempt_at, error, created_at, updated_at)
       VALUES (?, ?, 'sms', 'retrying', 'sa-key', 3, 5, 60, 'HTTP 502', 7, 8)`,
      subscription,
      message,
    );
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  it('adds failing_since, NULL for the deliveries already there, which keep everything else', () => {
    migrate(db, [migration0001, migration0002, migration0003, migration0004, migration0005]);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT status, delivery_key, attempts, next_attempt_at, error, failing_since FROM deliveries').all()).toEqual([
      { status: 'retrying', delivery_key: 'sa-key', attempts: 3, next_attempt_at: 60, error: 'HTTP 502', failing_since: null },
    ]);
    db.prepare('UPDATE deliveries SET failing_since = 42').run();
    expect(db.prepare('SELECT failing_since FROM deliveries').all()).toEqual([{ failing_since: 42 }]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
