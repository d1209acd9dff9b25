import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, type TempDir } from '../test-store';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migration0003 } from './0003-delivery-engine';
import { migration0004 } from './0004-search-and-recompute';
import { migration0005 } from './0005-retry-window';
import { migration0006 } from './0006-lean-engine-indexes';
import { migration0007 } from './0007-channels-and-inbound';
import { migration0008 } from './0008-delivery-fallback';
import { migrate } from './runner';

const BEFORE = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007];

describe('migration 0008: why a delivery went by SMS', () => {
  let temp: TempDir;
  let db: SqliteDatabase;
  const run = (sql: string, ...params: unknown[]): number => Number(db.prepare(sql).run(...params).lastInsertRowid);

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    migrate(db, BEFORE);
    const sequence = run("INSERT INTO sequences (name, name_key, description, channel, sms_fallback, created_at, updated_at) VALUES ('Welcome', 'welcome', '', 'whatsapp', 1, 1, 1)");
    const message = run(`INSERT INTO messages (sequence_id, position, name, delay_amount, delay_unit, created_at, updated_at) VALUES (?, 1, 'Hi', 0, 'minutes', 1, 1)`, sequence);
    const contact = run(`INSERT INTO contacts (phone, name, name_key, source, consent_at, created_at, updated_at) VALUES ('+4915100000001', '', '', 'manual', 1, 1, 1)`);
    const subscription = run(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, created_at, updated_at) VALUES (?, ?, 'active', 'manual', 1, 1, 1)`,
      contact,
      sequence,
    );
    run(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, attempts, due_at, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, 'whatsapp', 'retrying', 'wa-key', 1, 5, 60, 7, 8)`,
      subscription,
      message,
    );
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  it('adds `fallback`, NULL for the deliveries already there, and accepts only the two reasons', () => {
    migrate(db, [...BEFORE, migration0008]);
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(db.prepare('SELECT channel, status, delivery_key, fallback FROM deliveries').all()).toEqual([
      { channel: 'whatsapp', status: 'retrying', delivery_key: 'wa-key', fallback: null },
    ]);
    db.prepare("UPDATE deliveries SET channel = 'sms', fallback = 'not-on-whatsapp'").run();
    db.prepare("UPDATE deliveries SET fallback = 'whatsapp-down'").run();
    expect(() => db.prepare("UPDATE deliveries SET fallback = 'because'").run()).toThrow(/CHECK constraint failed/);
    expect(db.prepare('SELECT fallback FROM deliveries').all()).toEqual([{ fallback: 'whatsapp-down' }]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
