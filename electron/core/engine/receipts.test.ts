/**
 * Receipts after the send (WhatsApp's message_ack, SMSGate's sms:delivered): recorded on the
 * delivery, forward only, whichever order and however often they come.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TableName } from '../../../shared/contract';
import { EngineWorld, FakeChannel, MINUTE, MONDAY_10 } from './engine-test-support';

let w: EngineWorld;
afterEach(async () => {
  await w.cleanup();
});

/** Resolves with the next `data.changed` that names deliveries. */
function nextDeliveriesChange(world: EngineWorld): Promise<TableName[]> {
  return new Promise((resolve) => {
    const off = world.events.on('data.changed', ({ tables }) => {
      if (!tables.includes('deliveries')) return;
      off();
      resolve(tables);
    });
  });
}

async function sentOverWhatsApp(): Promise<{ id: number; providerId: string }> {
  w = new EngineWorld({ withWhatsApp: true });
  const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome');
  w.subscribe(seq.id, '+4915100000001');
  await w.engine.start();
  await w.runFor(MINUTE);
  const [delivery] = w.deliveries();
  const providerId = delivery?.provider_message_id;
  if (delivery === undefined || providerId === null || providerId === undefined) throw new Error('not sent');
  return { id: delivery.id, providerId };
}

describe('receipts', () => {
  it('records WhatsApp acknowledgements forward only, also repeated or out of order, and tells the UI', async () => {
    const { providerId } = await sentOverWhatsApp();
    const changed = nextDeliveriesChange(w);
    w.whatsapp.emitReceipt({ providerMessageId: providerId, level: 'server', at: MONDAY_10 + 1_000 });
    expect(await changed).toEqual(['deliveries']);
    w.whatsapp.emitReceipt({ providerMessageId: providerId, level: 'read', at: MONDAY_10 + 60_000 });
    w.whatsapp.emitReceipt({ providerMessageId: providerId, level: 'delivered', at: MONDAY_10 + 2_000 });
    w.whatsapp.emitReceipt({ providerMessageId: providerId, level: 'read', at: MONDAY_10 + 90_000 });
    w.whatsapp.emitReceipt({ providerMessageId: 'another-phone’s-message', level: 'played', at: MONDAY_10 });
    expect(w.deliveries().map((d) => [d.status, d.receipt, d.receipt_at])).toEqual([['sent', 'read', MONDAY_10 + 60_000]]);
    // The activity log shows it.
    const [row] = w.store.deliveries.list({ status: null, channel: null, sequenceId: null, search: '', offset: 0, limit: 10 }).rows;
    expect(row).toMatchObject({ receipt: 'read', receiptAt: MONDAY_10 + 60_000 });
  });

  it('sends a trailing data.changed when receipts come faster than the UI is told', async () => {
    const { providerId } = await sentOverWhatsApp();
    const first = nextDeliveriesChange(w);
    w.whatsapp.emitReceipt({ providerMessageId: providerId, level: 'server', at: MONDAY_10 + 1_000 });
    await first;
    // Right after an event: held back, then told once the interval is over.
    const trailing = nextDeliveriesChange(w);
    w.whatsapp.emitReceipt({ providerMessageId: providerId, level: 'delivered', at: MONDAY_10 + 2_000 });
    expect(await trailing).toEqual(['deliveries']);
    expect(w.deliveries()[0]?.receipt).toBe('delivered');
  });

  it('keeps an acknowledgement that comes before its send is recorded, and records it with the send', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    const seq = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome');
    w.subscribe(seq.id, '+4915100000001');
    w.whatsapp.answer(() => {
      w.whatsapp.emitReceipt({ providerMessageId: 'true_4915100000001@c.us_3EB0A1', level: 'server', at: MONDAY_10 + 500 });
      return { ok: true, providerMessageId: 'true_4915100000001@c.us_3EB0A1' };
    });
    await w.engine.start();
    await w.runFor(MINUTE);
    expect(w.deliveries().map((d) => [d.status, d.provider_message_id, d.receipt, d.receipt_at])).toEqual([
      ['sent', 'true_4915100000001@c.us_3EB0A1', 'server', MONDAY_10 + 500],
    ]);
  });

  it('takes SMSGate’s delivered receipts by delivery key (the webhook’s way in)', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }], 'Welcome');
    w.subscribe(seq.id, '+4915100000001');
    await w.engine.start();
    await w.runFor(MINUTE);
    const key = w.deliveries()[0]?.delivery_key ?? '';
    expect(w.engine.recordReceipt('sms', { providerMessageId: key, level: 'delivered', at: MONDAY_10 + 5_000 })).toBe(true);
    expect(w.engine.recordReceipt('sms', { providerMessageId: key, level: 'delivered', at: MONDAY_10 + 6_000 })).toBe(false);
    expect(w.engine.recordReceipt('sms', { providerMessageId: 'no-such-key', level: 'delivered', at: MONDAY_10 })).toBe(false);
    expect(w.deliveries()[0]).toMatchObject({ receipt: 'delivered', receipt_at: MONDAY_10 + 5_000 });
  });

  it('listens to the channel instance the registry hands out now, and to none after stopping', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }], 'Welcome');
    w.subscribe(seq.id, '+4915100000001');
    const old = w.sms;
    await w.engine.start();
    expect(old.receiptListenerCount).toBe(1);
    const replacement = w.channels.replace(new FakeChannel('sms', w.clock));
    expect(old.receiptListenerCount).toBe(0);
    expect(replacement.receiptListenerCount).toBe(1);
    await w.runFor(MINUTE);
    const key = w.deliveries()[0]?.delivery_key ?? '';
    old.emitReceipt({ providerMessageId: key, level: 'read', at: MONDAY_10 + 1 });
    replacement.emitReceipt({ providerMessageId: key, level: 'delivered', at: MONDAY_10 + 2 });
    expect(w.deliveries()[0]).toMatchObject({ receipt: 'delivered', receipt_at: MONDAY_10 + 2 });
    await w.engine.stop();
    expect(replacement.receiptListenerCount).toBe(0);
  });
});

describe('SMSGate delivery reports', () => {
  it('records sent and delivered as receipts and says so on the delivery when the phone could not deliver it', async () => {
    w = new EngineWorld();
    const seq = w.sequence('sms', [{ delayAmount: 0 }], 'Welcome');
    w.subscribe(seq.id, '+4915100000001');
    w.subscribe(seq.id, '+4915100000002');
    await w.engine.start();
    await w.runFor(MINUTE);
    const [first, second] = w.deliveries().map((d) => d.delivery_key ?? '');
    expect(w.engine.recordSmsGateReport(first ?? '', 'server', MONDAY_10 + 1_000)).toBe(true);
    expect(w.engine.recordSmsGateReport(first ?? '', 'delivered', MONDAY_10 + 2_000)).toBe(true);
    expect(w.engine.recordSmsGateReport(second ?? '', 'failed', MONDAY_10 + 3_000)).toBe(true);
    expect(w.engine.recordSmsGateReport(second ?? '', 'failed', MONDAY_10 + 3_000)).toBe(false);
    expect(w.deliveries().map((d) => [d.status, d.receipt, d.error])).toEqual([
      ['sent', 'delivered', null],
      ['sent', null, expect.stringContaining('the phone reports it could not be delivered')],
    ]);
  });
});
