import { afterEach, describe, expect, it } from 'vitest';
import type { SendResult } from '../channels/channel';
import { GIVE_UP_AFTER_MS } from './retry-policy';
import { berlin, DAY, EngineWorld, FakeChannel, HOUR, MINUTE, MONDAY_10, OPEN_SENDING } from './engine-test-support';

const NIGHTS = { quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] };
const transient = (reason = 'The SMS gateway had a problem (HTTP 500); it will be retried.'): SendResult => ({ ok: false, error: { kind: 'transient', reason } });
const permanent = (reason = 'The SMS gateway says the phone number +4915100000001 is not valid.'): SendResult => ({ ok: false, error: { kind: 'permanent', reason } });
const channelDown = (reason = "Can't reach the SMS gateway at 192.168.1.20:8080 — is the phone on?"): SendResult => ({
  ok: false,
  error: { kind: 'channel-down', reason },
});

let w: EngineWorld;
afterEach(async () => {
  await w.cleanup();
});

describe('DeliveryEngine: on time, in order, once', () => {
  it('sends each message at its due time, renders the template, and completes the subscription', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 2, delayUnit: 'hours' }, { delayAmount: 1, delayUnit: 'days', sendAt: '09:30' }]);
    const anna = w.subscribe(seq.id, '+4915100000001', 'Anna Schmidt');
    await w.engine.start();
    await w.runUntil(MONDAY_10 + 3 * DAY);

    expect(w.sms.sent.map((s) => [s.at, s.message.to, s.message.text])).toEqual([
      [MONDAY_10, '+4915100000001', 'Hello Anna, this is message 1.'],
      [MONDAY_10 + 2 * HOUR, '+4915100000001', 'Hello Anna, this is message 2.'],
      [berlin(3, 9, 30), '+4915100000001', 'Hello Anna, this is message 3.'],
    ]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 3, next_message_id: null, next_due_at: null });
    expect(w.sql('SELECT sent_count FROM messages ORDER BY position')).toEqual([{ sent_count: 1 }, { sent_count: 1 }, { sent_count: 1 }]);
    expect(w.deliveries().map((d) => [d.status, d.attempts, d.sent_at, d.rendered_text])).toEqual([
      ['sent', 1, MONDAY_10, 'Hello Anna, this is message 1.'],
      ['sent', 1, MONDAY_10 + 2 * HOUR, 'Hello Anna, this is message 2.'],
      ['sent', 1, berlin(3, 9, 30), 'Hello Anna, this is message 3.'],
    ]);
    // One key per delivery, each used once.
    expect(new Set(w.sms.calls.map((c) => c.message.deliveryKey)).size).toBe(3);
  });

  it('chains the next message from when the previous one actually went out', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 2, delayUnit: 'hours' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    w.engine.pauseAll();
    await w.runFor(30 * MINUTE);
    expect(w.sms.calls).toEqual([]);
    w.engine.resumeAll();
    await w.runUntil(MONDAY_10 + DAY);
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10 + 30 * MINUTE, MONDAY_10 + 30 * MINUTE + 2 * HOUR]);
  });

  it('keeps the wall-clock time of a day delay across the end of summer time', async () => {
    // Saturday 24 October 2026, 10:00 in Berlin (UTC+2); the clocks go back that night.
    w = new EngineWorld({ start: Date.UTC(2026, 9, 24, 8) });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'days' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runUntil(Date.UTC(2026, 9, 27));
    // Sunday 10:00 is now UTC+1: 25 hours later.
    expect(w.sms.sent.map((s) => s.at)).toEqual([Date.UTC(2026, 9, 24, 8), Date.UTC(2026, 9, 25, 9)]);
  });

  it('wakes at the earliest due time, not by polling: at most one timer, capped at a minute', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 3, delayUnit: 'hours' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.timers.size).toBe(1);
    expect(w.timers.nextAt()).toBe(MONDAY_10 + MINUTE);
    expect(w.engine.status()).toMatchObject({ state: 'running', nextSendAt: MONDAY_10 + 3 * HOUR, dueNow: 0 });
    await w.runUntil(MONDAY_10 + 3 * HOUR - 1);
    expect(w.sms.calls).toEqual([]);
    await w.runUntil(MONDAY_10 + 3 * HOUR);
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10 + 3 * HOUR]);
    expect(w.engine.status()).toMatchObject({ state: 'idle', nextSendAt: null, sentToday: 1 });
  });

  it('sends a message added while running to a subscriber who is waiting for it (wakes on edits)', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', []);
    const anna = w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runFor(HOUR);
    expect(w.subscription(anna).status).toBe('active');
    w.messages.create({ sequenceId: seq.id, name: 'Late', body: 'Hi', mediaId: null, delayAmount: 0, delayUnit: 'minutes', sendAt: null, enabled: true });
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10 + HOUR]);
  });
});

describe('DeliveryEngine: sending window', () => {
  it('moves a message due in quiet hours to the end of them', async () => {
    w = new EngineWorld({ start: berlin(2, 20, 30), sending: { ...OPEN_SENDING, window: NIGHTS } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runUntil(berlin(4, 0));
    expect(w.sms.sent.map((s) => s.at)).toEqual([berlin(2, 20, 30), berlin(3, 9)]);
  });

  it('skips weekdays that are not allowed and closed dates', async () => {
    const window = { quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: [1, 2, 3, 4, 5], closedDates: ['2026-11-06'] };
    w = new EngineWorld({ start: berlin(5, 20, 30), sending: { ...OPEN_SENDING, window } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runUntil(berlin(10, 0));
    // Thursday 20:30, then Friday is closed and the weekend not allowed: Monday 09:00.
    expect(w.sms.sent.map((s) => s.at)).toEqual([berlin(5, 20, 30), berlin(9, 9)]);
  });

  it('never sends in quiet hours, also when pacing pushes a message past their start', async () => {
    w = new EngineWorld({ start: berlin(2, 20, 45), sending: { ...OPEN_SENDING, window: NIGHTS, pacing: { minGapSeconds: 600, maxGapSeconds: 600, dailyCap: null } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    for (const n of [1, 2, 3]) w.subscribe(seq.id, `+491510000000${n}`);
    await w.engine.start();
    await w.runFor(HOUR);
    expect(w.engine.status()).toMatchObject({ state: 'running', nextSendAt: berlin(3, 9), dueNow: 1, detail: '1 message is due; waiting for the sending hours.' });
    await w.runUntil(berlin(3, 12));
    expect(w.sms.sent.map((s) => s.at)).toEqual([berlin(2, 20, 45), berlin(2, 20, 55), berlin(3, 9)]);
  });
});

describe('DeliveryEngine: pacing', () => {
  it('drains many due messages oldest-due first, a gap apart', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, pacing: { minGapSeconds: 30, maxGapSeconds: 30, dailyCap: null } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    // Subscribed in reverse order of their start: the earliest due goes first, not the first added.
    for (const n of [4, 3, 2, 1]) w.subscribe(seq.id, `+491510000000${n}`, '', MONDAY_10 - n * MINUTE);
    await w.engine.start();
    await w.runFor(10 * MINUTE);
    expect(w.sms.sent.map((s) => [s.message.to, s.at])).toEqual([
      ['+4915100000004', MONDAY_10],
      ['+4915100000003', MONDAY_10 + 30_000],
      ['+4915100000002', MONDAY_10 + 60_000],
      ['+4915100000001', MONDAY_10 + 90_000],
    ]);
  });

  it('stops at the daily cap and goes on the next day in the sending window', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, window: NIGHTS, pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: 2 } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    for (const n of [1, 2, 3, 4, 5]) w.subscribe(seq.id, `+491510000000${n}`);
    await w.engine.start();
    await w.runFor(HOUR);
    expect(w.sms.sent).toHaveLength(2);
    expect(w.engine.status()).toMatchObject({
      state: 'running',
      sentToday: 2,
      dailyCap: 2,
      dueNow: 3,
      nextSendAt: berlin(3, 9),
      detail: "Today's limit of 2 messages is reached; sending goes on tomorrow.",
    });
    await w.runUntil(berlin(4, 12));
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10, MONDAY_10, berlin(3, 9), berlin(3, 9), berlin(4, 9)]);
  });

  it('remembers the last send and its gap across a restart: no burst after a crash', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, pacing: { minGapSeconds: 20, maxGapSeconds: 60, dailyCap: null } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.subscribe(seq.id, '+4915100000001');
    w.subscribe(seq.id, '+4915100000002');
    w.random = () => 0.75; // gap 50 s
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.sms.sent).toHaveLength(1);

    await w.engine.stop();
    w.clock.advance(10_000);
    w.engine = w.newEngine();
    await w.engine.start();
    await w.runFor(MINUTE);
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10, MONDAY_10 + 50_000]);
  });

  it('test mode keeps the window but needs no gap and no cap', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, pacing: { minGapSeconds: 60, maxGapSeconds: 60, dailyCap: 1 } } });
    const test = w.channels.add(new FakeChannel('test', w.clock));
    const seq = w.sequence('test', [{ delayAmount: 0 }]);
    for (const n of [1, 2, 3]) w.subscribe(seq.id, `+491510000000${n}`);
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(test.sent.map((s) => s.at)).toEqual([MONDAY_10, MONDAY_10, MONDAY_10]);
    expect(w.deliveries().map((d) => [d.channel, d.status, d.rendered_text])).toEqual([
      ['test', 'sent', 'Hello there, this is message 1.'],
      ['test', 'sent', 'Hello there, this is message 1.'],
      ['test', 'sent', 'Hello there, this is message 1.'],
    ]);
  });
});

describe('DeliveryEngine: catch-up after downtime', () => {
  it('sends late messages when the policy is send-late', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 1, delayUnit: 'hours' }, { delayAmount: 1, delayUnit: 'hours' }]);
    w.subscribe(seq.id, '+4915100000001');
    // The computer was off until 20:00.
    w.clock.set(berlin(2, 20));
    await w.engine.start();
    await w.runUntil(berlin(3, 0));
    expect(w.sms.sent.map((s) => s.at)).toEqual([berlin(2, 20), berlin(2, 21)]);
  });

  /** Runs the engine until `stopAt`, stops it (computer off) for `offFor`, then starts a new one. */
  async function offFor(world: EngineWorld, stopAt: number, off: number): Promise<void> {
    await world.runUntil(stopAt);
    await world.engine.stop();
    world.clock.set(stopAt + off);
    world.engine = world.newEngine();
    await world.engine.start();
  }

  it('skips what the computer being off made more late than the setting allows, says why, and moves on', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, catchUp: { kind: 'skip-if-late', hours: 12 } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }, { delayAmount: 2, delayUnit: 'days' }]);
    const [, m2, m3] = seq.messages as [number, number, number];
    const anna = w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    // Off at 10:30 for 30 hours: message 2 (due 11:00) is 29½ hours late when the computer is back.
    await offFor(w, MONDAY_10 + 30 * MINUTE, 30 * HOUR);
    await w.runUntil(MONDAY_10 + 4 * DAY);
    expect(w.deliveries().map((d) => [d.message_id, d.status, d.sent_at, d.error])).toEqual([
      [seq.messages[0], 'sent', MONDAY_10, null],
      [m2, 'skipped', null, 'Not sent: it was 29 hours late because this computer was off or asleep (Settings → Sending skips messages more than 12 hours late).'],
      // The next one counts from the last message actually sent.
      [m3, 'sent', MONDAY_10 + 2 * DAY, null],
    ]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 2 });
  });

  it('sends what the computer being off made less late than the setting allows', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, catchUp: { kind: 'skip-if-late', hours: 12 } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await offFor(w, MONDAY_10 + 30 * MINUTE, 2 * HOUR);
    await w.runUntil(MONDAY_10 + DAY);
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10, MONDAY_10 + 150 * MINUTE]);
  });

  it('counts a computer that slept with the app running like one that was off', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, catchUp: { kind: 'skip-if-late', hours: 12 } } });
    const seq = w.sequence('sms', [{ delayAmount: 1, delayUnit: 'hours' }, { delayAmount: 2, delayUnit: 'days' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runFor(30 * MINUTE);
    // Asleep for 30 hours: the engine's one-minute timer only fires on wake-up.
    w.clock.set(MONDAY_10 + 30 * MINUTE + 30 * HOUR);
    w.timers.fireDue();
    await w.engine.waitForIdle();
    expect(w.deliveries().map((d) => [d.status, d.error?.slice(0, 32) ?? null])).toEqual([['skipped', 'Not sent: it was 29 hours late b']]);
    expect(w.sms.calls).toEqual([]);
  });

  it('counts a night the computer was off only from when the sending hours open', async () => {
    // Off from 22:00 to 08:00 with quiet hours 21:00–09:00: nothing was held up by it.
    w = new EngineWorld({ start: berlin(2, 20, 0), sending: { ...OPEN_SENDING, window: NIGHTS, catchUp: { kind: 'skip-if-late', hours: 1 } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 59, delayUnit: 'minutes' }]);
    w.subscribe(seq.id, '+4915100000001');
    w.subscribe(seq.id, '+4915100000002');
    w.setSending({ pacing: { minGapSeconds: 3600, maxGapSeconds: 3600, dailyCap: null } });
    await w.engine.start();
    await offFor(w, berlin(2, 22), 10 * HOUR);
    await w.runUntil(berlin(3, 18));
    expect(w.deliveries().map((d) => d.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('never skips a message the daily cap held back: the second goes out the next day', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, catchUp: { kind: 'skip-if-late', hours: 12 }, pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: 1 } } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.subscribe(seq.id, '+4915100000001');
    w.subscribe(seq.id, '+4915100000002');
    await w.engine.start();
    await w.runUntil(MONDAY_10 + 2 * DAY);
    expect(w.sms.sent.map((s) => [s.message.to, s.at])).toEqual([
      ['+4915100000001', MONDAY_10],
      ['+4915100000002', berlin(3, 0)],
    ]);
    expect(w.deliveries().map((d) => d.status)).toEqual(['sent', 'sent']);
  });

  it('never skips messages that quiet hours and the gap held back overnight', async () => {
    w = new EngineWorld({
      start: berlin(2, 20, 59),
      sending: { ...OPEN_SENDING, window: NIGHTS, catchUp: { kind: 'skip-if-late', hours: 2 }, pacing: { minGapSeconds: 60, maxGapSeconds: 60, dailyCap: null } },
    });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    for (const n of [1, 2, 3, 4]) w.subscribe(seq.id, `+491510000000${n}`);
    await w.engine.start();
    await w.runUntil(berlin(3, 12));
    expect(w.sms.sent.map((s) => s.at)).toEqual([berlin(2, 20, 59), berlin(3, 9), berlin(3, 9, 1), berlin(3, 9, 2)]);
    expect(w.deliveries().map((d) => d.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('never skips what waited for "Pause all" or a paused sequence, also across a downtime', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, catchUp: { kind: 'skip-if-late', hours: 1 } } });
    const held = w.sequence('sms', [{ delayAmount: 0 }]);
    const other = w.sequence('sms', [{ delayAmount: 0 }]);
    w.sequences.update({ id: held.id, active: false });
    w.subscribe(held.id, '+4915100000001');
    w.subscribe(other.id, '+4915100000002');
    await w.engine.start();
    w.engine.pauseAll();
    await w.runFor(5 * HOUR);
    w.engine.resumeAll();
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => [s.message.to, s.at])).toEqual([['+4915100000002', MONDAY_10 + 5 * HOUR]]);
    // The computer is off for a day while the sequence is paused: that did not hold it up.
    await offFor(w, MONDAY_10 + 6 * HOUR, DAY);
    w.sequences.update({ id: held.id, active: true });
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => [s.message.to, s.at])).toEqual([
      ['+4915100000002', MONDAY_10 + 5 * HOUR],
      ['+4915100000001', MONDAY_10 + 30 * HOUR],
    ]);
  });
});

describe('DeliveryEngine: failures', () => {
  it('retries transient failures with backoff under the same key, counting attempts', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.subscribe(seq.id, '+4915100000001');
    w.sms.answer(transient(), transient());
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying', attempts: 1, next_attempt_at: MONDAY_10 + 15_000, error: expect.stringContaining('HTTP 500') as unknown });
    await w.runFor(HOUR);
    // random 0.5: half of 30 s, then half of 60 s.
    expect(w.sms.calls.map((c) => c.at)).toEqual([MONDAY_10, MONDAY_10 + 15_000, MONDAY_10 + 45_000]);
    expect(new Set(w.sms.calls.map((c) => c.message.deliveryKey)).size).toBe(1);
    expect(w.deliveries()[0]).toMatchObject({ status: 'sent', attempts: 3, sent_at: MONDAY_10 + 45_000 });
  });

  it('survives a gateway that answers 502 for three hours: the message goes out afterwards, once', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    const outageEnds = MONDAY_10 + 3 * HOUR;
    const gateway = (): SendResult => (w.clock.now() < outageEnds ? transient('The SMS gateway had a problem (HTTP 502); it will be retried.') : { ok: true, providerMessageId: 'smsgate-1' });
    w.sms.answer(...Array.from({ length: 100 }, () => gateway));
    await w.engine.start();
    await w.runUntil(MONDAY_10 + DAY);

    expect(w.sms.sent).toHaveLength(1);
    expect(w.sms.sent[0]?.at).toBeGreaterThanOrEqual(outageEnds);
    expect(w.sms.sent[0]?.at).toBeLessThanOrEqual(outageEnds + HOUR);
    // Every attempt under the one key: the gateway could drop a duplicate.
    expect(new Set(w.sms.calls.map((c) => c.message.deliveryKey)).size).toBe(1);
    expect(w.sms.calls.length).toBeGreaterThan(8);
    expect(w.deliveries()).toMatchObject([{ status: 'sent', attempts: w.sms.calls.length, failing_since: MONDAY_10 }]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 1 });
  });

  it('gives up after two days of transient failures and moves on to the next message', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 3, delayUnit: 'days' }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    const down = (): SendResult => (w.clock.now() < MONDAY_10 + 3 * DAY ? transient() : { ok: true, providerMessageId: 'p' });
    w.sms.answer(...Array.from({ length: 400 }, () => down));
    await w.engine.start();
    await w.runUntil(MONDAY_10 + 4 * DAY);
    const [first, second] = w.deliveries();
    expect(first).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Gave up after trying for 48 hours \(\d+ attempts\)\. Last problem: /) as unknown });
    expect(w.sql<{ updated_at: number }>('SELECT updated_at FROM deliveries WHERE id = ?', first?.id)[0]?.updated_at).toBeGreaterThanOrEqual(MONDAY_10 + GIVE_UP_AFTER_MS);
    expect(second).toMatchObject({ status: 'sent', attempts: 1 });
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 1 });
  });

  it('fails a permanent failure at once and, if the setting says so, stops the subscription', async () => {
    w = new EngineWorld({ sending: { ...OPEN_SENDING, onPermanentFailure: 'stop-subscription' } });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    w.sms.answer(permanent());
    await w.engine.start();
    await w.runUntil(MONDAY_10 + DAY);
    expect(w.deliveries().map((d) => [d.status, d.attempts, d.error])).toEqual([['failed', 1, 'The SMS gateway says the phone number +4915100000001 is not valid.']]);
    expect(w.subscription(anna)).toMatchObject({ status: 'stopped', next_message_id: null });
    expect(w.sms.calls).toHaveLength(1);
  });

  it('pauses while the channel is down without using up attempts, and resumes by itself', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }], 'Car enquiry');
    w.subscribe(seq.id, '+4915100000001');
    w.subscribe(seq.id, '+4915100000002');
    w.sms.answer(channelDown());
    await w.engine.start();
    await w.runFor(5 * MINUTE);
    expect(w.sms.calls).toHaveLength(1);
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying', attempts: 0 });
    expect(w.engine.status()).toMatchObject({
      state: 'waiting-for-channel',
      detail: "2 messages are waiting: Can't reach the SMS gateway at 192.168.1.20:8080 — is the phone on?",
    });
    // The engine asks the channel now and then; the phone comes back on.
    expect(w.sms.probes).toBeGreaterThanOrEqual(3);
    w.sms.probeAnswer = () => ({ state: 'ready', reason: null });
    await w.runFor(2 * MINUTE);
    expect(w.sms.sent.map((s) => s.message.to).sort()).toEqual(['+4915100000001', '+4915100000002']);
    expect(w.deliveries().map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(w.engine.status().state).toBe('idle');
  });
});

describe('DeliveryEngine: bursts without pacing (several claimed per transaction)', () => {
  const phones = Array.from({ length: 12 }, (_, i) => `+49151000000${String(i + 10)}`);
  const ok = (): SendResult => ({ ok: true, providerMessageId: 'ok' });

  it('"Pause all" in the middle of a burst sends nothing more; after resuming everyone gets it exactly once', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    for (const phone of phones) w.subscribe(seq.id, phone);
    w.sms.answer(ok, ok, () => {
      w.engine.pauseAll();
      return ok();
    });
    await w.engine.start();
    await w.runFor(10 * MINUTE);
    // The send in flight when the owner paused finishes; nothing after it goes out.
    expect(w.sms.calls).toHaveLength(3);
    expect(w.deliveries().filter((d) => d.status === 'sent')).toHaveLength(3);
    w.engine.resumeAll();
    await w.runFor(10 * MINUTE);
    expect(w.sms.calls.map((c) => c.message.to).sort()).toEqual([...phones].sort());
    expect(w.deliveries().map((d) => [d.status, d.attempts])).toEqual(phones.map(() => ['sent', 1]));
  });

  it('a channel going down in the middle of a burst gives the rest back uncounted and sends each once when it is back', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    for (const phone of phones) w.subscribe(seq.id, phone);
    w.sms.answer(ok, ok, channelDown());
    await w.engine.start();
    await w.runFor(5 * MINUTE);
    expect(w.sms.sent).toHaveLength(2);
    expect(w.sql('SELECT COUNT(*) AS n FROM deliveries WHERE status = ?', 'claimed')).toEqual([{ n: 0 }]);
    expect(w.deliveries().filter((d) => d.status !== 'sent').every((d) => d.attempts === 0)).toBe(true);
    w.sms.probeAnswer = () => ({ state: 'ready', reason: null });
    await w.runFor(5 * MINUTE);
    expect(w.sms.sent.map((s) => s.message.to).sort()).toEqual([...phones].sort());
    expect(w.deliveries().map((d) => [d.status, d.attempts])).toEqual(phones.map(() => ['sent', 1]));
  });
});

describe('DeliveryEngine: what waits', () => {
  it('holds a paused sequence and sends once it is resumed', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.sequences.update({ id: seq.id, active: false });
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runFor(HOUR);
    expect(w.sms.calls).toEqual([]);
    w.sequences.update({ id: seq.id, active: true });
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10 + HOUR]);
  });

  it('never picks a channel by itself: a sequence without one waits, and the status says which', async () => {
    w = new EngineWorld();
    const seq = w.sequence(null, [{ delayAmount: 0 }], 'Car enquiry');
    for (const n of [1, 2, 3]) w.subscribe(seq.id, `+491510000000${n}`);
    await w.engine.start();
    await w.runFor(HOUR);
    expect(w.sms.calls).toEqual([]);
    expect(w.engine.status()).toMatchObject({ state: 'waiting-for-channel', dueNow: 3, detail: '3 messages are waiting: choose a channel for “Car enquiry”.' });
    w.sequences.update({ id: seq.id, channel: 'sms' });
    await w.engine.waitForIdle();
    expect(w.sms.sent).toHaveLength(3);
  });

  it('skips a contact who opted out, saying so, and sends nothing to them', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    const anna = w.subscribe(seq.id, '+4915100000001', 'Anna');
    w.store.db.prepare('UPDATE contacts SET opted_out_at = ? WHERE phone = ?').run(MONDAY_10 - 1, '+4915100000001');
    await w.engine.start();
    await w.runFor(DAY);
    expect(w.sms.calls).toEqual([]);
    expect(w.deliveries().map((d) => [d.status, d.error])).toEqual([
      ['skipped', 'Not sent: Anna has opted out of messages from the shop.'],
      ['skipped', 'Not sent: Anna has opted out of messages from the shop.'],
    ]);
    expect(w.subscription(anna).status).toBe('completed');
  });

  it('holds a paused subscriber, also its retry', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    w.sms.answer(transient());
    await w.engine.start();
    await w.engine.waitForIdle();
    w.subscribers.pause(anna);
    await w.runFor(HOUR);
    expect(w.sms.calls).toHaveLength(1);
    w.subscribers.resume(anna);
    // The retry holds them: its message is next, at the retry's own time (not a due time of theirs).
    expect(w.subscription(anna)).toMatchObject({ status: 'active', next_message_id: seq.messages[0], next_due_at: null });
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10 + HOUR]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 1 });
  });

  it('gives a subscriber paused while their message was in flight the next message without a due time, until resumed', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    w.sms.answer(() => {
      w.subscribers.pause(anna);
      return { ok: true, providerMessageId: 'smsgate-1' };
    });
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.subscription(anna)).toMatchObject({ status: 'paused', sent_count: 1, next_message_id: seq.messages[1], next_due_at: null });

    await w.runFor(2 * HOUR);
    expect(w.sms.sent).toHaveLength(1);
    w.subscribers.resume(anna);
    // An hour after the first send has passed: due now.
    expect(w.subscription(anna)).toMatchObject({ status: 'active', next_message_id: seq.messages[1], next_due_at: MONDAY_10 + 2 * HOUR });
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10, MONDAY_10 + 2 * HOUR]);
  });

  it('completes a subscriber whose last message went out while they were paused, once resumed', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    w.sms.answer(() => {
      w.subscribers.pause(anna);
      return { ok: true, providerMessageId: 'smsgate-1' };
    });
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.subscription(anna)).toMatchObject({ status: 'paused', sent_count: 1, next_message_id: null, next_due_at: null });
    expect(w.subscribers.resume(anna)).toMatchObject({ status: 'completed', nextDueAt: null });
  });
});

describe('DeliveryEngine: edits while running', () => {
  it('never sends a message turned off after it was scheduled, even before the recompute reached the row', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }, { delayAmount: 2, delayUnit: 'hours' }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.subscription(anna)).toMatchObject({ next_message_id: seq.messages[1], next_due_at: MONDAY_10 + HOUR });
    // Turned off behind the recompute's back: the row still says message 2 is next.
    w.store.db.prepare('UPDATE messages SET enabled = 0 WHERE id = ?').run(seq.messages[1]);
    await w.runUntil(MONDAY_10 + DAY);
    expect(w.sms.sent.map((s) => [s.message.text, s.at])).toEqual([
      ['Hello there, this is message 1.', MONDAY_10],
      // Message 3 counts from message 1, the last one sent.
      ['Hello there, this is message 3.', MONDAY_10 + 2 * HOUR],
    ]);
  });

  it('never sends at the old time after a delay was raised, even before the recompute reached the row', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    expect(w.subscription(anna)).toMatchObject({ next_message_id: seq.messages[0], next_due_at: MONDAY_10 });
    // Raised behind the recompute's back (a large sequence's chunked recompute is still running):
    // the row still says message 1 is due now.
    w.store.db.prepare("UPDATE messages SET delay_amount = 2, delay_unit = 'hours' WHERE id = ?").run(seq.messages[0]);
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.sms.calls).toEqual([]);
    expect(w.subscription(anna)).toMatchObject({ status: 'active', next_message_id: seq.messages[0], next_due_at: MONDAY_10 + 2 * HOUR });
    await w.runUntil(MONDAY_10 + DAY);
    expect(w.sms.sent.map((s) => [s.message.text, s.at])).toEqual([
      ['Hello there, this is message 1.', MONDAY_10 + 2 * HOUR],
      ['Hello there, this is message 2.', MONDAY_10 + 3 * HOUR],
    ]);
    expect(w.deliveries().map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('never resends a message after a reorder, and a retry of a message turned off is skipped', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }, { delayAmount: 1, delayUnit: 'hours' }]);
    const [m1, m2, m3] = seq.messages as [number, number, number];
    const anna = w.subscribe(seq.id, '+4915100000001');
    const bob = w.subscribe(seq.id, '+4915100000002');
    await w.engine.start();
    await w.runUntil(MONDAY_10 + HOUR);
    expect(w.sms.sent).toHaveLength(4);
    // Message 1, received by both, now comes after message 2 (their last): it is not sent again.
    w.messages.reorder({ sequenceId: seq.id, orderedIds: [m2, m1, m3] });
    // Anna's message 3 fails and waits for a retry; meanwhile it is turned off.
    w.sms.answer(transient());
    await w.runUntil(MONDAY_10 + 2 * HOUR);
    expect(w.deliveries().find((d) => d.subscription_id === anna && d.message_id === m3)).toMatchObject({ status: 'retrying' });
    w.messages.setEnabled({ id: m3, enabled: false });
    await w.runUntil(MONDAY_10 + DAY);

    const got = (phone: string): string[] => w.sms.sent.filter((s) => s.message.to === phone).map((s) => s.message.text);
    expect(got('+4915100000001')).toEqual(['Hello there, this is message 1.', 'Hello there, this is message 2.']);
    expect(got('+4915100000002')).toEqual(['Hello there, this is message 1.', 'Hello there, this is message 2.', 'Hello there, this is message 3.']);
    expect(w.deliveries().find((d) => d.subscription_id === anna && d.message_id === m3)).toMatchObject({
      status: 'skipped',
      error: 'Not sent: the message was turned off before it could go out.',
    });
    expect([w.subscription(anna).status, w.subscription(bob).status]).toEqual(['completed', 'completed']);
  });
});

describe('DeliveryEngine: sleep', () => {
  it('catches up at once when its timer fires late because the computer slept', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 30, delayUnit: 'minutes' }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.timers.nextAt()).toBe(MONDAY_10 + MINUTE);
    // Asleep for five hours: the one-minute timer only fires on wake-up.
    w.clock.set(MONDAY_10 + 5 * HOUR);
    w.timers.fireDue();
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10 + 5 * HOUR]);
  });

  it('re-checks a channel that was down as soon as the shell reports the wake-up', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.subscribe(seq.id, '+4915100000001');
    w.sms.setStatus({ state: 'down', reason: 'The SMS gateway does not answer.' });
    await w.engine.start();
    await w.engine.waitForIdle();
    const probes = w.sms.probes;
    w.sms.probeAnswer = () => ({ state: 'ready', reason: null });
    w.engine.resumedFromSleep();
    await w.engine.waitForIdle();
    expect(w.sms.probes).toBe(probes + 1);
    expect(w.sms.sent).toHaveLength(1);
  });
});

describe('DeliveryEngine: pause all', () => {
  it('holds everything until resumed, also across a restart', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    expect(w.engine.pauseAll()).toMatchObject({ state: 'paused', pausedByOwner: true });
    await w.engine.waitForIdle();
    // Paused before the first round could send.
    expect(w.sms.calls).toEqual([]);
    await w.engine.stop();
    w.engine = w.newEngine();
    await w.engine.start();
    await w.runFor(HOUR);
    expect(w.engine.status()).toMatchObject({ state: 'paused', detail: 'Sending is paused. 1 message is waiting.' });
    expect(w.sms.calls).toEqual([]);
    expect(w.engine.resumeAll()).toMatchObject({ pausedByOwner: false });
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10 + HOUR]);
  });
});

describe('DeliveryEngine: crashes and recovery', () => {
  /** Leaves the first delivery `claimed`, as a crash between send and record does. */
  async function crashWhileSending(world: EngineWorld): Promise<string> {
    world.sms.answer(() => new Promise<SendResult>(() => undefined));
    await world.engine.start();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const [claimed] = world.deliveries();
    expect(claimed).toMatchObject({ status: 'claimed', attempts: 1 });
    await world.engine.stop();
    expect(world.deliveries()[0]?.status).toBe('claimed');
    world.engine = world.newEngine();
    return claimed?.delivery_key ?? '';
  }

  it('resends a claimed delivery under the same key where the channel drops duplicates', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    const key = await crashWhileSending(w);
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.sms.calls.map((c) => c.message.deliveryKey)).toEqual([key, key]);
    expect(w.deliveries()).toMatchObject([{ status: 'sent', attempts: 2 }]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 1 });
  });

  it('asks a channel that can look the key up, and records what it says without sending again', async () => {
    w = new EngineWorld({ smsIdempotent: false });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.subscribe(seq.id, '+4915100000001');
    const key = await crashWhileSending(w);
    const asked: string[] = [];
    w.sms.lookup = ({ deliveryKey }) => {
      asked.push(deliveryKey);
      return Promise.resolve({ outcome: 'sent', providerMessageId: 'wa-123' });
    };
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(asked).toEqual([key]);
    expect(w.sms.calls).toHaveLength(1);
    expect(w.deliveries()).toMatchObject([{ status: 'sent', sent_at: MONDAY_10 }]);
  });

  it('marks it unknown when the channel cannot tell; the owner sends it again or marks it as sent', async () => {
    w = new EngineWorld({ smsIdempotent: false });
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    const key = await crashWhileSending(w);
    await w.engine.start();
    await w.engine.waitForIdle();
    const [first] = w.deliveries();
    expect(first).toMatchObject({ status: 'unknown', error: expect.stringContaining('cannot tell whether it went out') as unknown });
    expect(w.engine.status()).toMatchObject({ unknownDeliveries: 1, detail: expect.stringContaining('1 message needs your check') as unknown });
    // The subscription moved on meanwhile.
    expect(w.subscription(anna)).toMatchObject({ next_message_id: seq.messages[1], next_due_at: MONDAY_10 + HOUR });

    const resent = w.engine.resolve(first?.id ?? 0, 'send-again');
    expect(resent).toMatchObject({ status: 'retrying', messageName: 'Message 1', phone: '+4915100000001' });
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.message.text)).toEqual(['Hello there, this is message 1.']);
    const newKey = w.sms.sent[0]?.message.deliveryKey;
    expect(newKey).not.toBe(key);
    expect(w.deliveries()[0]).toMatchObject({ status: 'sent', delivery_key: newKey });
    await w.runUntil(MONDAY_10 + DAY);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 2 });
    expect(() => w.engine.resolve(first?.id ?? 0, 'mark-as-sent')).toThrow(/Only a message whose outcome is unknown/);
  });

  it('records a send the owner confirms, with its counts and progress', async () => {
    w = new EngineWorld({ smsIdempotent: false });
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    await crashWhileSending(w);
    await w.engine.start();
    await w.engine.waitForIdle();
    const id = w.deliveries()[0]?.id ?? 0;
    expect(w.engine.resolve(id, 'mark-as-sent')).toMatchObject({ status: 'sent', sentAt: MONDAY_10, error: 'Marked as sent by you.' });
    expect(w.sql('SELECT sent_count FROM messages')).toEqual([{ sent_count: 1 }]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 1, last_sent_message_id: seq.messages[0] });
    expect(w.sms.calls).toHaveLength(1);
  });

  it('writes a send and everything it changes in one transaction: a failing record leaves the claim alone and is retried', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    const anna = w.subscribe(seq.id, '+4915100000001');
    w.store.db.exec(`CREATE TRIGGER disk_full BEFORE UPDATE OF sent_count ON subscriptions BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.sms.sent).toHaveLength(1);
    expect(w.deliveries()).toMatchObject([{ status: 'claimed', sent_at: null }]);
    expect(w.sql('SELECT sent_count FROM messages WHERE id = ?', seq.messages[0])).toEqual([{ sent_count: 0 }]);
    expect(w.subscription(anna)).toMatchObject({ sent_count: 0, last_sent_at: null, last_sent_message_id: null });

    w.store.db.exec('DROP TRIGGER disk_full');
    await w.runFor(2 * MINUTE);
    expect(w.deliveries()[0]).toMatchObject({ status: 'sent', sent_at: MONDAY_10 + MINUTE });
    expect(w.sql('SELECT sent_count FROM messages WHERE id = ?', seq.messages[0])).toEqual([{ sent_count: 1 }]);
    expect(w.subscription(anna)).toMatchObject({ sent_count: 1, last_sent_message_id: seq.messages[0] });
    expect(w.sms.calls).toHaveLength(1);
  });

  it('stop() aborts a send in flight and leaves its claim for recovery', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    w.subscribe(seq.id, '+4915100000001');
    // A channel that never answers, not even to the abort signal: the engine cuts it off.
    w.sms.answer(() => new Promise<SendResult>(() => undefined));
    await w.engine.start();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.sms.calls).toHaveLength(1);
    await w.engine.stop();
    expect(w.deliveries()).toMatchObject([{ status: 'claimed', attempts: 1 }]);
  });
});

describe('DeliveryEngine: a message that cannot be prepared', () => {
  it('sets it aside as failed, says why, and goes on with the other subscribers on the channel', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }]);
    const [m1, m2] = seq.messages as [number, number];
    const anna = w.subscribe(seq.id, '+4915100000001', 'Anna');
    const bob = w.subscribe(seq.id, '+4915100000002', 'Bob');
    // Something nobody foresaw breaks claiming Anna's first message, and only that one. She is
    // first in the queue, so without setting her aside the whole channel would stop.
    w.store.db.exec(`CREATE TRIGGER poison BEFORE INSERT ON deliveries
      WHEN NEW.subscription_id = ${anna} AND NEW.message_id = ${m1} AND NEW.status = 'claimed'
      BEGIN SELECT RAISE(ABORT, 'unexpected data'); END`);
    await w.engine.start();
    await w.runUntil(MONDAY_10 + DAY);

    expect(w.sms.sent.map((s) => [s.message.to, s.at])).toEqual([
      ['+4915100000002', MONDAY_10],
      ['+4915100000001', MONDAY_10 + HOUR],
      ['+4915100000002', MONDAY_10 + HOUR],
    ]);
    expect(w.deliveries().find((d) => d.subscription_id === anna && d.message_id === m1)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^Not sent: something unexpected went wrong while preparing this message \(unexpected data\)/) as unknown,
    });
    expect(w.deliveries().find((d) => d.subscription_id === anna && d.message_id === m2)).toMatchObject({ status: 'sent' });
    expect([w.subscription(anna).status, w.subscription(bob).status]).toEqual(['completed', 'completed']);
  });

  it('sets a retry aside the same way when it cannot be claimed again', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }]);
    const anna = w.subscribe(seq.id, '+4915100000001', 'Anna');
    w.sms.answer(transient());
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying' });
    w.store.db.exec(`CREATE TRIGGER poison BEFORE UPDATE OF status ON deliveries
      WHEN OLD.status = 'retrying' AND NEW.status = 'claimed' AND NEW.subscription_id = ${anna}
      BEGIN SELECT RAISE(ABORT, 'unexpected data'); END`);
    const bob = w.subscribe(seq.id, '+4915100000002', 'Bob', MONDAY_10 + 10 * MINUTE);
    await w.runUntil(MONDAY_10 + HOUR);
    expect(w.sms.sent.map((s) => s.message.to)).toEqual(['+4915100000002']);
    expect(w.deliveries()[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('(unexpected data)') as unknown });
    expect([w.subscription(anna).status, w.subscription(bob).status]).toEqual(['completed', 'completed']);
  });

  it('sends a body whose placeholder names a JavaScript built-in, with its fallback', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ body: 'Hi {{constructor|there}}, {{__proto__|friend}}! {{toString}}' }]);
    w.subscribe(seq.id, '+4915100000001', 'Anna');
    w.subscribe(seq.id, '+4915100000002', 'Bob');
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.sms.sent.map((s) => s.message.text)).toEqual(['Hi there, friend! ', 'Hi there, friend! ']);
    expect(w.deliveries().map((d) => d.status)).toEqual(['sent', 'sent']);
  });
});

describe('DeliveryEngine: a retry after the owner changed the sequence’s channel', () => {
  it('waits while the sequence has no channel, then goes out over the new one under a new key', async () => {
    w = new EngineWorld();
    const test = w.channels.add(new FakeChannel('test', w.clock));
    const seq = w.sequence('sms', [{ delayAmount: 0 }], 'Car enquiry');
    const anna = w.subscribe(seq.id, '+4915100000001');
    w.sms.answer(transient());
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying', channel: 'sms' });
    const smsKey = w.sms.calls[0]?.message.deliveryKey;

    w.sequences.update({ id: seq.id, channel: null });
    await w.runFor(HOUR);
    expect(w.sms.calls).toHaveLength(1);
    expect(test.calls).toEqual([]);
    expect(w.engine.status()).toMatchObject({ state: 'waiting-for-channel', detail: expect.stringContaining('choose a channel for “Car enquiry”') as unknown });

    w.sequences.update({ id: seq.id, channel: 'test' });
    await w.engine.waitForIdle();
    expect(w.sms.calls).toHaveLength(1);
    expect(test.sent.map((s) => [s.message.to, s.message.text, s.at])).toEqual([['+4915100000001', 'Hello there, this is message 1.', MONDAY_10 + HOUR]]);
    expect(test.sent[0]?.message.deliveryKey).not.toBe(smsKey);
    expect(w.deliveries()).toMatchObject([{ channel: 'test', status: 'sent', attempts: 2, delivery_key: test.sent[0]?.message.deliveryKey }]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 1 });
  });
});
