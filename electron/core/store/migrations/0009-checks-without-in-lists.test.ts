import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../database';
import { makeTempDir, type TempDir } from '../test-store';
import { migrations } from './index';
import { inListAsComparisons, migration0009 } from './0009-checks-without-in-lists';
import { migrate } from './runner';

const BEFORE = migrations.filter((m) => m.version < migration0009.version);
const UP_TO_THIS = migrations.filter((m) => m.version <= migration0009.version);

describe('migration 0009: the same CHECK constraints, without per-row IN lists', () => {
  let temp: TempDir;
  let dbPath: string;
  let db: SqliteDatabase;
  const run = (sql: string, ...params: unknown[]): number => Number(db.prepare(sql).run(...params).lastInsertRowid);
  const tableSql = (table: string): string =>
    (db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql;
  const snapshot = (): unknown[] =>
    ['contacts', 'subscriptions', 'deliveries', 'inbound_messages'].map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all());

  beforeEach(() => {
    temp = makeTempDir();
    dbPath = path.join(temp.dir, 'app.db');
    db = openDatabase(dbPath);
    migrate(db, BEFORE);
    const sequence = run("INSERT INTO sequences (name, name_key, description, channel, created_at, updated_at) VALUES ('Welcome', 'welcome', '', 'sms', 1, 1)");
    const message = run(`INSERT INTO messages (sequence_id, position, name, delay_amount, delay_unit, created_at, updated_at) VALUES (?, 1, 'Hi', 0, 'minutes', 1, 1)`, sequence);
    const contact = run(`INSERT INTO contacts (phone, name, name_key, source, consent_at, created_at, updated_at) VALUES ('+4915100000001', 'Ann', 'ann', 'import', 1, 1, 1)`);
    const subscription = run(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, created_at, updated_at) VALUES (?, ?, 'paused', 'auto', 1, 1, 1)`,
      contact,
      sequence,
    );
    run(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, attempts, due_at, next_attempt_at, sent_at, receipt, created_at, updated_at)
       VALUES (?, ?, 'sms', 'sent', 'key-1', 1, 5, 60, 6, 'delivered', 7, 8)`,
      subscription,
      message,
    );
    run(
      `INSERT INTO inbound_messages (provider, provider_message_id, channel, from_phone, body, received_at, created_at)
       VALUES ('twilio', 'SM1', 'sms', '+4915100000001', 'Hello', 1, 1)`,
    );
  });

  afterEach(() => {
    db.close();
    temp.cleanup();
  });

  it('keeps every row, and the database passes its integrity check, also when reopened', () => {
    const before = snapshot();
    migrate(db, UP_TO_THIS);
    expect(db.pragma('user_version', { simple: true })).toBe(migration0009.version);
    expect(snapshot()).toEqual(before);
    db.close();
    db = openDatabase(dbPath);
    expect(snapshot()).toEqual(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('writes the lists of the hot tables as comparisons and leaves the rest of each definition alone', () => {
    const contactsBefore = tableSql('contacts');
    migrate(db, UP_TO_THIS);
    expect(tableSql('subscriptions')).toContain(
      "(status = 'active' OR status = 'paused' OR status = 'completed' OR status = 'unsubscribed' OR status = 'stopped' OR status = 'failed')",
    );
    expect(tableSql('deliveries')).not.toMatch(/\b(channel|status|receipt) IN \(/);
    expect(tableSql('inbound_messages')).not.toMatch(/\bprovider IN \(/);
    expect(tableSql('contacts')).toBe(contactsBefore.replace("source IN ('manual', 'import', 'inbound')", "(source = 'manual' OR source = 'import' OR source = 'inbound')"));
    // Two-value lists are cheap already and stay as they were.
    expect(tableSql('contacts')).toContain("whatsapp_status IN ('on', 'not-on')");
  });

  it('still refuses every value the old constraints refused, on insert and on update', () => {
    migrate(db, UP_TO_THIS);
    const refused = [
      "UPDATE contacts SET source = 'api'",
      "UPDATE subscriptions SET status = 'archived'",
      "UPDATE subscriptions SET source = 'webhook'",
      "UPDATE deliveries SET channel = 'email'",
      "UPDATE deliveries SET status = 'lost'",
      "UPDATE deliveries SET receipt = 'seen'",
      "UPDATE inbound_messages SET provider = 'vonage'",
      `INSERT INTO contacts (phone, name, name_key, source, consent_at, created_at, updated_at) VALUES ('+4915100000002', '', '', 'Import', 1, 1, 1)`,
    ];
    for (const sql of refused) expect(() => db.prepare(sql).run(), sql).toThrow(/CHECK constraint failed/);
    for (const sql of [
      "UPDATE subscriptions SET status = 'stopped'",
      "UPDATE deliveries SET status = 'unknown', receipt = NULL",
      "UPDATE inbound_messages SET provider = 'smsgate'",
    ]) {
      db.prepare(sql).run();
    }
    expect(db.prepare('SELECT status FROM subscriptions').get()).toEqual({ status: 'stopped' });
  });

  it('refuses to guess when a definition is not one it knows', () => {
    const sql = "CREATE TABLE odd (source TEXT CHECK (source IN ('a', 'b', 'c')), other TEXT CHECK (source IN ('x', 'y', 'z')))";
    expect(() => inListAsComparisons(sql, 'odd', 'source')).toThrow(/expected one CHECK list for source, found 2/);
    expect(() => inListAsComparisons(sql, 'odd', 'status')).toThrow(/found 0/);
  });
});
