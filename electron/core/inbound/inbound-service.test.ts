import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME } from '../app';
import { startFakeSmsGate, type FakeSmsGate } from '../channels/sms/fake-smsgate-server';
import { createHarness, type Harness } from '../services/test-harness';
import { openDatabase } from '../store/database';
import type { IncomingMessage } from './incoming-message';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('InboundService: customers who write in', () => {
  let h: Harness;
  let gate: FakeSmsGate;
  let welcome: number;
  let offer: number;
  let nextId = 1;

  beforeEach(async () => {
    h = createHarness({ machineTimeZone: 'Europe/Berlin', machineCountry: 'DE' });
    gate = await startFakeSmsGate({ username: 'shop', password: 'secret' });
    await h.call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'secret' } });
    welcome = (await h.call('sequences.create', { name: 'Welcome', channel: 'sms' })).id;
    offer = (await h.call('sequences.create', { name: 'Offer', channel: 'sms' })).id;
    await h.call('messages.create', { sequenceId: welcome, name: 'Brochure', body: 'Here is our brochure', delayAmount: 2, delayUnit: 'hours' });
    await h.call('messages.create', { sequenceId: offer, name: 'Deal', body: 'A deal for you', delayAmount: 1, delayUnit: 'days' });
    await setAutoSubscribe([welcome, offer]);
    gate.requests.length = 0;
    h.changes.length = 0;
  });

  afterEach(async () => {
    await h.app.inbound.settled();
    h.cleanup();
    await h.app.closed;
    await gate.close();
  });

  const setAutoSubscribe = async (ids: number[]) => {
    const { inbound } = await h.call('settings.get', {});
    await h.call('settings.update', { inbound: { ...inbound, autoSubscribeSequenceIds: ids } });
  };

  const sms = (from: string, text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
    channel: 'sms',
    provider: 'smsgate',
    providerMessageId: `event-${nextId++}`,
    fromPhone: from,
    fromWhatsappId: null,
    fromWhatsappLid: null,
    profileName: null,
    text,
    receivedAt: h.clock.ms - 5 * MINUTE,
    ...extra,
  });

  const whatsapp = (ids: { phone?: string | null; id: string; lid?: string | null }, text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
    channel: 'whatsapp',
    provider: 'whatsapp',
    providerMessageId: `wa-${nextId++}`,
    fromPhone: ids.phone ?? null,
    fromWhatsappId: ids.id,
    fromWhatsappLid: ids.lid ?? null,
    profileName: 'Zeynep',
    text,
    receivedAt: h.clock.ms - MINUTE,
    ...extra,
  });

  const receive = async (message: IncomingMessage) => {
    await h.app.inbound.receive(message);
    await h.app.inbound.settled();
  };

  /** Reads the database on a second connection. */
  const rows = <T,>(sql: string, ...params: unknown[]): T[] => {
    const db = openDatabase(path.join(h.dataDir, DATABASE_FILE_NAME));
    try {
      return db.prepare<unknown[], T>(sql).all(...params);
    } finally {
      db.close();
    }
  };
  const count = (table: string) => rows<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`)[0]?.n;
  const subscribers = async (sequenceId: number) => (await h.call('subscribers.list', { sequenceId })).rows;
  const inbox = async () => (await h.call('inbound.list', {})).rows;
  const confirmations = () => [...gate.messages.values()];

  it('subscribes a new customer to both chosen sequences from the time of their first message, with the message as their consent', async () => {
    const message = sms('0151 12345678', 'Hello, do you have the blue shoes?');
    await receive(message);

    const contacts = (await h.call('contacts.list', {})).rows;
    expect(contacts).toHaveLength(1);
    const contact = contacts[0];
    expect(contact).toMatchObject({ phone: '+4915112345678', name: '', source: 'inbound', optedOutAt: null });
    const [stored] = await inbox();
    expect(rows('SELECT consent_note, consent_at, consent_inbound_id FROM contacts')).toEqual([
      { consent_note: 'Wrote to the shop on SMS on 2 Nov 2026, 09:55', consent_at: message.receivedAt, consent_inbound_id: stored?.id },
    ]);

    const [inWelcome] = await subscribers(welcome);
    const [inOffer] = await subscribers(offer);
    expect(inWelcome).toMatchObject({ contactId: contact?.id, status: 'active', source: 'auto', subscribedAt: message.receivedAt, nextDueAt: message.receivedAt + 2 * HOUR });
    expect(inOffer).toMatchObject({ contactId: contact?.id, status: 'active', source: 'auto', subscribedAt: message.receivedAt, nextDueAt: message.receivedAt + 24 * HOUR });

    expect(stored).toEqual({
      id: stored?.id,
      channel: 'sms',
      provider: 'smsgate',
      fromPhone: '+4915112345678',
      fromWhatsappId: null,
      contactId: contact?.id,
      contactName: '',
      body: 'Hello, do you have the blue shoes?',
      receivedAt: message.receivedAt,
      actions: [
        { kind: 'contact-created', contactId: contact?.id },
        { kind: 'subscribed', sequenceId: welcome, sequenceName: 'Welcome', subscriptionId: inWelcome?.id },
        { kind: 'subscribed', sequenceId: offer, sequenceName: 'Offer', subscriptionId: inOffer?.id },
      ],
    });
    expect(h.changes).toEqual([['contacts', 'inbound_messages', 'sequences', 'subscriptions']]);
    expect(gate.requests).toEqual([]);
  });

  it('does nothing at all for a repeat of a message id it has stored', async () => {
    const message = sms('+4915112345678', 'Hello');
    await receive(message);
    h.changes.length = 0;
    await receive({ ...message, text: 'Hello again?' });
    expect([count('inbound_messages'), count('contacts'), count('subscriptions')]).toEqual([1, 1, 2]);
    expect((await inbox())[0]?.body).toBe('Hello');
    expect(h.changes).toEqual([]);
  });

  it('subscribes only on the first message, and never again where they are active or have completed', async () => {
    const anna = await h.call('subscribers.add', { sequenceId: welcome, phone: '+4915112345678', name: 'Anna' });
    const old = await h.call('subscribers.add', { sequenceId: offer, phone: '+4915112345678' });
    h.sql("UPDATE subscriptions SET status = 'completed', next_message_id = NULL, next_due_at = NULL WHERE id = ?", old.id);

    await receive(sms('+4915112345678', 'Hi, it is Anna'));
    expect((await inbox())[0]?.actions).toEqual([
      { kind: 'already-subscribed', sequenceId: welcome, sequenceName: 'Welcome' },
      { kind: 'already-subscribed', sequenceId: offer, sequenceName: 'Offer' },
    ]);
    expect((await subscribers(welcome)).map((s) => s.id)).toEqual([anna.id]);
    expect((await subscribers(offer)).map((s) => s.status)).toEqual(['completed']);

    // Unsubscribed from Welcome by hand, Anna writes again: not her first message, so nothing.
    await h.call('subscribers.unsubscribe', { id: anna.id });
    await receive(sms('+4915112345678', 'Any news?'));
    expect((await inbox())[0]?.actions).toEqual([{ kind: 'nothing', reason: 'A reply: no subscription of theirs stops on replies.' }]);
    expect(count('subscriptions')).toBe(2);
  });

  it('leaves new customers alone when no sequence is chosen', async () => {
    await setAutoSubscribe([]);
    await receive(sms('+4915112345678', 'Hello'));
    expect((await inbox())[0]?.actions).toEqual([
      { kind: 'contact-created', contactId: expect.any(Number) },
      { kind: 'nothing', reason: 'No sequence is chosen for auto-subscription (Settings → Sequence Auto Subscription).' },
    ]);
    expect(count('subscriptions')).toBe(0);
  });

  describe('STOP and START', () => {
    it.each(['STOP', 'stop', '  Stop!  ', 'ÚNSUBSCRIBE', 'cancel.', '\nQuit\n'])(
      '%j opts them out of everything with one confirmation, also when the gateway repeats it',
      async (text) => {
        await receive(sms('+4915112345678', 'Hello'));
        const stop = sms('+4915112345678', text);
        h.changes.length = 0;
        await receive(stop);

        const [contact] = (await h.call('contacts.list', {})).rows;
        expect(contact?.optedOutAt).toBe(stop.receivedAt);
        for (const sequenceId of [welcome, offer]) {
          expect(await subscribers(sequenceId)).toMatchObject([{ status: 'unsubscribed', endReason: 'Replied STOP on 2 Nov 2026, 09:55', nextDueAt: null }]);
        }
        expect((await inbox())[0]?.actions).toEqual([
          { kind: 'opted-out', keyword: expect.any(String) },
          { kind: 'confirmation', state: 'sent', detail: 'Sent by SMS: “You will not get any more messages from us. Reply START to allow them again.”' },
        ]);
        expect(confirmations()).toMatchObject([{ phoneNumbers: ['+4915112345678'], text: 'You will not get any more messages from us. Reply START to allow them again.' }]);
        expect(h.changes[0]).toEqual(['contacts', 'inbound_messages', 'sequences', 'subscriptions']);

        await receive(stop);
        expect(confirmations()).toHaveLength(1);
        expect(count('inbound_messages')).toBe(2);
      },
    );

    it('sends a confirmation that never got an outcome (the app stopped after the commit) on the repeat, with the same key', async () => {
      const stop = sms('+4915112345678', 'STOP');
      await receive(stop);
      const [first] = confirmations();
      // As if the app had stopped between the commit and the send's outcome.
      h.sql(`UPDATE inbound_messages SET actions = json_remove(actions, '$[#-1]')`);
      await receive(stop);
      expect((await inbox())[0]?.actions).toEqual([
        { kind: 'contact-created', contactId: expect.any(Number) },
        { kind: 'opted-out', keyword: 'STOP' },
        { kind: 'confirmation', state: 'sent', detail: expect.stringMatching(/^Sent by SMS/) },
      ]);
      // The gateway knew the key: the customer got one confirmation.
      const posts = gate.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => (r.body as { id: string }).id)).toEqual([first?.id, first?.id]);
      expect(confirmations()).toHaveLength(1);
    });

    describe('arriving out of order (a retried webhook, WhatsApp history): the latest word counts', () => {
      const at = (minutesAgo: number) => ({ receivedAt: h.clock.ms - minutesAgo * MINUTE });
      const optedOutAt = async () => (await h.call('contacts.list', {})).rows[0]?.optedOutAt;

      it('a START written before (or at the moment of) their STOP leaves them opted out, unconfirmed', async () => {
        await receive(sms('+4915112345678', 'Hello', at(30)));
        const stop = sms('+4915112345678', 'STOP', at(10));
        await receive(stop);
        expect(confirmations()).toHaveLength(1);

        await receive(sms('+4915112345678', 'START', at(20)));
        expect(await optedOutAt()).toBe(stop.receivedAt);
        expect((await inbox()).find((m) => m.receivedAt === h.clock.ms - 20 * MINUTE)?.actions).toEqual([
          { kind: 'nothing', reason: 'This START was written on 2 Nov 2026, 09:40, before they opted out on 2 Nov 2026, 09:50: they stay opted out.' },
        ]);
        await receive(sms('+4915112345678', 'START', at(10)));
        expect(await optedOutAt()).toBe(stop.receivedAt);
        expect(confirmations()).toHaveLength(1);

        // A START written after it still opts them back in.
        await receive(sms('+4915112345678', 'START', at(5)));
        expect(await optedOutAt()).toBeNull();
        expect(confirmations()).toHaveLength(2);
      });

      it('a START written between two STOPs leaves them opted out when it comes last', async () => {
        await receive(sms('+4915112345678', 'STOP', at(30)));
        await receive(sms('+4915112345678', 'STOP', at(10)));
        await receive(sms('+4915112345678', 'START', at(20)));
        expect(await optedOutAt()).toBe(h.clock.ms - 30 * MINUTE);
        expect(confirmations()).toHaveLength(1);
      });

      it('a STOP written before their START leaves them opted in, and their subscriptions running', async () => {
        await receive(sms('+4915112345678', 'Hello', at(30)));
        await receive(sms('+4915112345678', 'Start', at(5)));
        await receive(sms('+4915112345678', 'STOP', at(10)));
        expect(await optedOutAt()).toBeNull();
        expect((await subscribers(welcome)).map((s) => s.status)).toEqual(['active']);
        expect((await inbox()).find((m) => m.body === 'STOP')?.actions).toEqual([
          { kind: 'nothing', reason: 'This STOP was written on 2 Nov 2026, 09:50, before their START of 2 Nov 2026, 09:55: they stay opted in.' },
        ]);
        expect(confirmations()).toEqual([]);
      });

      it('STOP, START, and an earlier STOP arriving last: they stay opted in', async () => {
        await receive(sms('+4915112345678', 'STOP', at(20)));
        await receive(sms('+4915112345678', 'START', at(5)));
        expect(confirmations()).toHaveLength(2);
        await h.call('subscribers.add', { sequenceId: offer, phone: '+4915112345678' });
        await receive(sms('+4915112345678', 'STOP', at(10)));
        expect(await optedOutAt()).toBeNull();
        expect((await subscribers(offer)).map((s) => s.status)).toEqual(['active']);
        expect(confirmations()).toHaveLength(2);
      });
    });

    it.each(['stop please', 'Please stop', 'STOP IT', 'stopp'])('%j is a reply, not a STOP', async (text) => {
      await receive(sms('+4915112345678', 'Hello'));
      await receive(sms('+4915112345678', text));
      expect((await h.call('contacts.list', {})).rows[0]?.optedOutAt).toBeNull();
      expect((await subscribers(welcome))[0]?.status).toBe('active');
      expect(confirmations()).toEqual([]);
    });

    it('after STOP: never messaged by the engine and refused by hand, until START', async () => {
      await receive(sms('+4915112345678', 'Hello'));
      await receive(sms('+4915112345678', 'STOP'));
      const confirmationsBefore = confirmations().length;

      // The engine: nothing of the sequences goes out, not even once both were due.
      await h.timers.runUntil(() => h.app.engine.waitForIdle(), h.clock.ms + 25 * HOUR);
      expect(confirmations()).toHaveLength(confirmationsBefore);
      expect(count('deliveries')).toBe(0);

      // A subscription left live by other means (say, an old backup) is skipped at the claim.
      const [contact] = (await h.call('contacts.list', {})).rows;
      h.sql(
        `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, next_message_id, next_due_at, created_at, updated_at)
         SELECT ?, sequence_id, 'active', 'manual', ?, id, ?, ?, ? FROM messages WHERE sequence_id = ?`,
        contact?.id,
        h.clock.ms - 3 * HOUR,
        h.clock.ms,
        h.clock.ms,
        h.clock.ms,
        welcome,
      );
      h.app.engine.wake();
      await h.timers.runUntil(() => h.app.engine.waitForIdle(), h.clock.ms + HOUR);
      expect(confirmations()).toHaveLength(confirmationsBefore);
      expect(rows('SELECT status, error FROM deliveries')).toEqual([{ status: 'skipped', error: 'Not sent: +4915112345678 has opted out of messages from the shop.' }]);

      await expect(h.call('subscribers.add', { sequenceId: offer, phone: '0151 12345678' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: '+4915112345678 replied STOP on 2 Nov 2026 and gets no messages from the shop. They can write START to allow them again.',
      });

      await receive(sms('+4915112345678', 'Start'));
      expect((await h.call('contacts.list', {})).rows[0]?.optedOutAt).toBeNull();
      expect((await inbox())[0]?.actions).toEqual([
        { kind: 'opted-in', keyword: 'START' },
        { kind: 'confirmation', state: 'sent', detail: 'Sent by SMS: “Welcome back: you will get our messages again. Reply STOP to end them.”' },
      ]);
      expect(confirmations()).toHaveLength(confirmationsBefore + 1);
      // Their ended subscriptions stay ended; the owner may add them again now.
      expect((await subscribers(offer))[0]?.status).toBe('unsubscribed');
      expect(await h.call('subscribers.add', { sequenceId: offer, phone: '0151 12345678' })).toMatchObject({ status: 'active' });
    });

    it('a STOP as the first message creates the contact opted out and subscribes them to nothing', async () => {
      await receive(sms('+4915112345678', 'stop'));
      expect(count('subscriptions')).toBe(0);
      expect((await h.call('contacts.list', {})).rows[0]).toMatchObject({ source: 'inbound', optedOutAt: expect.any(Number) });
      await receive(sms('+4915112345678', 'What is this?'));
      expect((await inbox())[0]?.actions).toEqual([{ kind: 'nothing', reason: 'Opted out on 2 Nov 2026: nothing is sent to them until they write START.' }]);
      expect(count('subscriptions')).toBe(0);
    });

    it('records a confirmation that could not be sent, and sends none for a second STOP', async () => {
      await receive(whatsapp({ id: '4915112345678@c.us', phone: '+4915112345678' }, 'STOP'));
      expect((await inbox())[0]?.actions).toEqual([
        { kind: 'contact-created', contactId: expect.any(Number) },
        { kind: 'opted-out', keyword: 'STOP' },
        // The reason alone: the inbox says "Confirmation not sent: …" itself.
        { kind: 'confirmation', state: 'failed', detail: expect.stringMatching(/^(?!Not sent)\S/) },
      ]);
      await receive(sms('+4915112345678', 'STOP', { receivedAt: h.clock.ms }));
      expect((await inbox())[0]?.actions).toEqual([{ kind: 'nothing', reason: 'Already opted out on 2 Nov 2026: no second confirmation.' }]);
      expect(confirmations()).toEqual([]);
    });
  });

  it('stops a subscription whose sequence stops on replies, saying why, and leaves the others', async () => {
    await h.call('sequences.update', { id: welcome, stopOnReply: true });
    await receive(sms('+4915112345678', 'Hello'));
    h.clock.advance(10 * MINUTE);
    const reply = 'Thanks! How much are the blue shoes in size 42, and do you deliver to Potsdam as well?';
    await receive(sms('+4915112345678', reply, { receivedAt: h.clock.ms }));

    const [inWelcome] = await subscribers(welcome);
    expect(inWelcome).toMatchObject({ status: 'stopped', nextDueAt: null, endReason: 'Replied on 2 Nov 2026, 10:10: “Thanks! How much are the blue shoes in size 42, and do you…”' });
    expect((await subscribers(offer))[0]?.status).toBe('active');
    expect((await inbox())[0]?.actions).toEqual([{ kind: 'stopped', sequenceId: welcome, sequenceName: 'Welcome', subscriptionId: inWelcome?.id }]);
    const detail = await h.call('subscribers.get', { id: inWelcome?.id ?? 0 });
    expect(detail.subscriber.endReason).toMatch(/^Replied on /);
  });

  describe('who wrote (one contact per person)', () => {
    it('keeps a customer known only by a WhatsApp privacy id, and merges them onto one contact once their number shows', async () => {
      await receive(whatsapp({ id: '123456789012345@lid', lid: '123456789012345@lid' }, 'Hi there'));
      const [lidOnly] = (await h.call('contacts.list', {})).rows;
      expect(lidOnly).toMatchObject({ phone: null, whatsappId: '123456789012345@lid', name: 'Zeynep', source: 'inbound' });
      expect(await subscribers(welcome)).toHaveLength(1);

      // The same person, now with the number behind the privacy id.
      await receive(whatsapp({ id: '4915112345678@c.us', phone: '+4915112345678', lid: '123456789012345@lid' }, 'It is me again'));
      const contacts = (await h.call('contacts.list', {})).rows;
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatchObject({ id: lidOnly?.id, phone: '+4915112345678', whatsappId: '4915112345678@c.us', name: 'Zeynep' });
      // Not a first message: not subscribed again.
      expect(await subscribers(welcome)).toHaveLength(1);

      // And by SMS from the same number: still the same person.
      await receive(sms('0151 12345678', 'And by SMS'));
      expect((await h.call('contacts.list', {})).total).toBe(1);
      expect(count('inbound_messages')).toBe(3);
      expect(rows('SELECT DISTINCT contact_id FROM inbound_messages')).toEqual([{ contact_id: lidOnly?.id }]);
    });

    it('merges a privacy-id contact into the phone contact the shop already had, keeping one subscription per sequence', async () => {
      const anna = await h.call('subscribers.add', { sequenceId: welcome, phone: '+4915112345678', name: 'Anna' });
      await receive(whatsapp({ id: '555@lid', lid: '555@lid' }, 'Hello from WhatsApp'));
      expect((await h.call('contacts.list', {})).total).toBe(2);
      expect(await subscribers(welcome)).toHaveLength(2);

      await receive(whatsapp({ id: '4915112345678@c.us', phone: '+4915112345678', lid: '555@lid' }, 'It is Anna'));
      const contacts = (await h.call('contacts.list', {})).rows;
      expect(contacts).toHaveLength(1);
      expect(contacts[0]).toMatchObject({ id: anna.contactId, name: 'Anna', phone: '+4915112345678', whatsappId: '4915112345678@c.us' });
      const inWelcome = await subscribers(welcome);
      expect(inWelcome.filter((s) => s.status === 'active').map((s) => s.id)).toEqual([anna.id]);
      expect(inWelcome.map((s) => s.contactId)).toEqual([anna.contactId, anna.contactId]);
      expect((await subscribers(offer)).map((s) => [s.contactId, s.status])).toEqual([[anna.contactId, 'active']]);
      expect(rows('SELECT DISTINCT contact_id FROM inbound_messages')).toEqual([{ contact_id: anna.contactId }]);
    });

    it('merging with a record that replied STOP ends the live subscriptions of the other, and nothing more is sent to them', async () => {
      // A: the phone record, opted out by SMS. B: the same person on WhatsApp (privacy id), auto-subscribed.
      await receive(sms('+4915112345678', 'Hello', { receivedAt: h.clock.ms - 30 * MINUTE }));
      await receive(sms('+4915112345678', 'STOP', { receivedAt: h.clock.ms - 20 * MINUTE }));
      await receive(whatsapp({ id: '555@lid', lid: '555@lid' }, 'Hello from WhatsApp', { receivedAt: h.clock.ms - 10 * MINUTE }));
      expect((await subscribers(welcome)).map((s) => s.status)).toEqual(['unsubscribed', 'active']);
      const sentBefore = confirmations().length;
      h.changes.length = 0;

      // WhatsApp ties the privacy id to A's number: one person, who replied STOP.
      await receive(whatsapp({ id: '4915112345678@c.us', phone: '+4915112345678', lid: '555@lid' }, 'It is me'));
      const contacts = (await h.call('contacts.list', {})).rows;
      expect(contacts).toMatchObject([{ phone: '+4915112345678', optedOutAt: h.clock.ms - 20 * MINUTE }]);
      for (const sequenceId of [welcome, offer]) {
        expect((await subscribers(sequenceId)).map((s) => [s.contactId, s.status, s.endReason, s.nextDueAt])).toEqual([
          [contacts[0]?.id, 'unsubscribed', 'Replied STOP on 2 Nov 2026, 09:40', null],
          [contacts[0]?.id, 'unsubscribed', 'Replied STOP on 2 Nov 2026, 09:40', null],
        ]);
      }
      expect(h.changes[0]).toEqual(expect.arrayContaining(['contacts', 'sequences', 'subscriptions']));

      // Past the time both of B's messages were due: nothing goes out, none is even tried.
      await h.timers.runUntil(() => h.app.engine.waitForIdle(), h.clock.ms + 25 * HOUR);
      expect(confirmations()).toHaveLength(sentBefore);
      expect(count('deliveries')).toBe(0);
    });

    it('never merges two records with different numbers: the privacy id moves to the sender’s number', async () => {
      const anna = await h.call('contacts.upsert', { phone: '+4915100000001', name: 'Anna' });
      await receive(whatsapp({ id: '4915100000001@c.us', phone: '+4915100000001', lid: '777@lid' }, 'Hi, Anna here'));
      const bob = await h.call('contacts.upsert', { phone: '+4915100000002', name: 'Bob' });
      // WhatsApp now ties the same privacy id to Bob's number (Anna's old number, say).
      await receive(whatsapp({ id: '4915100000002@c.us', phone: '+4915100000002', lid: '777@lid' }, 'New number'));
      expect(rows('SELECT id, phone, whatsapp_id, whatsapp_lid FROM contacts ORDER BY id')).toEqual([
        { id: anna.id, phone: '+4915100000001', whatsapp_id: null, whatsapp_lid: null },
        { id: bob.id, phone: '+4915100000002', whatsapp_id: '4915100000002@c.us', whatsapp_lid: '777@lid' },
      ]);
    });

    it('without a number, merges a privacy-id record into the one holding the WhatsApp id they wrote from, which keeps it', async () => {
      await receive(whatsapp({ id: '555@lid', lid: '555@lid' }, 'Hi from the privacy id'));
      await receive(whatsapp({ id: '4915112345678@c.us' }, 'Hi from the number id'));
      const [byLid, byId] = rows<{ id: number }>('SELECT id FROM contacts ORDER BY id');

      // WhatsApp now shows both ids on one message, still without the number.
      await receive(whatsapp({ id: '4915112345678@c.us', lid: '555@lid' }, 'Both'));
      expect(rows('SELECT id, phone, whatsapp_id, whatsapp_lid FROM contacts')).toEqual([
        { id: byId?.id, phone: null, whatsapp_id: '4915112345678@c.us', whatsapp_lid: '555@lid' },
      ]);
      expect(byLid?.id).toBeLessThan(byId?.id ?? 0);
      expect(rows('SELECT DISTINCT contact_id FROM inbound_messages')).toEqual([{ contact_id: byId?.id }]);
    });

    it('without a number, takes no WhatsApp identity from either of two records with different numbers', async () => {
      const anna = await h.call('contacts.upsert', { phone: '+4915100000001', name: 'Anna' });
      await receive(whatsapp({ id: '4915100000001@c.us', phone: '+4915100000001', lid: '777@lid' }, 'Hi, Anna here'));
      const bob = await h.call('contacts.upsert', { phone: '+4915100000002', name: 'Bob' });
      await receive(whatsapp({ id: '4915100000002@c.us', phone: '+4915100000002' }, 'Hi, Bob here'));

      // Bob's WhatsApp id with Anna's privacy id, and no number to tell who is who.
      await receive(whatsapp({ id: '4915100000002@c.us', lid: '777@lid' }, 'Who am I?'));
      expect(rows('SELECT id, phone, whatsapp_id, whatsapp_lid FROM contacts ORDER BY id')).toEqual([
        { id: anna.id, phone: '+4915100000001', whatsapp_id: '4915100000001@c.us', whatsapp_lid: '777@lid' },
        { id: bob.id, phone: '+4915100000002', whatsapp_id: '4915100000002@c.us', whatsapp_lid: null },
      ]);
      expect((await inbox())[0]).toMatchObject({ body: 'Who am I?', contactId: bob.id });
    });

    it('without a number, merges no second number into the record that took one from a first merge', async () => {
      await receive(whatsapp({ id: '4915100000009@c.us' }, 'Hi from the number id'));
      await h.call('contacts.upsert', { phone: '+4915100000001', name: 'Anna' });
      await receive(whatsapp({ id: '4915100000001@c.us', phone: '+4915100000001', lid: '777@lid' }, 'Hi, Anna here'));
      // Bob is reached at that privacy id (an older record of his).
      const bob = await h.call('contacts.upsert', { phone: '+4915100000002', name: 'Bob' });
      h.sql("UPDATE contacts SET whatsapp_id = '777@lid' WHERE id = ?", bob.id);

      await receive(whatsapp({ id: '4915100000009@c.us', lid: '777@lid' }, 'Who am I?'));
      expect(rows('SELECT phone, whatsapp_id, whatsapp_lid FROM contacts ORDER BY phone')).toEqual([
        { phone: '+4915100000001', whatsapp_id: '4915100000009@c.us', whatsapp_lid: '777@lid' },
        { phone: '+4915100000002', whatsapp_id: '777@lid', whatsapp_lid: null },
      ]);
    });

    it('records a sender that is not a phone number without creating anyone', async () => {
      await receive(sms('VODAFONE', 'Your bill is ready'));
      expect(count('contacts')).toBe(0);
      expect(await inbox()).toMatchObject([{ fromPhone: 'VODAFONE', contactId: null, actions: [{ kind: 'nothing', reason: 'The sender “VODAFONE” is not a phone number the shop can reply to.' }] }]);
    });
  });

  it('handles messages that arrive together in one commit, each all-or-nothing: one that fails leaves the others stored', async () => {
    const broken: IncomingMessage = { ...whatsapp({ id: 'x' }, 'no sender at all'), fromWhatsappId: null };
    const stop = sms('+4915100000003', 'STOP');
    const results = await Promise.allSettled([
      h.app.inbound.receive(sms('+4915100000001', 'Hello')),
      h.app.inbound.receive(broken),
      h.app.inbound.receive(sms('+4915100000002', 'Hi')),
      h.app.inbound.receive(stop),
      h.app.inbound.receive(stop),
    ]);
    await h.app.inbound.settled();
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect([count('inbound_messages'), count('contacts'), count('subscriptions')]).toEqual([3, 3, 4]);
    expect(h.changes).toEqual([['contacts', 'inbound_messages', 'sequences', 'subscriptions'], ['inbound_messages']]);
    // The STOP that came twice in the same commit is confirmed once.
    expect(confirmations()).toHaveLength(1);
  });

  it('lists the inbox newest first, searched by name, phone or text, in pages', async () => {
    await receive(sms('+4915112345678', 'Do you have sandals?', { receivedAt: h.clock.ms - 3 * MINUTE }));
    await receive(whatsapp({ id: '4915187654321@c.us', phone: '+4915187654321' }, 'Größe 42 bitte', { receivedAt: h.clock.ms - 2 * MINUTE }));
    await receive(sms('+4915112345678', 'And boots?', { receivedAt: h.clock.ms - MINUTE }));

    expect((await inbox()).map((m) => m.body)).toEqual(['And boots?', 'Größe 42 bitte', 'Do you have sandals?']);
    const search = async (text: string) => (await h.call('inbound.list', { search: text })).rows.map((m) => m.body);
    expect(await search('zeynep')).toEqual(['Größe 42 bitte']);
    expect(await search('GROSSE')).toEqual([]);
    expect(await search('grosse')).toEqual([]);
    expect(await search('größe')).toEqual(['Größe 42 bitte']);
    expect(await search('SANDAL')).toEqual(['Do you have sandals?']);
    expect(await search('151 1234')).toEqual(['And boots?', 'Do you have sandals?']);
    const page = await h.call('inbound.list', { limit: 2, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.rows.map((m) => m.body)).toEqual(['Größe 42 bitte', 'Do you have sandals?']);
  });
});
