/**
 * SMSGate's delivery reports end to end in the real core: a message sent through a fake SMSGate
 * server, then the gateway's signed `sms:delivered` webhook to the app's receiver on 127.0.0.1
 * (the composition root hands it to the engine) shows on the delivery in the activity log.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../channels/sms/closed-port';
import { startFakeSmsGate, type FakeSmsGate } from '../channels/sms/fake-smsgate-server';
import { createHarness, type Harness } from '../services/test-harness';

const KEY = 'shop-signing-key-1234';

describe('SMSGate delivery reports in the core', () => {
  let h: Harness;
  let gate: FakeSmsGate;
  let hooks: string;

  beforeEach(async () => {
    h = createHarness({ machineTimeZone: 'Europe/Berlin', machineCountry: 'DE' });
    gate = await startFakeSmsGate({ username: 'shop', password: 'secret' });
    await h.call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'secret' } });
    const port = await closedPort();
    await h.call('inbound.configureReceiver', {
      config: { enabled: true, host: '127.0.0.1', port, path: '/hooks', publicUrl: null, smsGateSigningKey: KEY },
    });
    hooks = `http://127.0.0.1:${port}/hooks/smsgate`;
  });

  afterEach(async () => {
    h.cleanup();
    await h.app.closed;
    await gate.close();
  });

  /** Posts an SMSGate event signed as the gateway signs it (HMAC-SHA256 over body + timestamp). */
  async function report(event: string, messageId: string, at: string): Promise<number> {
    const body = JSON.stringify({ id: `evt-${event}-${messageId}`, event, deviceId: 'phone-1', payload: { messageId, phoneNumber: '+4915100000001', deliveredAt: at, sentAt: at } });
    const timestamp = String(Math.floor(h.clock.ms / 1000));
    const signature = createHmac('sha256', KEY).update(body).update(timestamp).digest('hex');
    const response = await fetch(hooks, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': timestamp } });
    await response.arrayBuffer();
    return response.status;
  }

  it('shows the gateway’s sent and delivered reports on the delivery, forward only', async () => {
    const sequence = await h.call('sequences.create', { name: 'Welcome', description: '', channel: 'sms' });
    await h.call('messages.create', { sequenceId: sequence.id, name: 'Hi', body: 'Hello!', delayAmount: 0, delayUnit: 'minutes', mediaId: null, sendAt: null, enabled: true });
    await h.call('subscribers.add', { sequenceId: sequence.id, phone: '+4915100000001', name: 'Anna' });
    await h.app.engine.waitForIdle();
    const [sent] = (await h.call('deliveries.list', {})).rows;
    expect(sent).toMatchObject({ status: 'sent', receipt: null });
    const messageId = sent?.providerMessageId ?? '';
    expect(gate.messages.has(messageId)).toBe(true);

    expect(await report('sms:delivered', messageId, '2026-11-02T10:01:00+01:00')).toBe(200);
    expect(await report('sms:sent', messageId, '2026-11-02T10:00:30+01:00')).toBe(200);
    const [after] = (await h.call('deliveries.list', {})).rows;
    expect(after).toMatchObject({ status: 'sent', receipt: 'delivered', receiptAt: Date.UTC(2026, 10, 2, 9, 1) });
  });
});
