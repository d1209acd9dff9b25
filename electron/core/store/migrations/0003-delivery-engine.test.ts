import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, queryPlan, type TempDir } from '../test-store';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migration0003 } from './0003-delivery-engine';
import { migrate } from './runner';

describe('migration 0003: the delivery engine', () => {
  let temp: TempDir;
  let db: SqliteDatabase;
  let sequence: number;
  let message: number;
  let subscription: number;

  const run = (sql: string, ...params: unknown[]): number => Number(db.prepare(sql).run(...params).lastInsertRowid);
  const plan = (sql: string, ...params: unknown[]): string => queryPlan(db, sql, ...params);

  function insertDelivery(fields: Record<string, unknown>): number {
    const row = { subscription_id: subscription, message_id: message, channel: 'sms', status: 'claimed', delivery_key: null, next_attempt_at: null, sent_at: null, ...fields };
    return run(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, due_at, next_attempt_at, sent_at, created_at, updated_at)
       VALUES (@subscription_id, @message_id, @channel, @status, @delivery_key, 1, @next_attempt_at, @sent_at, 1, 1)`,
      row,
    );
  }

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    // Up to 0002 first, with data written before the engine existed.
    migrate(db, [migration0001, migration0002]);
    sequence = run("INSERT INTO sequences (name, name_key, created_at, updated_at) VALUES ('Welcome', 'welcome', 1, 1)");
    message = run(`INSERT INTO messages (sequence_id, position, name, delay_amount, delay_unit, created_at, updated_at) VALUES (?, 1, 'Hi', 0, 'minutes', 1, 1)`, sequence);
    const contact = run(`INSERT INTO contacts (phone, source, consent_at, created_at, updated_at) VALUES ('+4915100000001', 'manual', 1, 1, 1)`);
    subscription = run(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, created_at, updated_at) VALUES (?, ?, 'active', 'manual', 1, 1, 1)`,
      contact,
      sequence,
    );
    run(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, attempts, due_at, sent_at, error, created_at, updated_at)
       VALUES (?, ?, NULL, 'sent', 1, 5, 6, NULL, 7, 8)`,
      subscription,
      message,
    );
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  it('keeps existing deliveries (a missing channel becomes test mode) and gives sequences a channel', () => {
    migrate(db, [migration0001, migration0002, migration0003]);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT subscription_id, message_id, channel, status, attempts, due_at, sent_at, delivery_key FROM deliveries').all()).toEqual([
      { subscription_id: subscription, message_id: message, channel: 'test', status: 'sent', attempts: 1, due_at: 5, sent_at: 6, delivery_key: null },
    ]);
    expect(db.prepare('SELECT channel FROM sequences').all()).toEqual([{ channel: null }]);
    db.prepare("UPDATE sequences SET channel = 'sms'").run();
    expect(() => db.prepare("UPDATE sequences SET channel = 'fax'").run()).toThrow(/CHECK constraint failed/);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  describe('after it', () => {
    beforeEach(() => {
      migrate(db, [migration0001, migration0002, migration0003]);
      db.prepare('DELETE FROM deliveries').run();
    });

    it("allows the engine's statuses and channels, and nothing else", () => {
      const other = (n: number) =>
        run(`INSERT INTO messages (sequence_id, position, name, delay_amount, delay_unit, created_at, updated_at) VALUES (?, ?, 'M', 0, 'minutes', 1, 1)`, sequence, n);
      insertDelivery({ status: 'retrying', next_attempt_at: 10, delivery_key: 'sa-1' });
      insertDelivery({ message_id: other(2), status: 'unknown', delivery_key: 'sa-2' });
      expect(() => insertDelivery({ message_id: other(3), status: 'delivered' })).toThrow(/CHECK constraint failed/);
      expect(() => insertDelivery({ message_id: other(4), channel: 'pigeon' })).toThrow(/CHECK constraint failed/);
      expect(() => insertDelivery({ message_id: other(5), channel: null })).toThrow(/NOT NULL constraint failed/);
      // A retry needs its time; a sent delivery its send time.
      expect(() => insertDelivery({ message_id: other(6), status: 'retrying' })).toThrow(/CHECK constraint failed/);
      expect(() => insertDelivery({ message_id: other(7), status: 'sent' })).toThrow(/CHECK constraint failed/);
      // One delivery per subscription and message; one delivery per key.
      expect(() => insertDelivery({ status: 'sent', sent_at: 1 })).toThrow(/UNIQUE constraint failed: deliveries.subscription_id, deliveries.message_id/);
      expect(() => insertDelivery({ message_id: other(8), delivery_key: 'sa-1' })).toThrow(/UNIQUE constraint failed: deliveries.delivery_key/);
    });

    it('still deletes deliveries with their subscription and message', () => {
      insertDelivery({});
      db.prepare('DELETE FROM messages WHERE id = ?').run(message);
      expect(db.prepare('SELECT COUNT(*) AS n FROM deliveries').get()).toEqual({ n: 0 });
    });

    it('serves the hot queries from indexes, without sorting', () => {
      const earliest = plan(
        `SELECT id, next_due_at FROM subscriptions WHERE sequence_id = ? AND status = 'active' AND next_due_at IS NOT NULL ORDER BY next_due_at, id LIMIT 1`,
        1,
      );
      expect(earliest).toContain('subscriptions_active_sequence_due');
      expect(earliest).not.toContain('TEMP B-TREE');
      expect(plan(`SELECT COUNT(*) FROM subscriptions WHERE sequence_id = ? AND status = 'active' AND next_due_at <= ?`, 1, 2)).toContain(
        'subscriptions_active_sequence_due',
      );

      const retries = plan(`SELECT id FROM deliveries WHERE status = 'retrying' AND channel = ? ORDER BY next_attempt_at, id LIMIT 1`, 'sms');
      expect(retries).toContain('deliveries_status_next_attempt');
      expect(retries).not.toContain('TEMP B-TREE');
      expect(plan(`SELECT COUNT(*) FROM deliveries WHERE channel = ? AND sent_at >= ? AND sent_at < ? AND status = 'sent'`, 'sms', 1, 2)).toContain(
        'deliveries_channel_sent',
      );

      const activity = plan('SELECT id FROM deliveries d ORDER BY d.updated_at DESC, d.id DESC LIMIT 100');
      expect(activity).toContain('deliveries_updated_at');
      expect(activity).not.toContain('TEMP B-TREE');
      const byStatus = plan(`SELECT id FROM deliveries d WHERE d.status = ? ORDER BY d.updated_at DESC, d.id DESC LIMIT 100`, 'failed');
      expect(byStatus).toContain('deliveries_status_updated');
      expect(byStatus).not.toContain('TEMP B-TREE');
    });
  });
});
