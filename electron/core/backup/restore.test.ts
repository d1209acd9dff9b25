/**
 * Backup and restore on a real database through the CoreHost, with the engine sending through a
 * fake SMSGate on 127.0.0.1 (accelerated clock): a restore brings the data back as it was, keeps
 * a safety copy, and — the point — no message reaches the gateway twice and none is lost, also
 * for a backup taken while a send was in flight and a restore made while another one was.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract, type MethodInput, type MethodName, type MethodOutput } from '../../../shared/contract';
import { startFakeSmsGate, type FakeSmsGate } from '../channels/sms/fake-smsgate-server';
import { openCoreHost, type CoreHost } from '../core-host';
import { ManualClock, ManualTimers } from '../engine/manual-timers';
import { seeded } from '../engine/seeded-random';
import { silentLogger } from '../logger';
import { MemorySecretStore } from '../secrets/secret-store';
import Database from 'better-sqlite3';
import { DATABASE_FILE_NAME } from '../app';
import { openStore } from '../store/store';
import { makeTempDir, type TempDir } from '../store/test-store';
import { BACKUPS_DIR_NAME } from './backup-files';
import { carryOver } from './carry-over';

const ZONE = 'Europe/Berlin';
/** Monday 2 November 2026, 10:00 in Berlin. */
const START = Date.UTC(2026, 10, 2, 9, 0);
const HOUR = 3_600_000;
const SUBSCRIBERS = 5;
const BODIES = ['[1] Welcome {{first_name}}', '[2] The brochure', '[3] The offer'];

describe('backups.restore', () => {
  let temp: TempDir;
  let gate: FakeSmsGate;
  let clock: ManualClock;
  let timers: ManualTimers;
  let host: CoreHost;
  const secrets = new MemorySecretStore();
  /** Takes over the next request to the gateway (it runs in the middle of a send), then steps aside. */
  let intercept: ((url: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]) => Promise<Response>) | null = null;
  const smsFetch: typeof fetch = (url, init) => {
    const next = intercept;
    intercept = null;
    return next === null ? fetch(url, init) : next(url, init);
  };

  beforeEach(async () => {
    temp = makeTempDir();
    gate = await startFakeSmsGate();
    clock = new ManualClock(START);
    timers = new ManualTimers(clock);
    host = openHost();
  });

  afterEach(async () => {
    host.close();
    await host.closed;
    await gate.close();
    temp.cleanup();
  });

  function openHost(): CoreHost {
    return openCoreHost({
      dataDir: temp.dir,
      shell: 'headless',
      version: '0.0.0-test',
      clock,
      timers,
      logger: silentLogger,
      machineTimeZone: ZONE,
      machineCountry: 'DE',
      secretStore: secrets,
      engine: { random: seeded(7) },
      dataSafety: { dailyBackups: false },
      smsFetch,
    });
  }

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const handler = host.handlers[method] as (input: unknown) => unknown;
    return contract[method].output.parse(await handler(contract[method].input.parse(input))) as MethodOutput<M>;
  }

  const settle = (): Promise<void> => host.current.engine.waitForIdle();

  async function setUpSending(): Promise<{ sequenceId: number; phones: string[] }> {
    await call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'secret' } });
    await call('settings.update', {
      sending: {
        window: { quietHours: null, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] },
        pacing: { minGapSeconds: 20, maxGapSeconds: 20, dailyCap: null },
        catchUp: { kind: 'send-late' },
        onPermanentFailure: 'move-on',
      },
    });
    const sequence = await call('sequences.create', { name: 'Welcome', channel: 'sms' });
    const delays = [
      { delayAmount: 0, delayUnit: 'minutes' as const },
      { delayAmount: 1, delayUnit: 'hours' as const },
      { delayAmount: 1, delayUnit: 'days' as const },
    ];
    for (const [i, delay] of delays.entries()) {
      await call('messages.create', { sequenceId: sequence.id, name: `Message ${i + 1}`, body: BODIES[i] ?? '', ...delay });
    }
    const phones: string[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const phone = `+49151${20_000_000 + i}`;
      phones.push(phone);
      await call('subscribers.add', { sequenceId: sequence.id, phone, name: `Customer${i} Test` });
    }
    return { sequenceId: sequence.id, phones };
  }

  /** Every (phone, message) pair reached the gateway exactly once, and nothing else did. */
  function expectEachMessageOnce(phones: string[]): void {
    const seen = new Map<string, number>();
    for (const message of gate.messages.values()) {
      const key = `${message.phoneNumbers.join(',')}|${message.text.slice(0, 3)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const expected = phones.flatMap((phone) => ['[1]', '[2]', '[3]'].map((tag) => `${phone}|${tag}`)).sort();
    expect([...seen.keys()].sort()).toEqual(expected);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  }

  const posts = (): number => gate.requests.filter((r) => r.method === 'POST').length;

  it('restores a backup taken while a send was in flight: nothing reaches the gateway twice, nothing is lost', async () => {
    const { sequenceId, phones } = await setUpSending();
    const during: { backup: MethodOutput<'backups.create'> | null } = { backup: null };
    // The backup is taken in the middle of the first send: it holds that delivery as claimed.
    intercept = async (url, init) => {
      during.backup = await call('backups.create', {});
      return fetch(url, init);
    };
    await timers.runUntil(settle, START + 6 * HOUR, () => gate.messages.size >= 2 * SUBSCRIBERS);
    expect(gate.messages.size).toBe(2 * SUBSCRIBERS);
    const taken = during.backup;
    if (taken === null) throw new Error('no backup was taken');
    const postsBeforeRestore = posts();

    const result = await call('backups.restore', { id: taken.id });
    expect(result).toMatchObject({
      restored: { id: taken.id },
      safetyCopy: { kind: 'before-restore' },
      carriedOver: { sent: 2 * SUBSCRIBERS, inFlight: 0 },
      sendingPaused: false,
    });
    // Straight after the restore, nothing was sent again: the engine knows what went out.
    await settle();
    expect(posts()).toBe(postsBeforeRestore);

    await timers.runUntil(settle, START + 5 * 24 * HOUR);
    expectEachMessageOnce(phones);
    // Not even a repeat the gateway would have dropped: one POST per message.
    expect(posts()).toBe(3 * SUBSCRIBERS);
    const detail = await call('sequences.get', { id: sequenceId });
    expect(detail.messages.map((m) => m.sentCount)).toEqual([SUBSCRIBERS, SUBSCRIBERS, SUBSCRIBERS]);
    const activity = await call('deliveries.list', { limit: 100 });
    expect(activity.rows.map((d) => d.status)).toEqual(Array<string>(3 * SUBSCRIBERS).fill('sent'));
  });

  it('restores while a send is in flight: it is settled as after a crash, under the same key, and reaches the customer once', async () => {
    const { phones } = await setUpSending();
    await settle(); // the first message went out: the backup has it as sent
    const backup = await call('backups.create', {});
    await timers.runUntil(settle, START + 6 * HOUR, () => gate.messages.size >= SUBSCRIBERS + 2);
    // The next send reaches the gateway, then the restore stops the app before it hears back.
    const during: { restoring: Promise<MethodOutput<'backups.restore'>> | null; key: string | null } = { restoring: null, key: null };
    intercept = async (url, init) => {
      await fetch(url, init);
      during.key = (JSON.parse(String(init?.body)) as { id: string }).id;
      during.restoring = call('backups.restore', { id: backup.id });
      const signal = init?.signal;
      if (signal === null || signal === undefined) throw new Error('the send has no abort signal');
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      throw new DOMException('The operation was aborted.', 'AbortError');
    };
    await timers.runUntil(settle, START + 6 * HOUR, () => during.restoring !== null);
    const started = during.restoring;
    if (started === null) throw new Error('the restore did not start');
    const result = await started;
    expect(result.carriedOver).toMatchObject({ sent: SUBSCRIBERS + 1, inFlight: 1 });

    await timers.runUntil(settle, START + 5 * 24 * HOUR);
    expectEachMessageOnce(phones);
    expect(gate.messages.has(during.key ?? '')).toBe(true);
    // The interrupted one was offered again under its key and the gateway dropped the repeat.
    expect(posts()).toBe(3 * SUBSCRIBERS + 1);
    const activity = await call('deliveries.list', { limit: 100 });
    expect(activity.rows.map((d) => d.status)).toEqual(Array<string>(3 * SUBSCRIBERS).fill('sent'));
  });

  it('brings the data back as it was, keeps a safety copy that undoes the restore, keeps opt-outs and ended subscriptions, and pauses subscribers removed since', async () => {
    const { sequenceId } = await setUpSending();
    await call('engine.pauseAll', {});
    const backup = await call('backups.create', {});
    await call('sequences.update', { id: sequenceId, name: 'Renamed after the backup' });
    await call('sequences.create', { name: 'Created after the backup' });
    const subscribers = await call('subscribers.list', { sequenceId, limit: 10 });
    const removed = subscribers.rows[0];
    if (removed === undefined) throw new Error('no subscriber');
    await call('subscribers.remove', { id: removed.id });
    const [, unsubscribed, optingOut] = subscribers.rows;
    if (unsubscribed === undefined || optingOut === undefined) throw new Error('too few subscribers');
    await call('subscribers.unsubscribe', { id: unsubscribed.id });
    // A customer's STOP after the backup (written as the inbound handling records it).
    const db = new Database(path.join(temp.dir, DATABASE_FILE_NAME));
    db.prepare('UPDATE contacts SET opted_out_at = ? WHERE id = ?').run(clock.now(), optingOut.contactId);
    db.close();
    clock.advance(60_000);

    const result = await call('backups.restore', { id: backup.id });
    expect(result.pausedSubscriptions).toBe(1);
    expect(result.carriedOver).toEqual({ sent: 0, inFlight: 0, optedOut: 1, ended: 1 });
    expect((await call('subscribers.get', { id: unsubscribed.id })).subscriber.status).toBe('unsubscribed');
    expect((await call('contacts.get', { id: optingOut.contactId })).contact.optedOutAt).toBe(START);
    expect((await call('sequences.list', {})).map((s) => s.name)).toEqual(['Welcome']);
    expect((await call('subscribers.get', { id: removed.id })).subscriber.status).toBe('paused');
    // The owner's pause survives the restore.
    expect((await call('engine.status', {})).state).toBe('paused');

    const list = await call('backups.list', {});
    expect(list.folder).toBe(path.join(temp.dir, BACKUPS_DIR_NAME));
    expect(list.backups.map((b) => b.kind)).toEqual(['before-restore', 'manual']);
    const safetyCopy = result.safetyCopy;
    if (safetyCopy === null) throw new Error('no safety copy');
    await call('backups.restore', { id: safetyCopy.id });
    expect((await call('sequences.list', {})).map((s) => s.name).sort()).toEqual(['Created after the backup', 'Renamed after the backup']);
  });

  it('refuses a damaged backup, or one from a newer version, and changes nothing', async () => {
    await call('sequences.create', { name: 'Kept' });
    const good = await call('backups.create', {});
    const damaged = good.id.replace('-manual.db', '-daily.db').replace(/T\d{9}Z/, 'T000000000Z');
    writeFileSync(path.join(temp.dir, BACKUPS_DIR_NAME, damaged), 'not a database at all, just some text that is long enough '.repeat(100));
    await expect(call('backups.restore', { id: damaged })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'This backup cannot be restored: it could not be opened as a database (it may be damaged). Choose another one.',
    });
    await expect(call('backups.restore', { id: good.id.replace(/T\d{9}Z/, 'T111111111Z') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const newer = good.id.replace(/T\d{9}Z/, 'T000000001Z');
    const future = new Database(path.join(temp.dir, BACKUPS_DIR_NAME, newer));
    future.pragma('user_version = 9999');
    future.close();
    await expect(call('backups.restore', { id: newer })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: 'This backup was made by a newer version of Sequence Automation, so this version cannot restore it.',
    });
    expect((await call('sequences.list', {})).map((s) => s.name)).toEqual(['Kept']);
    expect((await call('backups.list', {})).backups.map((b) => b.kind)).toEqual(['manual', 'manual', 'daily']);
  });

  it('when the replaced database cannot be read, the restored app starts with sending paused', () => {
    host.close();
    const store = openStore(path.join(temp.dir, 'restored.db'));
    try {
      const report = carryOver(store, null, { clock, logger: silentLogger, machine: { timeZone: ZONE, country: 'DE' }, mediaDir: temp.dir });
      expect(report.sendingPaused).toBe(true);
      expect(store.settings.get('engine.pausedByOwner')).toBe(true);
    } finally {
      store.close();
    }
  });
});
