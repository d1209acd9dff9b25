/**
 * Start-up recovery of sends a crash interrupted on a channel that is not idempotent but can look
 * its messages up (WhatsApp: the chat's latest outgoing messages), including a WhatsApp that is
 * still connecting when the app starts (recovery.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LookupQuery, LookupResult, SendResult } from '../channels/channel';
import { RECOVERY_WAIT_MS } from './delivery-engine';
import { EngineWorld, MINUTE, MONDAY_10 } from './engine-test-support';

const CONNECTING = { state: 'connecting' as const, reason: 'WhatsApp is connecting…' };
const READY = { state: 'ready' as const, reason: null };

let w: EngineWorld;
afterEach(async () => {
  await w.cleanup();
});

/** A WhatsApp send in flight when the app died: its delivery is left `claimed`. Returns the claim's key. */
async function crashWhileSendingOnWhatsApp(world: EngineWorld): Promise<string> {
  world.whatsapp.answer(() => new Promise<SendResult>(() => undefined));
  await world.engine.start();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const [claimed] = world.deliveries();
  expect(claimed).toMatchObject({ status: 'claimed', channel: 'whatsapp' });
  await world.engine.stop();
  world.engine = world.newEngine();
  return claimed?.delivery_key ?? '';
}

function setUp(): { whatsappSequence: number; smsSequence: number } {
  w = new EngineWorld({ withWhatsApp: true });
  const whatsappSequence = w.sequence('whatsapp', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }], 'Welcome').id;
  const smsSequence = w.sequence('sms', [{ delayAmount: 0 }], 'Reminders').id;
  w.subscribe(whatsappSequence, '+4915100000001', 'Anna');
  return { whatsappSequence, smsSequence };
}

describe('recovery over WhatsApp', () => {
  it('reconciles an interrupted send it finds in the chat: sent, with that message id, not sent again', async () => {
    setUp();
    await crashWhileSendingOnWhatsApp(w);
    const asked: LookupQuery[] = [];
    w.whatsapp.lookup = (query) => {
      asked.push(query);
      return Promise.resolve<LookupResult>({ outcome: 'sent', providerMessageId: 'true_4915100000001@c.us_3EB0' });
    };
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(asked).toEqual([
      { deliveryKey: expect.any(String) as unknown, to: '+4915100000001', whatsappId: null, text: 'Hello Anna, this is message 1.', mediaFileName: null, claimedAt: MONDAY_10 },
    ]);
    expect(w.whatsapp.calls).toHaveLength(1);
    expect(w.deliveries()[0]).toMatchObject({ status: 'sent', provider_message_id: 'true_4915100000001@c.us_3EB0', sent_at: MONDAY_10 });
  });

  it('sends again what the chat does not have, through the queue', async () => {
    setUp();
    await crashWhileSendingOnWhatsApp(w);
    w.whatsapp.lookup = () => Promise.resolve<LookupResult>({ outcome: 'not-sent' });
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.whatsapp.calls).toHaveLength(2);
    expect(w.deliveries()[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('marks unknown what WhatsApp cannot tell, for the owner to settle', async () => {
    setUp();
    await crashWhileSendingOnWhatsApp(w);
    w.whatsapp.lookup = () => Promise.resolve<LookupResult>({ outcome: 'unknown', reason: 'the chat could not be read' });
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.whatsapp.calls).toHaveLength(1);
    expect(w.deliveries()[0]).toMatchObject({ status: 'unknown', error: expect.stringContaining('the chat could not be read') as unknown });
  });

  it('waits for a WhatsApp that is still connecting at start-up, holding only its queue, then reconciles', async () => {
    const { smsSequence } = setUp();
    await crashWhileSendingOnWhatsApp(w);
    w.subscribe(smsSequence, '+4915100000002', 'Bob');
    const asked: string[] = [];
    w.whatsapp.lookup = ({ deliveryKey }) => {
      asked.push(deliveryKey);
      return Promise.resolve<LookupResult>({ outcome: 'sent', providerMessageId: 'true_4915100000001@c.us_3EB0' });
    };
    w.whatsapp.setStatus(CONNECTING);
    await w.engine.start();
    await w.runFor(2 * MINUTE);
    // Not asked while connecting (it would have said "cannot tell"), and SMS went on meanwhile.
    expect(asked).toEqual([]);
    expect(w.deliveries()[0]).toMatchObject({ status: 'claimed' });
    expect(w.sms.sent.map((s) => s.message.to)).toEqual(['+4915100000002']);

    w.whatsapp.setStatus(READY);
    await w.engine.waitForIdle();
    expect(asked).toHaveLength(1);
    expect(w.deliveries()[0]).toMatchObject({ status: 'sent', provider_message_id: 'true_4915100000001@c.us_3EB0', sent_at: MONDAY_10 });
    // Then the queue goes on: Anna's next message, an hour after the first.
    await w.runUntil(MONDAY_10 + 2 * 60 * MINUTE);
    expect(w.whatsapp.sent.map((s) => [s.at, s.message.text])).toEqual([[MONDAY_10 + 60 * MINUTE, 'Hello Anna, this is message 2.']]);
  });

  it('sends nothing on WhatsApp before its interrupted sends are settled', async () => {
    const { whatsappSequence } = setUp();
    await crashWhileSendingOnWhatsApp(w);
    w.subscribe(whatsappSequence, '+4915100000002', 'Bob');
    let sendsWhileLookingUp = -1;
    w.whatsapp.lookup = async () => {
      // A slow chat read: many turns of the event loop, in which the queue could have sent Bob's message.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      sendsWhileLookingUp = w.whatsapp.calls.length;
      return { outcome: 'not-sent' };
    };
    w.whatsapp.setStatus(CONNECTING);
    await w.engine.start();
    await w.engine.waitForIdle();
    w.whatsapp.setStatus(READY);
    await w.engine.waitForIdle();
    // Only the interrupted send before the crash; Bob's and Anna's go out after the check.
    expect(sendsWhileLookingUp).toBe(1);
    expect(w.whatsapp.sent.map((s) => s.message.to).sort()).toEqual(['+4915100000001', '+4915100000002']);
  });

  it('gives up waiting after a while: the interrupted send becomes unknown, saying why', async () => {
    setUp();
    await crashWhileSendingOnWhatsApp(w);
    let asked = 0;
    w.whatsapp.lookup = () => {
      asked++;
      return Promise.resolve<LookupResult>({ outcome: 'not-sent' });
    };
    w.whatsapp.setStatus(CONNECTING);
    await w.engine.start();
    await w.runUntil(MONDAY_10 + RECOVERY_WAIT_MS - 1);
    expect(w.deliveries()[0]).toMatchObject({ status: 'claimed' });
    await w.runUntil(MONDAY_10 + RECOVERY_WAIT_MS);
    expect(asked).toBe(0);
    expect(w.deliveries()[0]).toMatchObject({
      status: 'unknown',
      error: expect.stringContaining('WhatsApp was not ready within 5 minutes of the restart to check') as unknown,
    });
    expect(w.engine.status()).toMatchObject({ unknownDeliveries: 1 });
    // Nothing was resent when WhatsApp came back later.
    w.whatsapp.setStatus(READY);
    await w.engine.waitForIdle();
    expect(w.whatsapp.calls).toHaveLength(1);
  });
});

describe('a retry over WhatsApp after a failure that may have sent it', () => {
  const mayHaveSent: SendResult = { ok: false, error: { kind: 'transient', reason: 'WhatsApp did not confirm the message.' } };

  it('asks the chat first and records what it finds instead of sending again', async () => {
    setUp();
    w.whatsapp.answer(mayHaveSent);
    const asked: LookupQuery[] = [];
    w.whatsapp.lookup = (query) => {
      asked.push(query);
      return Promise.resolve<LookupResult>({ outcome: 'sent', providerMessageId: 'true_4915100000001@c.us_3EB0' });
    };
    await w.engine.start();
    await w.runFor(30 * MINUTE);
    expect(w.whatsapp.calls).toHaveLength(1);
    // The window starts early enough to include the first attempt (claimed up to a send time limit before it failed).
    expect(asked.map((q) => [q.text, q.claimedAt <= MONDAY_10])).toEqual([['Hello Anna, this is message 1.', true]]);
    expect(w.deliveries()[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
      provider_message_id: 'true_4915100000001@c.us_3EB0',
      error: 'An earlier attempt had gone out after all; it was not sent again.',
    });
  });

  it('sends again when the chat does not have it, and checks again later when WhatsApp cannot tell', async () => {
    setUp();
    w.whatsapp.answer(mayHaveSent);
    const answers: LookupResult[] = [{ outcome: 'unknown', reason: 'the chat could not be read' }, { outcome: 'not-sent' }];
    w.whatsapp.lookup = () => Promise.resolve(answers.shift() ?? { outcome: 'not-sent' });
    await w.engine.start();
    await w.runFor(60 * MINUTE);
    expect(answers).toEqual([]);
    expect(w.whatsapp.calls).toHaveLength(2);
    expect(w.deliveries()[0]).toMatchObject({ status: 'sent', attempts: 3, error: null });
  });
});
