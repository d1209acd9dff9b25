/**
 * The integration test: the real core (openCoreApp) sending through a fake SMSGate server
 * on 127.0.0.1, with an accelerated clock. A sequence of three messages (right away, 2 hours
 * later, the next day at 10:00) reaches 200 subscribers in order, paced, inside the sending
 * window, under the daily cap, each exactly once.
 */
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract, type MethodInput, type MethodName, type MethodOutput } from '../../../shared/contract';
import { openCoreApp, type CoreApp } from '../app';
import { startFakeSmsGate, type FakeSmsGate } from '../channels/sms/fake-smsgate-server';
import { silentLogger } from '../logger';
import { MemorySecretStore } from '../secrets/secret-store';
import { makeTempDir, type TempDir } from '../store/test-store';
import { ManualClock, ManualTimers } from './manual-timers';
import { seeded } from './seeded-random';

const ZONE = 'Europe/Berlin';
const SUBSCRIBERS = 200;
const MIN_GAP_S = 20;
const MAX_GAP_S = 60;
const DAILY_CAP = 300;
/** Monday 2 November 2026, 08:00 in Berlin: still quiet hours. */
const START = Date.UTC(2026, 10, 2, 7, 0);

describe('sending a sequence to 200 subscribers through a fake SMSGate', () => {
  let temp: TempDir;
  let gate: FakeSmsGate;
  let app: CoreApp;
  let clock: ManualClock;
  let timers: ManualTimers;

  beforeEach(async () => {
    temp = makeTempDir();
    gate = await startFakeSmsGate({ username: 'shop', password: 'secret' });
    clock = new ManualClock(START);
    timers = new ManualTimers(clock);
    app = openCoreApp({
      dataDir: temp.dir,
      shell: 'headless',
      version: '0.0.0-test',
      clock,
      timers,
      logger: silentLogger,
      machineTimeZone: ZONE,
      machineCountry: 'DE',
      secretStore: new MemorySecretStore(),
      engine: { random: seeded(42) },
    });
  });

  afterEach(async () => {
    app.close();
    await app.closed;
    await gate.close();
    temp.cleanup();
  });

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const handler = app.handlers[method] as (input: unknown) => unknown;
    return contract[method].output.parse(await handler(contract[method].input.parse(input))) as MethodOutput<M>;
  }

  it('reaches everyone in order, paced, inside the window, each message exactly once', async () => {
    expect(await call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'secret' } })).toEqual({
      channel: 'sms',
      state: 'ready',
      reason: null,
    });
    await call('settings.update', {
      sending: {
        window: { quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] },
        pacing: { minGapSeconds: MIN_GAP_S, maxGapSeconds: MAX_GAP_S, dailyCap: DAILY_CAP },
        catchUp: { kind: 'send-late' },
        onPermanentFailure: 'move-on',
      },
    });
    const sequence = await call('sequences.create', { name: 'Welcome', channel: 'sms' });
    const bodies = ['[1] Hi {{first_name}}, welcome!', '[2] Here is our brochure, {{first_name}}.', '[3] A special offer for you.'];
    const timings: Array<{ delayAmount: number; delayUnit: 'minutes' | 'hours' | 'days'; sendAt: string | null }> = [
      { delayAmount: 0, delayUnit: 'minutes', sendAt: null },
      { delayAmount: 2, delayUnit: 'hours', sendAt: null },
      { delayAmount: 1, delayUnit: 'days', sendAt: '10:00' },
    ];
    for (const [index, timing] of timings.entries()) {
      await call('messages.create', { sequenceId: sequence.id, name: `Message ${index + 1}`, body: bodies[index] ?? '', ...timing });
    }
    const phones: string[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const phone = `+49151${10_000_000 + i}`;
      phones.push(phone);
      await call('subscribers.add', { sequenceId: sequence.id, phone, name: `Customer${i} Test` });
    }

    const expected = SUBSCRIBERS * bodies.length;
    await timers.runUntil(() => app.engine.waitForIdle(), START + 7 * 24 * 3_600_000, () => gate.messages.size >= expected);

    // Exactly once: one gateway message per (subscriber, message), each with its own id.
    const received = [...gate.messages.values()];
    const pairs = new Map<string, Set<string>>();
    for (const message of received) {
      const key = `${message.phoneNumbers.join(',')}|${message.text.slice(0, 3)}`;
      pairs.set(key, (pairs.get(key) ?? new Set()).add(message.id));
    }
    expect(received).toHaveLength(expected);
    expect(pairs.size).toBe(expected);
    expect([...pairs.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(received.find((m) => m.phoneNumbers[0] === phones[7] && m.text.startsWith('[1]'))?.text).toBe('[1] Hi Customer7, welcome!');

    // What the app recorded agrees with the gateway, id for id.
    const page = await call('deliveries.list', { limit: 500 });
    expect(page.total).toBe(expected);
    const all = [...page.rows, ...(await call('deliveries.list', { limit: 500, offset: 500 })).rows];
    expect(all.every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
    expect(new Set(all.map((d) => d.providerMessageId))).toEqual(new Set(received.map((m) => m.id)));

    const sentAt = all.map((d) => d.sentAt ?? 0).sort((a, b) => a - b);
    // Paced: never two sends closer than the shortest gap.
    for (let i = 1; i < sentAt.length; i++) expect((sentAt[i] ?? 0) - (sentAt[i - 1] ?? 0)).toBeGreaterThanOrEqual(MIN_GAP_S * 1000);
    // Inside the window, and under the daily cap.
    const perDay = new Map<string, number>();
    for (const at of sentAt) {
      const wall = DateTime.fromMillis(at, { zone: ZONE });
      expect(wall.hour >= 9 && wall.hour < 21, wall.toISO() ?? '').toBe(true);
      const day = wall.toISODate() ?? '';
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(DAILY_CAP);
    // Monday had more due than the cap allows: the rest went on Tuesday.
    expect(perDay.get('2026-11-02')).toBe(DAILY_CAP);
    expect(sentAt[0]).toBe(Date.UTC(2026, 10, 2, 8, 0)); // 09:00 Berlin, the end of the quiet hours

    // In order for everyone, with the delays counted from the actual send times.
    const bySubscriber = new Map<number, typeof all>();
    for (const d of all) bySubscriber.set(d.subscriptionId, [...(bySubscriber.get(d.subscriptionId) ?? []), d]);
    expect(bySubscriber.size).toBe(SUBSCRIBERS);
    for (const deliveries of bySubscriber.values()) {
      const [first, second, third] = ['Message 1', 'Message 2', 'Message 3'].map((name) => deliveries.find((d) => d.messageName === name)?.sentAt ?? 0) as [number, number, number];
      expect(second).toBeGreaterThanOrEqual(first + 2 * 3_600_000);
      const thirdWall = DateTime.fromMillis(third, { zone: ZONE });
      const dayAfterSecond = DateTime.fromMillis(second, { zone: ZONE }).plus({ days: 1 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
      expect(third).toBeGreaterThanOrEqual(dayAfterSecond.toMillis());
      expect(thirdWall.hour).toBeGreaterThanOrEqual(10);
    }

    const detail = await call('sequences.get', { id: sequence.id });
    expect(detail.messages.map((m) => m.sentCount)).toEqual([SUBSCRIBERS, SUBSCRIBERS, SUBSCRIBERS]);
    expect(detail.sequence).toMatchObject({ activeSubscriberCount: 0, sentCount: expected });
    expect(await call('engine.status', {})).toMatchObject({ state: 'idle', dueNow: 0, unknownDeliveries: 0 });
    // 600 sends over real HTTP take ~10 s here; more while the crash tests run beside it.
  }, 60_000);
});
