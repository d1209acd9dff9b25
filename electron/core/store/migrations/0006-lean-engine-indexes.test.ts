import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { SendingRepository } from '../sending-repository';
import { makeTempDir, queryPlan, type TempDir } from '../test-store';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-people';
import { migration0003 } from './0003-delivery-engine';
import { migration0004 } from './0004-search-and-recompute';
import { migration0005 } from './0005-retry-window';
import { migration0006 } from './0006-lean-engine-indexes';
import { migrations } from './index';
import { migrate } from './runner';

const BEFORE = [migration0001, migration0002, migration0003, migration0004, migration0005];
// Only the migrations up to this one, so later ones cannot change what is tested here.
const UP_TO_THIS = [...BEFORE, migration0006];

describe('migration 0006: leaner indexes for the engine', () => {
  let temp: TempDir;
  let db: SqliteDatabase;
  const run = (sql: string, ...params: unknown[]): number => Number(db.prepare(sql).run(...params).lastInsertRowid);
  const indexNames = (): string[] =>
    db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'subscriptions' ORDER BY name").pluck().all();
  const sequence = (name: string): number =>
    run("INSERT INTO sequences (name, name_key, description, created_at, updated_at) VALUES (?, ?, '', 1, 1)", name, name.toLowerCase());
  const subscribe = (sequenceId: number, phone: string, status: string, nextDueAt: number | null): number => {
    const contact = run(`INSERT INTO contacts (phone, name, name_key, source, consent_at, created_at, updated_at) VALUES (?, '', '', 'manual', 1, 1, 1)`, phone);
    return run(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, next_due_at, created_at, updated_at)
       VALUES (?, ?, ?, 'manual', 1, ?, 1, 1)`,
      contact,
      sequenceId,
      status,
      nextDueAt,
    );
  };

  beforeEach(() => {
    temp = makeTempDir();
    db = openDatabase(path.join(temp.dir, 'app.db'));
    migrate(db, BEFORE);
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  const deliveryIndexNames = (): string[] =>
    db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'deliveries' ORDER BY name").pluck().all();

  it('keeps due times for active subscriptions only, in one index, and every subscription with its next message', () => {
    const welcome = sequence('Welcome');
    subscribe(welcome, '+4915100000001', 'active', 50);
    subscribe(welcome, '+4915100000002', 'paused', 10);
    subscribe(welcome, '+4915100000003', 'completed', 20);
    subscribe(welcome, '+4915100000004', 'active', null);
    expect(indexNames()).toEqual(expect.arrayContaining(['subscriptions_due', 'subscriptions_active_sequence_due']));

    migrate(db, UP_TO_THIS);

    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(indexNames()).not.toContain('subscriptions_due');
    expect(indexNames()).not.toContain('subscriptions_active_sequence_due');
    expect(indexNames()).toContain('subscriptions_sequence_next_due');
    expect(db.prepare('SELECT status, next_due_at FROM subscriptions ORDER BY id').all()).toEqual([
      { status: 'active', next_due_at: 50 },
      { status: 'paused', next_due_at: null },
      { status: 'completed', next_due_at: null },
      { status: 'active', next_due_at: null },
    ]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('narrows the retry and sent-count indexes of deliveries to the rows they are looked up by, keeping every delivery', () => {
    const welcome = sequence('Welcome');
    const message = run(`INSERT INTO messages (sequence_id, position, name, delay_amount, delay_unit, created_at, updated_at) VALUES (?, 1, 'Hi', 0, 'minutes', 1, 1)`, welcome);
    const deliver = (subscription: number, status: string, nextAttemptAt: number | null, sentAt: number | null): void => {
      run(
        `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, attempts, due_at, next_attempt_at, sent_at, created_at, updated_at)
         VALUES (?, ?, 'sms', ?, ?, 1, 5, ?, ?, 7, 8)`,
        subscription,
        message,
        status,
        `sa-${subscription}`,
        nextAttemptAt,
        sentAt,
      );
    };
    deliver(subscribe(welcome, '+4915100000001', 'active', null), 'retrying', 60, null);
    deliver(subscribe(welcome, '+4915100000002', 'active', null), 'sent', null, 40);
    deliver(subscribe(welcome, '+4915100000003', 'active', null), 'claimed', null, null);

    migrate(db, UP_TO_THIS);

    expect(deliveryIndexNames()).not.toContain('deliveries_status_next_attempt');
    expect(deliveryIndexNames()).not.toContain('deliveries_channel_sent');
    expect(deliveryIndexNames()).toEqual(expect.arrayContaining(['deliveries_retry_due', 'deliveries_sent']));
    expect(db.prepare('SELECT status, next_attempt_at, sent_at FROM deliveries ORDER BY id').all()).toEqual([
      { status: 'retrying', next_attempt_at: 60, sent_at: null },
      { status: 'sent', next_attempt_at: null, sent_at: 40 },
      { status: 'claimed', next_attempt_at: null, sent_at: null },
    ]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'retrying' AND next_attempt_at <= 60").get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE channel = 'sms' AND sent_at >= 0 AND sent_at < 100 AND status = 'sent'").get()).toEqual({ n: 1 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  describe('after it', () => {
    beforeEach(() => migrate(db, UP_TO_THIS));
    // The repository is written for the latest schema (later migrations add columns it reads).
    const latestSending = (): SendingRepository => {
      migrate(db, migrations);
      return new SendingRepository(db);
    };

    it("counts what is due now across sequences: active rows due by then, not paused, ended or later ones", () => {
      const welcome = sequence('Welcome');
      const offers = sequence('Offers');
      sequence('Empty');
      subscribe(welcome, '+4915100000001', 'active', 100);
      subscribe(welcome, '+4915100000002', 'active', 200);
      subscribe(welcome, '+4915100000003', 'active', 300);
      subscribe(welcome, '+4915100000004', 'paused', null);
      subscribe(offers, '+4915100000005', 'active', 150);
      subscribe(offers, '+4915100000006', 'completed', null);
      subscribe(offers, '+4915100000007', 'active', null);
      const sending = latestSending();

      expect(sending.allDueCount(200)).toBe(3);
      expect(sending.allDueCount(99)).toBe(0);
      expect(sending.dueCount(welcome, 1_000)).toBe(3);
      expect(sending.earliestDue(offers)).toEqual({ subscriptionId: 5, at: 150 });
      expect(sending.earliestDue(welcome)).toEqual({ subscriptionId: 1, at: 100 });
    });

    it('never hands the engine a subscription that is not active, even one that kept a due time', () => {
      const welcome = sequence('Welcome');
      subscribe(welcome, '+4915100000001', 'paused', 10);
      subscribe(welcome, '+4915100000002', 'active', 20);
      expect(latestSending().earliestDue(welcome)).toEqual({ subscriptionId: 2, at: 20 });
    });

    it("answers the engine's due queries from the index the subscribers view sorts by, without a sort", () => {
      const earliest = queryPlan(
        db,
        `SELECT id, next_due_at FROM subscriptions
         WHERE sequence_id = ? AND (next_due_at IS NULL) = 0 AND status = 'active'
         ORDER BY next_due_at, id LIMIT 1`,
        1,
      );
      expect(earliest).toContain('SEARCH subscriptions USING INDEX subscriptions_sequence_next_due (sequence_id=? AND <expr>=?)');
      expect(earliest).not.toContain('TEMP B-TREE');

      const allDue = queryPlan(
        db,
        `SELECT COALESCE(SUM((SELECT COUNT(*) FROM subscriptions s
                              WHERE s.sequence_id = q.id AND (s.next_due_at IS NULL) = 0 AND s.next_due_at <= ?)), 0) AS n
         FROM sequences q`,
        1,
      );
      expect(allDue).toContain('SEARCH s USING COVERING INDEX subscriptions_sequence_next_due (sequence_id=? AND <expr>=? AND next_due_at<?)');
    });

    it("answers the engine's retry and daily-cap queries from the narrowed indexes, and start-up recovery from the status index", () => {
      const nextRetry = queryPlan(
        db,
        `SELECT d.id, d.next_attempt_at FROM deliveries d
         JOIN subscriptions s ON s.id = d.subscription_id
         JOIN sequences q ON q.id = s.sequence_id
         WHERE d.status = 'retrying' AND q.channel = ? AND s.status <> 'paused' AND q.active = 1
         ORDER BY d.next_attempt_at, d.id LIMIT 1`,
        'sms',
      );
      expect(nextRetry).toContain('SEARCH d USING INDEX deliveries_retry_due (status=?)');
      expect(nextRetry).not.toContain('TEMP B-TREE');
      expect(queryPlan(db, "SELECT COUNT(*) FROM deliveries WHERE status = 'retrying' AND next_attempt_at <= ?", 1)).toContain(
        'SEARCH deliveries USING COVERING INDEX deliveries_retry_due (status=? AND next_attempt_at<?)',
      );
      expect(queryPlan(db, "SELECT COUNT(*) FROM deliveries WHERE channel = ? AND sent_at >= ? AND sent_at < ? AND status = 'sent'", 'sms', 0, 1)).toContain(
        'SEARCH deliveries USING COVERING INDEX deliveries_sent (channel=? AND sent_at>? AND sent_at<?)',
      );
      expect(queryPlan(db, "SELECT id FROM deliveries WHERE status = 'claimed' ORDER BY id")).toContain(
        'SEARCH deliveries USING COVERING INDEX deliveries_status_updated (status=?)',
      );
    });
  });
});
