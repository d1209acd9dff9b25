import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, tableColumns, queryPlan, type TempDir } from '../test-store';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migrate } from './runner';

describe('migration 0002: contacts, subscriptions, deliveries', () => {
  let temp: TempDir;
  let db: SqliteDatabase;
  let sequence: number;
  let message: number;

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    // Only the migrations up to this one, so later ones cannot change what is tested here.
    migrate(db, [migration0001, migration0002]);
    sequence = insertSequence('Welcome');
    message = insertMessage(sequence, 1);
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  const columns = (table: string): string[] => tableColumns(db, table);

  const plan = (sql: string, ...params: unknown[]): string => queryPlan(db, sql, ...params);

  const count = (table: string): number => db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? -1;

  function insertSequence(name: string): number {
    return Number(
      db.prepare("INSERT INTO sequences (name, name_key, description, created_at, updated_at) VALUES (?, ?, '', 1, 1)").run(name, name.toLowerCase())
        .lastInsertRowid,
    );
  }

  function insertMessage(sequenceId: number, position: number): number {
    return Number(
      db
        .prepare(
          `INSERT INTO messages (sequence_id, position, name, body, delay_amount, delay_unit, created_at, updated_at)
           VALUES (?, ?, 'Hello', '', 1, 'days', 1, 1)`,
        )
        .run(sequenceId, position).lastInsertRowid,
    );
  }

  function insertContact(phone: string, overrides: Record<string, unknown> = {}): number {
    const row = { phone, name: 'Anna', name_key: 'anna', attributes: '{}', source: 'manual', ...overrides };
    return Number(
      db
        .prepare(
          `INSERT INTO contacts (phone, name, name_key, attributes, source, consent_at, created_at, updated_at)
           VALUES (@phone, @name, @name_key, @attributes, @source, 1, 1, 1)`,
        )
        .run(row).lastInsertRowid,
    );
  }

  function insertSubscription(contactId: number, overrides: Record<string, unknown> = {}): number {
    const row = {
      contact_id: contactId,
      sequence_id: sequence,
      status: 'active',
      source: 'manual',
      next_message_id: null,
      last_sent_message_id: null,
      ...overrides,
    };
    return Number(
      db
        .prepare(
          `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, next_message_id,
                                      last_sent_message_id, created_at, updated_at)
           VALUES (@contact_id, @sequence_id, @status, @source, 1, @next_message_id, @last_sent_message_id, 1, 1)`,
        )
        .run(row).lastInsertRowid,
    );
  }

  function insertDelivery(subscriptionId: number, messageId: number, status = 'sent'): number {
    return Number(
      db
        .prepare(
          `INSERT INTO deliveries (subscription_id, message_id, channel, status, due_at, created_at, updated_at)
           VALUES (?, ?, 'whatsapp', ?, 1, 1, 1)`,
        )
        .run(subscriptionId, messageId, status).lastInsertRowid,
    );
  }

  it('creates the three tables with their columns, at version 2', () => {
    expect(columns('contacts')).toEqual([
      'id',
      'phone',
      'name',
      'name_key',
      'attributes',
      'opted_out_at',
      'whatsapp_id',
      'source',
      'consent_note',
      'consent_at',
      'created_at',
      'updated_at',
    ]);
    expect(columns('subscriptions')).toEqual([
      'id',
      'contact_id',
      'sequence_id',
      'status',
      'source',
      'subscribed_at',
      'last_sent_message_id',
      'last_sent_position',
      'last_sent_at',
      'next_message_id',
      'next_due_at',
      'sent_count',
      'created_at',
      'updated_at',
    ]);
    expect(columns('deliveries')).toEqual([
      'id',
      'subscription_id',
      'message_id',
      'channel',
      'status',
      'attempts',
      'due_at',
      'claimed_at',
      'next_attempt_at',
      'sent_at',
      'provider_message_id',
      'rendered_text',
      'error',
      'created_at',
      'updated_at',
    ]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('stores only E.164 phone numbers, each once', () => {
    insertContact('+4915112345678');
    expect(() => insertContact('+4915112345678')).toThrow(/UNIQUE constraint failed: contacts.phone/);
    for (const bad of ['015112345678', '+0151', '+49 151 123', '+49151abc', '+1234567890123456', '+', '+12']) {
      expect(() => insertContact(bad), bad).toThrow(/CHECK constraint failed/);
    }
    insertContact('+123456789012345');
  });

  it('stores attributes as a JSON object only, and known sources only', () => {
    insertContact('+4915100000001', { attributes: '{"city":"Berlin"}' });
    expect(() => insertContact('+4915100000002', { attributes: '["x"]' })).toThrow(/CHECK constraint failed/);
    expect(() => insertContact('+4915100000003', { attributes: 'city=Berlin' })).toThrow(/CHECK constraint failed/);
    expect(() => insertContact('+4915100000004', { source: 'magic' })).toThrow(/CHECK constraint failed/);
  });

  it('allows one live (active or paused) subscription per contact and sequence, and any number of ended ones', () => {
    const anna = insertContact('+4915100000001');
    insertSubscription(anna, { status: 'unsubscribed' });
    insertSubscription(anna, { status: 'completed' });
    insertSubscription(anna, { status: 'paused' });
    expect(() => insertSubscription(anna)).toThrow(/UNIQUE constraint failed: subscriptions.contact_id, subscriptions.sequence_id/);
    // A second sequence is another matter.
    insertSubscription(anna, { sequence_id: insertSequence('Offers') });
    expect(() => insertSubscription(anna, { status: 'sleeping' })).toThrow(/CHECK constraint failed/);
    expect(() => insertSubscription(anna, { source: 'magic', status: 'completed' })).toThrow(/CHECK constraint failed/);
  });

  it('deletes subscriptions and their deliveries with the contact or the sequence', () => {
    const anna = insertContact('+4915100000001');
    const bob = insertContact('+4915100000002', { name: 'Bob', name_key: 'bob' });
    insertDelivery(insertSubscription(anna), message);
    insertDelivery(insertSubscription(bob), message);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(anna);
    expect([count('subscriptions'), count('deliveries')]).toEqual([1, 1]);
    db.prepare('DELETE FROM sequences WHERE id = ?').run(sequence);
    expect([count('subscriptions'), count('deliveries'), count('contacts')]).toEqual([0, 0, 1]);
  });

  it("clears a subscription's message references when the message goes, and its deliveries of it", () => {
    const anna = insertContact('+4915100000001');
    const second = insertMessage(sequence, 2);
    const sub = insertSubscription(anna, { last_sent_message_id: message, next_message_id: second });
    insertDelivery(sub, message);
    db.prepare('DELETE FROM messages WHERE id = ?').run(message);
    expect(db.prepare('SELECT last_sent_message_id, next_message_id FROM subscriptions WHERE id = ?').get(sub)).toEqual({
      last_sent_message_id: null,
      next_message_id: second,
    });
    expect(count('deliveries')).toBe(0);
    db.prepare('DELETE FROM messages WHERE id = ?').run(second);
    expect(db.prepare('SELECT next_message_id FROM subscriptions WHERE id = ?').get(sub)).toEqual({ next_message_id: null });
  });

  it('keeps one delivery per subscription and message, with known statuses only', () => {
    const sub = insertSubscription(insertContact('+4915100000001'));
    insertDelivery(sub, message);
    expect(() => insertDelivery(sub, message, 'failed')).toThrow(/UNIQUE constraint failed: deliveries.subscription_id, deliveries.message_id/);
    expect(() => insertDelivery(sub, insertMessage(sequence, 2), 'delivered')).toThrow(/CHECK constraint failed/);
    expect(() => insertDelivery(999, message)).toThrow(/FOREIGN KEY constraint failed/);
  });

  describe('query plans of the hot queries', () => {
    it("finds due work from the partial index of active rows, in due order, without a sort (the engine's tick)", () => {
      const detail = plan(
        "SELECT id, contact_id, next_message_id FROM subscriptions WHERE status = 'active' AND next_due_at <= ? ORDER BY next_due_at LIMIT 100",
        1,
      );
      expect(detail).toContain('SEARCH subscriptions USING INDEX subscriptions_due (next_due_at<?)');
      expect(detail).not.toContain('TEMP B-TREE');
      expect(plan("SELECT MIN(next_due_at) FROM subscriptions WHERE status = 'active'")).toContain('subscriptions_due');
    });

    it('counts subscribers per sequence and status from a covering index', () => {
      expect(plan("SELECT COUNT(*) FROM subscriptions WHERE sequence_id = ? AND status = 'active'", 1)).toContain(
        'SEARCH subscriptions USING COVERING INDEX subscriptions_sequence_status (sequence_id=? AND status=?)',
      );
      expect(plan('SELECT COUNT(*) FROM subscriptions WHERE sequence_id = ?', 1)).toMatch(/SEARCH subscriptions USING COVERING INDEX/);
    });

    it('pages a sequence by subscribed, last-sent, next-due time or status from an index, with the id tiebreak, without a sort', () => {
      const orders = [
        ['s.subscribed_at, s.id', 'subscriptions_sequence_subscribed'],
        ['s.subscribed_at DESC, s.id DESC', 'subscriptions_sequence_subscribed'],
        ['s.last_sent_at, s.id', 'subscriptions_sequence_last_sent'],
        ['s.next_due_at IS NULL, s.next_due_at, s.id', 'subscriptions_sequence_next_due'],
        ['s.next_due_at IS NULL DESC, s.next_due_at DESC, s.id DESC', 'subscriptions_sequence_next_due'],
        ['s.status, s.id', 'subscriptions_sequence_status'],
      ] as const;
      for (const [order, index] of orders) {
        const detail = plan(`SELECT s.id FROM subscriptions s WHERE s.sequence_id = ? ORDER BY ${order} LIMIT 100 OFFSET 50000`, 1);
        expect(detail, order).toContain(`SEARCH s USING COVERING INDEX ${index} (sequence_id=?)`);
        expect(detail, order).not.toContain('TEMP B-TREE');
      }
    });

    it('runs a search over the covering name index and probes each match, and walks contacts in name order', () => {
      const detail = plan(
        `SELECT s.id FROM contacts c CROSS JOIN subscriptions s INDEXED BY subscriptions_contact ON s.contact_id = c.id
         WHERE s.sequence_id = ? AND (instr(c.name_key, ?) > 0 OR instr(c.phone, ?) > 0)
         ORDER BY c.name_key, s.id LIMIT 100`,
        1,
        'anna',
        '151',
      );
      expect(detail).toContain('SCAN c USING COVERING INDEX contacts_name_key');
      expect(detail).toContain('SEARCH s USING COVERING INDEX subscriptions_contact (contact_id=? AND sequence_id=?)');
      // Only the id tiebreak among a contact's own subscriptions is sorted.
      expect(detail).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
    });

    it('finds a contact by phone, its live subscription, and a subscription timeline by index', () => {
      expect(plan('SELECT id FROM contacts WHERE phone = ?', '+49')).toContain('SEARCH contacts USING COVERING INDEX contacts_phone (phone=?)');
      expect(plan("SELECT id FROM subscriptions WHERE contact_id = ? AND sequence_id = ? AND status IN ('active', 'paused')", 1, 1)).toMatch(
        /SEARCH subscriptions USING (COVERING )?INDEX subscriptions_(live|contact) \(contact_id=\? AND sequence_id=\?\)/,
      );
      expect(plan('SELECT * FROM deliveries WHERE subscription_id = ?', 1)).toContain(
        'SEARCH deliveries USING INDEX deliveries_subscription_message (subscription_id=?)',
      );
    });

    it('looks up the rows that reference a message by index (the SET NULL and CASCADE on message delete)', () => {
      expect(plan('SELECT id FROM subscriptions WHERE next_message_id = ?', 1)).toContain('USING COVERING INDEX subscriptions_next_message');
      expect(plan('SELECT id FROM subscriptions WHERE last_sent_message_id = ?', 1)).toContain(
        'USING COVERING INDEX subscriptions_last_sent_message',
      );
      expect(plan('SELECT id FROM deliveries WHERE message_id = ?', 1)).toContain('USING COVERING INDEX deliveries_message');
    });

    it('lists recent activity and open deliveries without a scan', () => {
      const recent = plan('SELECT id, status, error FROM deliveries ORDER BY updated_at DESC LIMIT 50');
      expect(recent).toContain('SCAN deliveries USING INDEX deliveries_updated_at');
      expect(recent).not.toContain('TEMP B-TREE');
      expect(plan("SELECT id FROM deliveries WHERE status = 'claimed'")).toContain('deliveries_status (status=?)');
      expect(plan("SELECT id FROM deliveries WHERE status = 'failed' AND next_attempt_at <= ?", 1)).toContain(
        'deliveries_status (status=? AND next_attempt_at<?)',
      );
    });
  });
});
