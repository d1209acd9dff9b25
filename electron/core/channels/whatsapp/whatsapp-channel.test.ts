import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../inbound/incoming-message';
import { ManualClock, ManualTimers } from '../../engine/manual-timers';
import { EventBus } from '../../events';
import { openTempStore, type TempStore } from '../../store/test-store';
import type { ChannelStatus, DeliveryReceipt, LookupQuery, OutboundMessage } from '../channel';
import { SESSION_CLOSED_ERROR } from './scripted-whatsapp-client';
import { DEFAULT_NOT_ON_WHATSAPP_RECHECK_MS, LOOKUP_MARGIN_MS } from './whatsapp-channel';
import { WHATSAPP_ACK } from './whatsapp-client';
import { REASONS } from './whatsapp-connection';
import { scriptedWhatsApp, untilStatus, type ScriptedWhatsAppSetup } from './whatsapp-test-support';

const START = Date.UTC(2026, 10, 2, 9, 0);
const ANNA = '+4915100000001';
const BEN = '+4915100000002';

describe('WhatsAppChannel', () => {
  let t: TempStore;
  let clock: ManualClock;
  let timers: ManualTimers;
  let events: EventBus;
  let wa: ScriptedWhatsAppSetup;
  let keys = 0;

  beforeEach(() => {
    t = openTempStore();
    clock = new ManualClock(START);
    timers = new ManualTimers(clock);
    events = new EventBus();
    wa = scriptedWhatsApp({ store: t.store, events, clock, timers, dir: t.dir });
  });

  afterEach(async () => {
    await wa.close();
    t.cleanup();
  });

  const addContact = (phone: string): number =>
    t.store.write(() => t.store.contacts.insert({ phone, name: '', attributes: {}, source: 'manual', consentNote: 'Added by hand' }, START));

  const message = (patch: Partial<OutboundMessage> = {}): OutboundMessage => ({
    deliveryKey: `key-${++keys}`,
    to: ANNA,
    whatsappId: null,
    text: 'Hello Anna, here is our brochure.',
    media: null,
    ...patch,
  });

  function mediaFile(name: string, bytes = 2048): string {
    const file = path.join(t.dir, name);
    writeFileSync(file, Buffer.alloc(bytes, 7));
    return file;
  }

  describe('status', () => {
    it('follows the session: not set up until linked, connecting while the QR waits, ready once scanned, down when the connection drops, ready again', async () => {
      const seen: ChannelStatus[] = [];
      wa.channel.onStatusChange((status) => seen.push(status));
      expect(wa.channel.status()).toEqual({ state: 'not-configured', reason: REASONS.notLinked });

      await wa.connection.link();
      expect(wa.channel.status().state).toBe('connecting');
      expect(wa.channel.status().reason).toContain('QR code');

      wa.sim.scan();
      await untilStatus(wa.connection, (s) => s.state === 'ready');
      expect(wa.channel.status()).toEqual({ state: 'ready', reason: null });

      wa.sim.drop();
      await untilStatus(wa.connection, (s) => s.state === 'disconnected');
      expect(wa.channel.status().state).toBe('down');
      expect(wa.channel.status().reason).toContain(REASONS.dropped);

      await timers.runUntil(() => wa.connection.idle(), clock.now() + 5_000);
      wa.sim.restore();
      await untilStatus(wa.connection, (s) => s.state === 'ready');
      const changes = seen.map((s) => s.state).filter((state, i, all) => state !== all[i - 1]);
      expect(changes).toEqual(['connecting', 'ready', 'down', 'connecting', 'ready']);
      expect(await wa.channel.probe()).toEqual({ state: 'ready', reason: null });
    });

    it('says what it is: WhatsApp, not idempotent, carries media', () => {
      expect(wa.channel.id).toBe('whatsapp');
      expect(wa.channel.idempotentSend).toBe(false);
      expect(wa.channel.carriesMedia).toBe(true);
    });
  });

  describe('send', () => {
    beforeEach(async () => {
      await wa.linkAndScan();
    });

    it('sends text to a number, resolving it once and remembering its WhatsApp id on the contact', async () => {
      addContact(ANNA);
      const chatId = wa.sim.register(ANNA);
      const first = await wa.channel.send(message());
      expect(first).toEqual({ ok: true, providerMessageId: expect.stringContaining(chatId) as string });
      expect(wa.sim.sent).toMatchObject([{ chatId, text: 'Hello Anna, here is our brochure.', media: null }]);
      expect(t.store.whatsappIdentities.findByPhone(ANNA)).toEqual({ whatsappId: chatId, status: 'on', checkedAt: START });

      const second = await wa.channel.send(message({ text: 'And the video reviews.' }));
      expect(second.ok).toBe(true);
      expect(wa.sim.numberLookups).toEqual(['4915100000001']);
      expect(wa.sim.sent.map((m) => m.text)).toEqual(['Hello Anna, here is our brochure.', 'And the video reviews.']);
    });

    it('sends to the WhatsApp id the contact already has, also a privacy id without a phone number', async () => {
      wa.sim.register(BEN, { lid: '207745123456789@lid' });
      const result = await wa.channel.send(message({ to: null, whatsappId: '207745123456789@lid', text: 'Thanks for writing!' }));
      expect(result.ok).toBe(true);
      expect(wa.sim.sent).toMatchObject([{ chatId: '207745123456789@lid', text: 'Thanks for writing!' }]);
      expect(wa.sim.numberLookups).toEqual([]);
    });

    it('sends a file with the text as its caption, under the name the owner gave it', async () => {
      wa.sim.register(ANNA);
      const file = mediaFile('3f9c0a.pdf', 4096);
      const result = await wa.channel.send(message({ text: 'Our brochure', media: { filePath: file, mimeType: 'application/pdf', fileName: 'Brochure 2026.pdf' } }));
      expect(result.ok).toBe(true);
      expect(wa.sim.sent).toMatchObject([{ text: 'Our brochure', media: { fileName: 'Brochure 2026.pdf', mimeType: 'application/pdf', size: 4096 } }]);
    });

    it('fails permanently, with its code, for a number that is not on WhatsApp, and does not ask again for a week', async () => {
      addContact(BEN);
      const result = await wa.channel.send(message({ to: BEN }));
      expect(result).toEqual({ ok: false, error: { kind: 'permanent', code: 'not-on-whatsapp', reason: `${BEN} is not on WhatsApp.` } });
      expect(wa.sim.sent).toEqual([]);
      expect(t.store.whatsappIdentities.findByPhone(BEN)).toMatchObject({ status: 'not-on', whatsappId: null });

      clock.advance(DEFAULT_NOT_ON_WHATSAPP_RECHECK_MS - 1);
      expect(await wa.channel.send(message({ to: BEN }))).toMatchObject({ ok: false, error: { code: 'not-on-whatsapp' } });
      expect(wa.sim.numberLookups).toHaveLength(1);

      // A week later they have WhatsApp.
      wa.sim.register(BEN);
      clock.advance(1);
      expect((await wa.channel.send(message({ to: BEN }))).ok).toBe(true);
      expect(wa.sim.numberLookups).toHaveLength(2);
      expect(t.store.whatsappIdentities.findByPhone(BEN)).toMatchObject({ status: 'on', whatsappId: '4915100000002@c.us' });
    });

    it('tells the contact list a number was looked up', async () => {
      addContact(ANNA);
      wa.sim.register(ANNA);
      const changed: string[][] = [];
      events.on('data.changed', ({ tables }) => changed.push(tables));
      await wa.channel.send(message());
      expect(changed).toContainEqual(['contacts']);
    });

    it('fails permanently for a contact with neither phone nor WhatsApp id', async () => {
      expect(await wa.channel.send(message({ to: null, whatsappId: null }))).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'no-phone' } });
    });

    it('answers channel-down while not ready, and sends nothing', async () => {
      wa.sim.register(ANNA);
      await wa.connection.unlink();
      const result = await wa.channel.send(message());
      expect(result).toEqual({ ok: false, error: { kind: 'channel-down', reason: REASONS.notLinked } });
      expect(wa.sim.sent).toEqual([]);
    });

    it('answers channel-down for "Session closed" (nothing was sent) and has the session restarted', async () => {
      wa.sim.register(ANNA);
      wa.sim.breakSession();
      const result = await wa.channel.send(message({ whatsappId: '4915100000001@c.us' }));
      expect(result).toMatchObject({ ok: false, error: { kind: 'channel-down', detail: SESSION_CLOSED_ERROR } });
      await untilStatus(wa.connection, (s) => s.state === 'disconnected');
      await timers.runUntil(() => wa.connection.idle(), clock.now() + 5_000);
      await untilStatus(wa.connection, (s) => s.state === 'ready');
      expect(wa.sim.clients).toHaveLength(2);
      expect((await wa.channel.send(message({ whatsappId: '4915100000001@c.us' }))).ok).toBe(true);
    });

    it('answers channel-down when the session breaks while checking the number (nothing was sent yet)', async () => {
      wa.sim.register(ANNA);
      wa.sim.breakSession('Evaluation failed: TypeError: window.Store is undefined');
      expect(await wa.channel.send(message())).toMatchObject({ ok: false, error: { kind: 'channel-down' } });
      await untilStatus(wa.connection, (s) => s.state === 'disconnected');
    });

    it('answers transient when the page went away during the send (it may have gone out), and restarts the session', async () => {
      wa.sim.register(ANNA);
      wa.sim.failNextSends('Protocol error (Runtime.callFunctionOn): Target closed');
      const result = await wa.channel.send(message({ whatsappId: '4915100000001@c.us' }));
      expect(result).toMatchObject({ ok: false, error: { kind: 'transient', detail: 'Protocol error (Runtime.callFunctionOn): Target closed' } });
      await untilStatus(wa.connection, (s) => s.state === 'disconnected');
    });

    it('answers transient when the page threw during the send ("Evaluation failed": it may have gone out), and restarts the session', async () => {
      wa.sim.register(ANNA);
      wa.sim.failNextSends('Evaluation failed: Error: send failed after queueing');
      const result = await wa.channel.send(message({ whatsappId: '4915100000001@c.us' }));
      expect(result).toMatchObject({ ok: false, error: { kind: 'transient' } });
      await untilStatus(wa.connection, (s) => s.state === 'disconnected');
    });

    it('answers transient for other failures and keeps the session', async () => {
      wa.sim.register(ANNA);
      wa.sim.failNextSends('No LID for user');
      expect(await wa.channel.send(message({ whatsappId: '4915100000001@c.us' }))).toMatchObject({ ok: false, error: { kind: 'transient', detail: 'No LID for user' } });
      await wa.connection.idle();
      expect(wa.connection.status().state).toBe('ready');
    });

    it('answers transient when the engine aborts the send', async () => {
      wa.sim.register(ANNA);
      const abort = new AbortController();
      let release: () => void = () => undefined;
      wa.sim.onSend = () => new Promise<void>((resolve) => (release = resolve));
      const sending = wa.channel.send(message(), abort.signal);
      await untilSent(1);
      abort.abort();
      expect(await sending).toMatchObject({ ok: false, error: { kind: 'transient' } });
      release();
    });
  });

  describe('lookup (recovery after a crash)', () => {
    beforeEach(async () => {
      await wa.linkAndScan();
      wa.sim.register(ANNA);
    });

    const query = (patch: Partial<LookupQuery> = {}): LookupQuery => ({
      deliveryKey: 'key-1',
      to: ANNA,
      whatsappId: null,
      text: 'Hello Anna, here is our brochure.',
      mediaFileName: null,
      claimedAt: START,
      ...patch,
    });

    it('finds a message that did go out before the crash, with its id', async () => {
      clock.advance(2_000);
      const sent = await wa.channel.send(message());
      if (!sent.ok) throw new Error('send failed');
      expect(await wa.channel.lookup(query())).toEqual({ outcome: 'sent', providerMessageId: sent.providerMessageId, sentAt: expect.any(Number) as unknown });
      expect(await wa.channel.lookup(query({ whatsappId: '4915100000001@c.us', to: null }))).toMatchObject({ outcome: 'sent' });
    });

    it('finds a photo by its caption (WhatsApp keeps no name for photos) and a document by caption and name', async () => {
      const photo = await wa.channel.send(message({ text: 'Our new shop', media: { filePath: mediaFile('a.jpg'), mimeType: 'image/jpeg', fileName: 'shop.jpg' } }));
      const doc = await wa.channel.send(message({ text: 'Price list', media: { filePath: mediaFile('b.pdf'), mimeType: 'application/pdf', fileName: 'prices.pdf' } }));
      if (!photo.ok || !doc.ok) throw new Error('send failed');
      expect(await wa.channel.lookup(query({ text: 'Our new shop', mediaFileName: 'shop.jpg' }))).toEqual({ outcome: 'sent', providerMessageId: photo.providerMessageId, sentAt: expect.any(Number) as unknown });
      expect(await wa.channel.lookup(query({ text: 'Price list', mediaFileName: 'prices.pdf' }))).toEqual({ outcome: 'sent', providerMessageId: doc.providerMessageId, sentAt: expect.any(Number) as unknown });
      expect(await wa.channel.lookup(query({ text: 'Price list', mediaFileName: 'other.pdf' }))).toEqual({ outcome: 'not-sent' });
      // The same caption without the attachment is another message.
      expect(await wa.channel.lookup(query({ text: 'Price list' }))).toEqual({ outcome: 'not-sent' });
    });

    it('answers not-sent when the chat has no such message since the claim', async () => {
      await wa.channel.send(message({ text: 'An older message' }));
      expect(await wa.channel.lookup(query())).toEqual({ outcome: 'not-sent' });

      // The same text sent long before this claim was an earlier delivery, not this one.
      const earlier = await wa.channel.send(message());
      expect(earlier.ok).toBe(true);
      expect(await wa.channel.lookup(query({ claimedAt: START + LOOKUP_MARGIN_MS + 1 }))).toEqual({ outcome: 'not-sent' });
      // The customer's own messages do not count.
      wa.sim.receive({ phone: ANNA }, 'Hello Anna, here is our brochure.');
      expect(await wa.channel.lookup(query({ claimedAt: START + LOOKUP_MARGIN_MS + 1 }))).toEqual({ outcome: 'not-sent' });
    });

    it('answers not-sent for a number that is not on WhatsApp', async () => {
      expect(await wa.channel.lookup(query({ to: BEN }))).toEqual({ outcome: 'not-sent' });
    });

    it('answers unknown while WhatsApp is not connected, and when the chat cannot be read', async () => {
      wa.sim.breakSession();
      expect(await wa.channel.lookup(query({ whatsappId: '4915100000001@c.us' }))).toMatchObject({ outcome: 'unknown' });
      await untilStatus(wa.connection, (s) => s.state === 'disconnected');
      expect(await wa.channel.lookup(query())).toEqual({ outcome: 'unknown', reason: 'WhatsApp is not connected.' });
    });
  });

  describe('receipts', () => {
    it('turns message_ack into receipts: server, delivered, read, played; pending and errors are not receipts', async () => {
      await wa.linkAndScan();
      wa.sim.register(ANNA);
      const receipts: DeliveryReceipt[] = [];
      wa.channel.onReceipt((receipt) => receipts.push(receipt));
      const sent = await wa.channel.send(message());
      if (!sent.ok) throw new Error('send failed');
      for (const ack of [WHATSAPP_ACK.pending, WHATSAPP_ACK.server, WHATSAPP_ACK.device, WHATSAPP_ACK.read, WHATSAPP_ACK.played, WHATSAPP_ACK.error]) {
        clock.advance(1_000);
        wa.sim.ack(sent.providerMessageId, ack);
      }
      expect(receipts).toEqual([
        { providerMessageId: sent.providerMessageId, level: 'server', at: START + 2_000 },
        { providerMessageId: sent.providerMessageId, level: 'delivered', at: START + 3_000 },
        { providerMessageId: sent.providerMessageId, level: 'read', at: START + 4_000 },
        { providerMessageId: sent.providerMessageId, level: 'played', at: START + 5_000 },
      ]);
    });
  });

  describe('incoming messages', () => {
    let received: IncomingMessage[];
    let waiters: Array<() => void>;

    beforeEach(async () => {
      received = [];
      waiters = [];
      wa.channel.onIncoming((m) => {
        received.push(m);
        for (const wake of waiters.splice(0)) wake();
      });
      await wa.linkAndScan();
    });

    async function untilReceived(count: number): Promise<void> {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    }

    it('passes on a customer writing from their number', async () => {
      const id = wa.sim.receive({ phone: ANNA }, 'Is the blue bike still available?', { name: 'Anna K.' });
      await untilReceived(1);
      expect(received).toEqual([
        {
          channel: 'whatsapp',
          provider: 'whatsapp',
          providerMessageId: id,
          fromPhone: ANNA,
          fromWhatsappId: '4915100000001@c.us',
          fromWhatsappLid: null,
          profileName: 'Anna K.',
          text: 'Is the blue bike still available?',
          receivedAt: START,
        },
      ]);
    });

    it('resolves the number behind a privacy id where WhatsApp reveals it', async () => {
      wa.sim.receive({ lid: '207745123456789@lid', phone: BEN, resolvable: true }, 'Hi');
      await untilReceived(1);
      expect(received[0]).toMatchObject({ fromPhone: BEN, fromWhatsappId: '4915100000002@c.us', fromWhatsappLid: '207745123456789@lid' });
    });

    it('keeps a sender whose number stays hidden by their privacy id', async () => {
      wa.sim.receive({ lid: '207745123456789@lid', phone: BEN, resolvable: false }, 'Hi');
      wa.sim.receive({ lid: '998877665544332@lid' }, 'Hello', { name: '  ' });
      await untilReceived(2);
      expect(received[0]).toMatchObject({ fromPhone: null, fromWhatsappId: '207745123456789@lid', fromWhatsappLid: '207745123456789@lid' });
      expect(received[1]).toMatchObject({ fromPhone: null, fromWhatsappId: '998877665544332@lid', profileName: null, text: 'Hello' });
    });

    it('ignores groups, status updates, broadcasts, channels, the shop’s own messages and system notices', async () => {
      wa.sim.receive({ phone: ANNA }, 'in the family group', { group: '120363025555555555@g.us' });
      wa.sim.receiveRaw({ from: 'status@broadcast', author: '4915100000001@c.us', body: 'My holiday', isStatus: true });
      wa.sim.receiveRaw({ from: '4915100000001@c.us', body: 'via a broadcast list', broadcast: true });
      wa.sim.receiveRaw({ from: '120363111111111111@newsletter', body: 'News' });
      wa.sim.receiveRaw({ from: '4915100000001@c.us', body: 'sent from the shop’s phone', fromMe: true });
      wa.sim.receiveRaw({ from: '4915100000001@c.us', type: 'e2e_notification' });
      wa.sim.receiveRaw({ from: '4915100000001@c.us', type: 'ciphertext' });
      wa.sim.receive({ phone: BEN }, 'A real question');
      await untilReceived(1);
      expect(received.map((m) => m.text)).toEqual(['A real question']);
    });

    it('keeps the order of messages even when a privacy id has to be looked up first', async () => {
      wa.sim.receive({ lid: '207745123456789@lid', phone: BEN, resolvable: true }, 'first');
      wa.sim.receive({ phone: ANNA }, 'second');
      await untilReceived(2);
      expect(received.map((m) => m.text)).toEqual(['first', 'second']);
    });

    it('passes on what customers wrote while the connection was down, once it is back', async () => {
      wa.sim.drop();
      await untilStatus(wa.connection, (s) => s.state === 'disconnected');
      wa.sim.receive({ phone: ANNA }, 'Are you open today?');
      await timers.runUntil(() => wa.connection.idle(), clock.now() + 5_000);
      wa.sim.restore();
      await untilReceived(1);
      expect(received[0]?.text).toBe('Are you open today?');
    });
  });

  async function untilSent(count: number): Promise<void> {
    // The scripted send records synchronously once the channel has called it; yield until then.
    while (wa.sim.sent.length < count) await Promise.resolve();
  }
});
