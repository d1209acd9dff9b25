/**
 * "WhatsApp, else SMS" through the engine (routing.ts): a number not on WhatsApp goes by SMS, and
 * so does due work while WhatsApp has been down longer than the setting allows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SendResult } from '../channels/channel';
import { EngineWorld, HOUR, MINUTE, MONDAY_10, OPEN_SENDING } from './engine-test-support';

const notOnWhatsApp = (phone = '+4915100000001'): SendResult => ({
  ok: false,
  error: { kind: 'permanent', code: 'not-on-whatsapp', reason: `${phone} is not on WhatsApp.` },
});
const whatsappDown: SendResult = { ok: false, error: { kind: 'channel-down', reason: 'WhatsApp is not connected. Open Settings → Channels to link it again.' } };
const transient: SendResult = { ok: false, error: { kind: 'transient', reason: 'WhatsApp did not answer in time; it will be retried.' } };
const DOWN = { state: 'down' as const, reason: 'WhatsApp is not connected. Open Settings → Channels to link it again.' };
const READY = { state: 'ready' as const, reason: null };

let w: EngineWorld;
afterEach(async () => {
  await w.cleanup();
});

describe('"WhatsApp, else SMS": a number that is not on WhatsApp', () => {
  it('goes by SMS under a new key, through the SMS queue, and the activity log says why', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }], 'Welcome', { smsFallback: true });
    const anna = w.subscribe(seq.id, '+4915100000001', 'Anna Schmidt');
    w.whatsapp.answer(notOnWhatsApp(), notOnWhatsApp());
    await w.engine.start();
    await w.runUntil(MONDAY_10 + 3 * HOUR);

    expect(w.whatsapp.calls.map((c) => c.at)).toEqual([MONDAY_10, MONDAY_10 + HOUR]);
    expect(w.whatsapp.sent).toEqual([]);
    expect(w.sms.sent.map((s) => [s.at, s.message.to, s.message.text])).toEqual([
      [MONDAY_10, '+4915100000001', 'Hello Anna, this is message 1.'],
      [MONDAY_10 + HOUR, '+4915100000001', 'Hello Anna, this is message 2.'],
    ]);
    // SMS got its own key: a key means something only to the provider that saw it.
    expect(w.sms.sent[0]?.message.deliveryKey).not.toBe(w.whatsapp.calls[0]?.message.deliveryKey);
    expect(w.deliveries().map((d) => [d.channel, d.status, d.attempts, d.fallback, d.error])).toEqual([
      ['sms', 'sent', 1, 'not-on-whatsapp', 'Sent by SMS: Anna Schmidt is not on WhatsApp.'],
      ['sms', 'sent', 1, 'not-on-whatsapp', 'Sent by SMS: Anna Schmidt is not on WhatsApp.'],
    ]);
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 2 });
  });

  it('keeps the SMS gap between the messages it hands over, while WhatsApp goes on with the others', async () => {
    w = new EngineWorld({ withWhatsApp: true, sending: { ...OPEN_SENDING, pacing: { minGapSeconds: 60, maxGapSeconds: 60, dailyCap: null } } });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome', { smsFallback: true });
    for (const n of [1, 2, 3]) w.subscribe(seq.id, `+491510000000${n}`);
    w.whatsapp.answer(notOnWhatsApp(), notOnWhatsApp(), notOnWhatsApp());
    await w.engine.start();
    await w.runUntil(MONDAY_10 + HOUR);
    // WhatsApp sent nothing, so it keeps no gap after those answers; SMS keeps its own.
    expect(w.whatsapp.calls.map((c) => c.at)).toEqual([MONDAY_10, MONDAY_10, MONDAY_10]);
    expect(w.sms.sent.map((s) => s.at)).toEqual([MONDAY_10, MONDAY_10 + MINUTE, MONDAY_10 + 2 * MINUTE]);
    expect(w.deliveries().every((d) => d.status === 'sent' && d.channel === 'sms')).toBe(true);
  });

  it('sends only the text by SMS and keeps the provider’s remark', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome', { smsFallback: true });
    w.subscribe(seq.id, '+4915100000001', 'Anna');
    w.whatsapp.answer(notOnWhatsApp());
    w.sms.answer((message) => ({ ok: true, providerMessageId: message.deliveryKey, note: 'The attachment was not sent: SMS carries text only.' }));
    await w.engine.start();
    await w.runFor(MINUTE);
    expect(w.deliveries()[0]?.error).toBe('Sent by SMS: Anna is not on WhatsApp. The attachment was not sent: SMS carries text only.');
  });

  it('without fallback, fails with that reason and the permanent-failure setting applies', async () => {
    w = new EngineWorld({ withWhatsApp: true, sending: { ...OPEN_SENDING, onPermanentFailure: 'stop-subscription' } });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }, { delayAmount: 1, delayUnit: 'hours' }], 'Welcome');
    const anna = w.subscribe(seq.id, '+4915100000001');
    w.whatsapp.answer(notOnWhatsApp());
    await w.engine.start();
    await w.runUntil(MONDAY_10 + 3 * HOUR);
    expect(w.sms.calls).toEqual([]);
    expect(w.deliveries().map((d) => [d.channel, d.status, d.error])).toEqual([['whatsapp', 'failed', '+4915100000001 is not on WhatsApp.']]);
    expect(w.subscription(anna)).toMatchObject({ status: 'stopped' });
  });

  it('fails for a contact without a phone number, who SMS cannot reach', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome', { smsFallback: true });
    w.subscribeWithoutPhone(seq.id, '2769000000001@lid', 'Lid');
    w.whatsapp.answer(notOnWhatsApp());
    await w.engine.start();
    await w.runFor(HOUR);
    expect(w.whatsapp.calls.map((c) => [c.message.to, c.message.whatsappId])).toEqual([[null, '2769000000001@lid']]);
    expect(w.sms.calls).toEqual([]);
    expect(w.deliveries().map((d) => [d.channel, d.status])).toEqual([['whatsapp', 'failed']]);
  });
});

describe('"WhatsApp, else SMS": WhatsApp down for longer than the setting', () => {
  it('serves due work by SMS once WhatsApp has been down that long, and by WhatsApp again once it is back', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    w.settings.update({ whatsapp: { browserPath: null, smsFallbackAfterMinutes: 30 } });
    w.whatsapp.setStatus(DOWN);
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }, { delayAmount: 2, delayUnit: 'hours' }], 'Welcome', { smsFallback: true });
    const anna = w.subscribe(seq.id, '+4915100000001', 'Anna');
    await w.engine.start();
    await w.runUntil(MONDAY_10 + 30 * MINUTE - 1);
    expect(w.sms.calls).toEqual([]);
    expect(w.engine.status()).toMatchObject({
      state: 'waiting-for-channel',
      detail: expect.stringContaining('switch to SMS once it has been down for 30 minutes') as unknown,
    });

    await w.runUntil(MONDAY_10 + 30 * MINUTE);
    expect(w.sms.sent.map((s) => [s.at, s.message.text])).toEqual([[MONDAY_10 + 30 * MINUTE, 'Hello Anna, this is message 1.']]);
    expect(w.deliveries()[0]).toMatchObject({ channel: 'sms', status: 'sent', fallback: 'whatsapp-down', error: 'Sent by SMS: WhatsApp was not connected.' });
    expect(w.engine.status().state).toBe('running');

    w.whatsapp.setStatus(READY);
    await w.runUntil(MONDAY_10 + 4 * HOUR);
    expect(w.whatsapp.sent.map((s) => [s.at, s.message.text])).toEqual([[MONDAY_10 + 30 * MINUTE + 2 * HOUR, 'Hello Anna, this is message 2.']]);
    expect(w.sms.calls).toHaveLength(1);
    expect(w.deliveries()[1]).toMatchObject({ channel: 'whatsapp', status: 'sent', fallback: null, error: null });
    expect(w.subscription(anna)).toMatchObject({ status: 'completed', sent_count: 2 });
  });

  it('waits for WhatsApp when SMS is not ready either', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    w.whatsapp.setStatus(DOWN);
    w.sms.setStatus({ state: 'down', reason: "Can't reach the SMS gateway." });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome', { smsFallback: true });
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runFor(3 * HOUR);
    expect(w.sms.calls).toEqual([]);
    expect(w.engine.status()).toMatchObject({ state: 'waiting-for-channel', detail: '1 message is waiting: WhatsApp is not connected. Open Settings → Channels to link it again.' });
    w.whatsapp.setStatus(READY);
    await w.runFor(MINUTE);
    expect(w.whatsapp.sent).toHaveLength(1);
  });

  it('leaves WhatsApp-only sequences waiting for WhatsApp', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    w.whatsapp.setStatus(DOWN);
    const only = w.sequence('whatsapp', [{ delayAmount: 0 }], 'WhatsApp only');
    const fallback = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Else SMS', { smsFallback: true });
    w.subscribe(only.id, '+4915100000001');
    w.subscribe(fallback.id, '+4915100000002');
    await w.engine.start();
    await w.runFor(2 * HOUR);
    expect(w.sms.sent.map((s) => s.message.to)).toEqual(['+4915100000002']);
    expect(w.engine.status()).toMatchObject({ state: 'waiting-for-channel', detail: '1 message is waiting: WhatsApp is not connected. Open Settings → Channels to link it again.' });
  });

  it('never sends a contact without a phone number by SMS: they wait for WhatsApp without holding up the others', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    w.whatsapp.setStatus(DOWN);
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome', { smsFallback: true });
    w.subscribeWithoutPhone(seq.id, '2769000000001@lid', 'Lid');
    w.subscribe(seq.id, '+4915100000002', 'Bob');
    await w.engine.start();
    await w.runFor(2 * HOUR);
    expect(w.sms.sent.map((s) => s.message.to)).toEqual(['+4915100000002']);
    expect(w.deliveries().map((d) => [d.channel, d.status, d.attempts, d.error])).toEqual([
      ['whatsapp', 'retrying', 0, 'Waiting for WhatsApp: Lid has no phone number, so SMS cannot stand in.'],
      ['sms', 'sent', 1, 'Sent by SMS: WhatsApp was not connected.'],
    ]);
    w.whatsapp.setStatus(READY);
    await w.runFor(MINUTE);
    expect(w.whatsapp.sent.map((s) => [s.message.to, s.message.whatsappId])).toEqual([[null, '2769000000001@lid']]);
    expect(w.deliveries()[0]).toMatchObject({ channel: 'whatsapp', status: 'sent', attempts: 1 });
  });

  it('moves a message given back when WhatsApp dropped to SMS, but never one that may have reached WhatsApp', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome', { smsFallback: true });
    w.subscribe(seq.id, '+4915100000001', 'Anna');
    w.subscribe(seq.id, '+4915100000002', 'Bob');
    // Anna's send timed out (it may have gone out); then WhatsApp dropped during Bob's.
    w.whatsapp.answer(transient, whatsappDown);
    await w.engine.start();
    await w.runFor(3 * HOUR);
    expect(w.whatsapp.calls.map((c) => c.message.to)).toEqual(['+4915100000001', '+4915100000002']);
    expect(w.sms.sent.map((s) => s.message.to)).toEqual(['+4915100000002']);
    const [annas, bobs] = w.deliveries();
    expect(annas).toMatchObject({ channel: 'whatsapp', status: 'retrying', attempts: 1 });
    expect(bobs).toMatchObject({ channel: 'sms', status: 'sent', attempts: 1, fallback: 'whatsapp-down' });
    expect(w.sms.sent[0]?.message.deliveryKey).not.toBe(w.whatsapp.calls[1]?.message.deliveryKey);

    w.whatsapp.setStatus(READY);
    await w.runFor(2 * HOUR);
    // Anna's goes out over WhatsApp, under the key of her first attempt.
    expect(w.whatsapp.sent.map((s) => s.message.deliveryKey)).toEqual([w.whatsapp.calls[0]?.message.deliveryKey]);
    expect(w.deliveries().map((d) => [d.channel, d.status])).toEqual([
      ['whatsapp', 'sent'],
      ['sms', 'sent'],
    ]);
  });

  it('keeps a message handed to SMS on SMS after WhatsApp is back: its retry uses the key SMS has seen', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    w.whatsapp.setStatus(DOWN);
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome', { smsFallback: true });
    w.subscribe(seq.id, '+4915100000001');
    w.sms.answer({ ok: false, error: { kind: 'transient', reason: 'The SMS gateway had a problem (HTTP 500); it will be retried.' } });
    await w.engine.start();
    await w.runUntil(MONDAY_10 + HOUR);
    expect(w.deliveries()[0]).toMatchObject({ channel: 'sms', status: 'retrying', fallback: 'whatsapp-down' });
    w.whatsapp.setStatus(READY);
    await w.runUntil(MONDAY_10 + 3 * HOUR);
    expect(w.whatsapp.calls).toEqual([]);
    expect(w.sms.calls.map((c) => c.message.deliveryKey)).toEqual([w.sms.calls[0]?.message.deliveryKey, w.sms.calls[0]?.message.deliveryKey]);
    expect(w.deliveries()[0]).toMatchObject({ channel: 'sms', status: 'sent', attempts: 2, error: 'Sent by SMS: WhatsApp was not connected.' });
  });
});
