/**
 * The real core (openCoreApp) sending a sequence through the fake Twilio, with an accelerated
 * clock: Twilio takes no idempotency key, so a send whose answer was lost (Twilio accepted the
 * message, the client saw a 500) must not reach the customer twice — the retry asks Twilio's
 * message list first, finds the message and records it with Twilio's SID.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contract, type MethodInput, type MethodName, type MethodOutput } from '../../../../shared/contract';
import { openCoreApp, type CoreApp } from '../../app';
import { ManualClock, ManualTimers } from '../../engine/manual-timers';
import { seeded } from '../../engine/seeded-random';
import { silentLogger } from '../../logger';
import { MemorySecretStore } from '../../secrets/secret-store';
import { makeTempDir, type TempDir } from '../../store/test-store';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio-server';

/** Monday 2 November 2026, 10:00 in Berlin. */
const START = Date.UTC(2026, 10, 2, 9, 0);

describe('sending through Twilio with the engine', () => {
  let temp: TempDir;
  let twilio: FakeTwilio;
  let app: CoreApp;
  let clock: ManualClock;
  let timers: ManualTimers;

  beforeEach(async () => {
    temp = makeTempDir();
    clock = new ManualClock(START);
    timers = new ManualTimers(clock);
    // Twilio's clock is the test's: the message list's dates agree with the claims.
    twilio = await startFakeTwilio({ now: () => clock.now() });
    app = openCoreApp({
      dataDir: temp.dir,
      shell: 'headless',
      version: '0.0.0-test',
      clock,
      timers,
      logger: silentLogger,
      machineTimeZone: 'Europe/Berlin',
      machineCountry: 'DE',
      secretStore: new MemorySecretStore(),
      engine: { random: seeded(7) },
    });
  });

  afterEach(async () => {
    app.close();
    await app.closed;
    await twilio.close();
    temp.cleanup();
  });

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const handler = app.handlers[method] as (input: unknown) => unknown;
    return contract[method].output.parse(await handler(contract[method].input.parse(input))) as MethodOutput<M>;
  }

  it('a message Twilio accepted although the answer was an error is recorded once, with its SID, not sent again', async () => {
    const config = { provider: 'twilio' as const, accountSid: twilio.accountSid, authToken: twilio.authToken, from: twilio.phoneNumber, baseUrl: twilio.baseUrl };
    expect(await call('channels.configureSmsProvider', { config })).toEqual({ channel: 'sms', state: 'ready', reason: null });
    await call('settings.update', {
      sending: {
        window: { quietHours: null, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] },
        pacing: { minGapSeconds: 1, maxGapSeconds: 2, dailyCap: null },
        catchUp: { kind: 'send-late' },
        onPermanentFailure: 'move-on',
      },
    });
    const sequence = await call('sequences.create', { name: 'Welcome', channel: 'sms' });
    await call('messages.create', { sequenceId: sequence.id, name: 'Hello', body: 'Hi {{first_name}}, welcome!', delayAmount: 0, delayUnit: 'minutes', sendAt: null });

    twilio.acceptThenFailNext(500);
    await call('subscribers.add', { sequenceId: sequence.id, phone: '+4915110000001', name: 'Anna Test' });
    await call('subscribers.add', { sequenceId: sequence.id, phone: '+4915110000002', name: 'Ben Test' });
    await timers.runUntil(() => app.engine.waitForIdle(), START + 6 * 3_600_000);

    // Twilio has one message per customer: the lost answer did not cause a second one.
    expect(twilio.messages.map((m) => [m.to, m.body])).toEqual([
      ['+4915110000001', 'Hi Anna, welcome!'],
      ['+4915110000002', 'Hi Ben, welcome!'],
    ]);
    // The retry asked Twilio's list (by number), and found it.
    const lookups = twilio.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json'));
    expect(lookups.map((r) => r.query.get('To'))).toEqual(['+4915110000001']);

    const { rows } = await call('deliveries.list', { limit: 10 });
    const byPhone = new Map(rows.map((d) => [d.phone, d]));
    expect(byPhone.get('+4915110000001')).toMatchObject({ status: 'sent', providerMessageId: twilio.messages[0]?.sid });
    expect(byPhone.get('+4915110000002')).toMatchObject({ status: 'sent', providerMessageId: twilio.messages[1]?.sid, attempts: 1 });
  });
});
