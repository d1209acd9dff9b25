/**
 * The engine sending through the real WhatsApp adapter (WhatsAppConnection + WhatsAppChannel)
 * over the scripted WhatsApp: a connection lost or a device unlinked in the middle of a queue,
 * a send the browser broke during, and acknowledgements — what a shop owner would see.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WHATSAPP_ACK } from '../channels/whatsapp/whatsapp-client';
import { REASONS } from '../channels/whatsapp/whatsapp-connection';
import { scriptedWhatsApp, type ScriptedWhatsAppSetup } from '../channels/whatsapp/whatsapp-test-support';
import { EngineWorld, MINUTE, OPEN_SENDING } from './engine-test-support';

const PHONES = ['+4915100000001', '+4915100000002', '+4915100000003', '+4915100000004', '+4915100000005', '+4915100000006'];
const GAP = { minGapSeconds: 30, maxGapSeconds: 30, dailyCap: null };

let w: EngineWorld;
let wa: ScriptedWhatsAppSetup;

beforeEach(async () => {
  w = new EngineWorld({ sending: { ...OPEN_SENDING, pacing: GAP } });
  wa = scriptedWhatsApp({ store: w.store, events: w.events, clock: w.clock, timers: w.timers, dir: w.temp.dir });
  await wa.linkAndScan();
  w.channels.add(wa.channel);
  for (const phone of PHONES) wa.sim.register(phone);
});

afterEach(async () => {
  await w.engine.stop();
  await wa.close();
  await w.cleanup();
});

function subscribeEveryone(): number {
  const seq = w.sequence('whatsapp', [{ delayAmount: 0, body: 'Hello {{first_name|there}}, welcome!' }], 'Welcome');
  for (const phone of PHONES) w.subscribe(seq.id, phone);
  return seq.id;
}

/** Per chat, how many messages the shop sent there. */
function messagesPerChat(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const message of wa.sim.sent) counts[message.chatId] = (counts[message.chatId] ?? 0) + 1;
  return counts;
}

const everyoneOnce = (): Record<string, number> => Object.fromEntries(PHONES.map((phone) => [`${phone.slice(1)}@c.us`, 1]));

describe('engine over WhatsApp', () => {
  it('pauses when the connection is lost mid-queue without using up attempts, says so, and resumes by itself: nothing lost or doubled', async () => {
    subscribeEveryone();
    // The connection drops right after WhatsApp took the third message, before it answered.
    wa.sim.onSend = () => {
      if (wa.sim.sent.length === 3) wa.sim.drop();
    };
    await w.engine.start();
    await w.runFor(10 * MINUTE);

    expect(wa.sim.sent).toHaveLength(3);
    const deliveries = w.deliveries();
    expect(deliveries.filter((d) => d.status === 'sent')).toHaveLength(3);
    // Nothing else used up an attempt or is stuck half-sent.
    expect(deliveries.filter((d) => d.status !== 'sent').every((d) => d.status === 'retrying' && d.attempts === 0)).toBe(true);
    // The status bar says why, in WhatsApp's own words (it is trying to connect again).
    expect(wa.channel.status().state).not.toBe('ready');
    expect(w.engine.status()).toMatchObject({
      state: 'waiting-for-channel',
      detail: `3 messages are waiting: ${wa.channel.status().reason ?? ''}`,
    });

    wa.sim.restore();
    await w.runFor(10 * MINUTE);
    expect(messagesPerChat()).toEqual(everyoneOnce());
    expect(w.deliveries().map((d) => [d.status, d.attempts])).toEqual(PHONES.map(() => ['sent', 1]));
    expect(w.engine.status().state).toBe('idle');
  });

  it('says so when the phone unlinks this computer, and goes on once it is linked again', async () => {
    subscribeEveryone();
    wa.sim.onSend = () => {
      if (wa.sim.sent.length === 2) wa.sim.logoutFromPhone();
    };
    await w.engine.start();
    await w.runFor(30 * MINUTE);
    expect(wa.sim.sent).toHaveLength(2);
    expect(w.engine.status()).toMatchObject({ state: 'waiting-for-channel', detail: `4 messages are waiting: ${REASONS.loggedOutByPhone}` });

    await wa.linkAndScan();
    await w.runFor(10 * MINUTE);
    expect(messagesPerChat()).toEqual(everyoneOnce());
    expect(w.deliveries().every((d) => d.status === 'sent' && d.attempts === 1)).toBe(true);
  });

  it('never sends twice a message WhatsApp took while the browser broke: the retry finds it in the chat', async () => {
    subscribeEveryone();
    let broke = false;
    wa.sim.onSend = () => {
      if (broke) return;
      broke = true;
      // The page went away while the send ran: WhatsApp has it, the app gets an error.
      throw new Error('Protocol error (Runtime.callFunctionOn): Target closed.');
    };
    await w.engine.start();
    await w.runFor(30 * MINUTE);
    expect(messagesPerChat()).toEqual(everyoneOnce());
    const first = w.deliveries()[0];
    expect(first).toMatchObject({
      status: 'sent',
      attempts: 2,
      provider_message_id: wa.sim.sent[0]?.id,
      error: 'An earlier attempt had gone out after all; it was not sent again.',
    });
  });

  it('records WhatsApp’s acknowledgements on the delivery, forward only', async () => {
    subscribeEveryone();
    await w.engine.start();
    await w.runFor(10 * MINUTE);
    const [message] = wa.sim.sent;
    if (message === undefined) throw new Error('nothing sent');
    wa.sim.ack(message.id, WHATSAPP_ACK.server);
    wa.sim.ack(message.id, WHATSAPP_ACK.read);
    wa.sim.ack(message.id, WHATSAPP_ACK.device);
    const row = w.deliveries().find((d) => d.provider_message_id === message.id);
    expect(row).toMatchObject({ status: 'sent', receipt: 'read' });
  });
});
