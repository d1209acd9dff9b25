import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../shared/contract';
import { createHarness, type Harness } from './test-harness';

const HOUR = 3_600_000;

describe('subscribers', () => {
  let h: Harness;
  let seq: number;
  beforeEach(async () => {
    h = createHarness({ machineTimeZone: 'Europe/Berlin', machineCountry: 'DE' });
    seq = (await h.call('sequences.create', { name: 'Welcome' })).id;
    h.changes.length = 0;
  });
  afterEach(() => h.cleanup());

  const addMessage = (name: string, extra: Partial<MethodInput<'messages.create'>> = {}) =>
    h.call('messages.create', { sequenceId: seq, name, body: `Hi, ${name}`, delayAmount: 1, delayUnit: 'hours', ...extra });
  const add = (extra: Partial<MethodInput<'subscribers.add'>> = {}) =>
    h.call('subscribers.add', { sequenceId: seq, phone: '0151 12345678', name: 'Anna', ...extra });
  const counts = async () => {
    const summary = (await h.call('sequences.list', {})).find((s) => s.id === seq);
    return [summary?.subscriberCount, summary?.activeSubscriberCount];
  };

  /** What the engine will record for a send: a delivery, the progress, and the next message. */
  const recordSend = (subscriptionId: number, messageId: number, at: number, next: { id: number | null; due: number | null }) => {
    h.sql(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, attempts, due_at, sent_at, created_at, updated_at)
       VALUES (?, ?, 'whatsapp', 'sent', 1, ?, ?, ?, ?)`,
      subscriptionId,
      messageId,
      at,
      at,
      at,
      at,
    );
    h.sql(
      `UPDATE subscriptions SET last_sent_message_id = ?, last_sent_position = (SELECT position FROM messages WHERE id = ?),
              last_sent_at = ?, sent_count = sent_count + 1, next_message_id = ?, next_due_at = ?
       WHERE id = ?`,
      messageId,
      messageId,
      at,
      next.id,
      next.due,
      subscriptionId,
    );
  };

  describe('add', () => {
    it('creates the contact, subscribes it with the first message due by the timing rules, and announces it', async () => {
      const first = await addMessage('Welcome', { delayAmount: 2, delayUnit: 'hours' });
      h.changes.length = 0;
      const anna = await add({ attributes: { city: 'Berlin' } });
      expect(anna).toEqual({
        id: anna.id,
        contactId: anna.contactId,
        sequenceId: seq,
        phone: '+4915112345678',
        name: 'Anna',
        status: 'active',
        endReason: null,
        source: 'manual',
        subscribedAt: h.clock.ms,
        lastSentMessage: null,
        lastSentAt: null,
        nextMessage: { id: first.id, name: 'Welcome', position: 1 },
        nextDueAt: h.clock.ms + 2 * HOUR,
        sentCount: 0,
      });
      expect(h.changes).toEqual([['contacts', 'sequences', 'subscriptions']]);
      expect(await counts()).toEqual([1, 1]);
      const contact = await h.call('contacts.get', { id: anna.contactId });
      expect(contact.contact).toMatchObject({ name: 'Anna', attributes: { city: 'Berlin' }, source: 'manual' });
      expect(contact.subscriptions).toEqual([{ ...anna, sequenceName: 'Welcome' }]);
    });

    it('starts at a chosen time, reckoning exact times in the business time zone', async () => {
      const first = await addMessage('Morning', { delayAmount: 0, delayUnit: 'minutes', sendAt: '09:00' });
      // 2026-11-05 20:00 in Berlin (UTC+1): the next 09:00 there is 08:00 UTC on the 6th.
      const startAt = Date.UTC(2026, 10, 5, 19, 0);
      const anna = await add({ startAt });
      expect(anna).toMatchObject({ subscribedAt: startAt, nextMessage: { id: first.id }, nextDueAt: Date.UTC(2026, 10, 6, 8, 0) });
    });

    it('makes a first message whose time has passed due now (a start in the past)', async () => {
      await addMessage('Welcome', { delayAmount: 1, delayUnit: 'hours' });
      const anna = await add({ startAt: h.clock.ms - 5 * HOUR });
      expect(anna.nextDueAt).toBe(h.clock.ms);
    });

    it('keeps someone added to a sequence without enabled messages active, and a message added later reaches them', async () => {
      const disabled = await addMessage('Draft', { enabled: false });
      const anna = await add();
      expect(anna).toMatchObject({ status: 'active', nextMessage: null, nextDueAt: null });
      h.changes.length = 0;
      h.clock.advance(HOUR);
      const welcome = await addMessage('Welcome', { delayAmount: 3, delayUnit: 'hours' });
      expect(h.changes).toEqual([['messages', 'sequences', 'subscriptions']]);
      const after = (await h.call('subscribers.get', { id: anna.id })).subscriber;
      // Reckoned from when they subscribed.
      expect(after).toMatchObject({ nextMessage: { id: welcome.id }, nextDueAt: anna.subscribedAt + 3 * HOUR });
      await h.call('messages.setEnabled', { id: disabled.id, enabled: true });
      expect((await h.call('subscribers.get', { id: anna.id })).subscriber.nextMessage?.id).toBe(disabled.id);
    });

    it('refuses someone already active or paused in the sequence and changes nothing, not even their name', async () => {
      const anna = await add({ attributes: { city: 'Berlin' } });
      const before = await h.call('contacts.get', { id: anna.contactId });
      h.changes.length = 0;
      h.clock.advance(1000);
      await expect(add({ phone: '+49 151 12345678', name: 'Anna Schmidt', attributes: { city: 'Hamburg' } })).rejects.toMatchObject({
        code: 'CONFLICT',
        field: 'phone',
        message: 'Anna is already subscribed to “Welcome”.',
      });
      await h.call('subscribers.pause', { id: anna.id });
      h.changes.length = 0;
      await expect(add({ name: 'Anna Schmidt' })).rejects.toMatchObject({ message: 'Anna is already subscribed to “Welcome” (paused).' });
      expect(h.changes).toEqual([]);
      expect((await h.call('contacts.get', { id: anna.contactId })).contact).toEqual(before.contact);
      expect(await counts()).toEqual([1, 0]);
    });

    it('lets one contact be in several sequences, merging the contact', async () => {
      const offers = await h.call('sequences.create', { name: 'Offers' });
      const inWelcome = await add({ attributes: { city: 'Berlin' } });
      const inOffers = await h.call('subscribers.add', { sequenceId: offers.id, phone: '+4915112345678', name: 'Anna S.', attributes: { tier: 'gold' } });
      expect(inOffers.contactId).toBe(inWelcome.contactId);
      const detail = await h.call('contacts.get', { id: inWelcome.contactId });
      expect(detail.contact).toMatchObject({ name: 'Anna S.', attributes: { city: 'Berlin', tier: 'gold' } });
      expect(detail.subscriptions.map((s) => s.sequenceName)).toEqual(['Offers', 'Welcome']);
      expect((await h.call('contacts.list', {})).total).toBe(1);
    });

    it('subscribes someone again after they unsubscribed, as a new subscription', async () => {
      const first = await add();
      await h.call('subscribers.unsubscribe', { id: first.id });
      const again = await add();
      expect(again.id).not.toBe(first.id);
      expect(await counts()).toEqual([2, 1]);
    });

    it('refuses an unknown sequence, an invalid number and someone who opted out, writing nothing', async () => {
      await expect(add({ sequenceId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(add({ phone: '0151 12' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'phone' });
      expect((await h.call('contacts.list', {})).total).toBe(0);

      const other = await h.call('contacts.upsert', { phone: '+4915100000009', name: 'Olga' });
      h.sql('UPDATE contacts SET opted_out_at = ? WHERE id = ?', Date.UTC(2026, 9, 30, 12), other.id);
      await expect(add({ phone: '+4915100000009' })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: 'Olga replied STOP on 30 Oct 2026 and gets no messages from the shop. They can write START to allow them again.',
      });
      expect(await counts()).toEqual([0, 0]);
    });
  });

  describe('pause, resume, unsubscribe, remove', () => {
    it('pauses an active subscriber, keeping their next message but no due time, and refuses to pause twice', async () => {
      await addMessage('Welcome');
      const anna = await add();
      h.changes.length = 0;
      const paused = await h.call('subscribers.pause', { id: anna.id });
      expect(anna.nextDueAt).not.toBeNull();
      expect(paused).toMatchObject({ status: 'paused', nextMessage: anna.nextMessage, nextDueAt: null });
      expect(h.changes).toEqual([['sequences', 'subscriptions']]);
      expect(await counts()).toEqual([1, 0]);
      await expect(h.call('subscribers.pause', { id: anna.id })).rejects.toMatchObject({ code: 'CONFLICT', message: 'Anna is already paused.' });
    });

    it('resumes a paused subscriber: a due time still ahead stays, one that has passed is due now', async () => {
      await addMessage('Welcome', { delayAmount: 2, delayUnit: 'hours' });
      const anna = await add();
      await h.call('subscribers.pause', { id: anna.id });
      h.clock.advance(HOUR);
      expect(await h.call('subscribers.resume', { id: anna.id })).toMatchObject({ status: 'active', nextDueAt: anna.nextDueAt });
      await h.call('subscribers.pause', { id: anna.id });
      h.clock.advance(24 * HOUR);
      expect(await h.call('subscribers.resume', { id: anna.id })).toMatchObject({ status: 'active', nextDueAt: h.clock.ms });
      await expect(h.call('subscribers.resume', { id: anna.id })).rejects.toMatchObject({ code: 'CONFLICT', message: 'Anna is not paused.' });
    });

    it('resumes with the next message they have not had, reckoned from their last send', async () => {
      const first = await addMessage('First');
      const second = await addMessage('Second', { delayAmount: 3, delayUnit: 'hours' });
      const anna = await add();
      const sentAt = h.clock.ms + HOUR;
      recordSend(anna.id, first.id, sentAt, { id: second.id, due: sentAt + 3 * HOUR });
      await h.call('subscribers.pause', { id: anna.id });
      h.clock.advance(2 * HOUR);
      expect(await h.call('subscribers.resume', { id: anna.id })).toMatchObject({
        nextMessage: { id: second.id },
        nextDueAt: sentAt + 3 * HOUR,
        lastSentMessage: { id: first.id, name: 'First', position: 1 },
        lastSentAt: sentAt,
        sentCount: 1,
      });
    });

    it('unsubscribes an active or paused subscriber, clearing the next message, and refuses what has ended', async () => {
      await addMessage('Welcome');
      const anna = await add();
      const gone = await h.call('subscribers.unsubscribe', { id: anna.id });
      expect(gone).toMatchObject({ status: 'unsubscribed', nextMessage: null, nextDueAt: null });
      expect(await counts()).toEqual([1, 0]);
      const message = 'Anna has unsubscribed from this sequence';
      await expect(h.call('subscribers.unsubscribe', { id: anna.id })).rejects.toMatchObject({ code: 'CONFLICT', message: `${message}.` });
      await expect(h.call('subscribers.pause', { id: anna.id })).rejects.toMatchObject({ message: `${message}, so there is nothing to pause.` });
      await expect(h.call('subscribers.resume', { id: anna.id })).rejects.toMatchObject({ message: `${message}. Add them again to start over.` });

      const bob = await add({ phone: '+4915100000002', name: '' });
      await h.call('subscribers.pause', { id: bob.id });
      expect(await h.call('subscribers.unsubscribe', { id: bob.id })).toMatchObject({ status: 'unsubscribed' });
      h.sql("UPDATE subscriptions SET status = 'completed' WHERE id = ?", bob.id);
      // No name: the number stands in for it.
      await expect(h.call('subscribers.pause', { id: bob.id })).rejects.toMatchObject({
        message: '+4915100000002 has completed this sequence, so there is nothing to pause.',
      });
    });

    it('removes a subscription with its history, keeping the contact', async () => {
      const message = await addMessage('Welcome');
      const anna = await add();
      recordSend(anna.id, message.id, h.clock.ms, { id: null, due: null });
      h.changes.length = 0;
      expect(await h.call('subscribers.remove', { id: anna.id })).toEqual({ id: anna.id });
      expect(h.changes).toEqual([['deliveries', 'sequences', 'subscriptions']]);
      expect(await counts()).toEqual([0, 0]);
      expect((await h.call('contacts.get', { id: anna.contactId })).subscriptions).toEqual([]);
      for (const method of ['subscribers.remove', 'subscribers.pause', 'subscribers.resume', 'subscribers.unsubscribe', 'subscribers.get'] as const) {
        await expect(h.call(method, { id: anna.id }), method).rejects.toMatchObject({ code: 'NOT_FOUND' });
      }
    });
  });

  describe('timeline', () => {
    it('shows what was sent, what is scheduled and when, and the disabled and passed-over messages', async () => {
      const welcome = await addMessage('Welcome', { delayAmount: 1, delayUnit: 'hours' });
      const draft = await addMessage('Draft', { enabled: false });
      const brochure = await addMessage('Brochure', { delayAmount: 2, delayUnit: 'hours' });
      const offer = await addMessage('Offer', { delayAmount: 1, delayUnit: 'days', sendAt: '09:00' });
      const anna = await add();
      const sentAt = anna.subscribedAt + HOUR + 5 * 60_000;
      recordSend(anna.id, welcome.id, sentAt, { id: brochure.id, due: sentAt + 2 * HOUR });

      const detail = await h.call('subscribers.get', { id: anna.id });
      expect(detail.sequenceName).toBe('Welcome');
      expect(detail.contact.phone).toBe('+4915112345678');
      expect(detail.subscriber).toMatchObject({ sentCount: 1, lastSentAt: sentAt, nextDueAt: sentAt + 2 * HOUR });
      const brochureDue = sentAt + 2 * HOUR; // 2026-11-02 13:05 Berlin
      expect(detail.timeline).toEqual([
        { messageId: welcome.id, name: 'Welcome', position: 1, status: 'sent', at: sentAt, error: null, receipt: null, channel: 'whatsapp' },
        { messageId: draft.id, name: 'Draft', position: 2, status: 'disabled', at: null, error: null, receipt: null, channel: null },
        { messageId: brochure.id, name: 'Brochure', position: 3, status: 'scheduled', at: brochureDue, error: null, receipt: null, channel: null },
        // The next day at 09:00 Berlin (08:00 UTC), chained from the brochure's planned time.
        { messageId: offer.id, name: 'Offer', position: 4, status: 'scheduled', at: Date.UTC(2026, 10, 3, 8, 0), error: null, receipt: null, channel: null },
      ]);

      // A message moved before their position will not reach them: skipped.
      const intro = await addMessage('Intro', { delayAmount: 0, delayUnit: 'minutes' });
      await h.call('messages.reorder', { sequenceId: seq, orderedIds: [intro.id, welcome.id, draft.id, brochure.id, offer.id] });
      const reordered = await h.call('subscribers.get', { id: anna.id });
      expect(reordered.timeline.map((e) => [e.name, e.status])).toEqual([
        ['Intro', 'skipped'],
        ['Welcome', 'sent'],
        ['Draft', 'disabled'],
        ['Brochure', 'scheduled'],
        ['Offer', 'scheduled'],
      ]);
      expect(reordered.timeline[0]?.at).toBeNull();
    });

    it('shows failures with their reason, pending messages while paused, and cancelled ones once ended', async () => {
      const welcome = await addMessage('Welcome');
      const brochure = await addMessage('Brochure');
      const anna = await add();
      h.sql(
        `INSERT INTO deliveries (subscription_id, message_id, channel, status, attempts, due_at, error, created_at, updated_at)
         VALUES (?, ?, 'whatsapp', 'failed', 3, 1, 'This number is not on WhatsApp', 1, 777)`,
        anna.id,
        welcome.id,
      );
      h.sql('UPDATE subscriptions SET last_sent_position = 1, next_message_id = ?, next_due_at = ? WHERE id = ?', brochure.id, h.clock.ms + HOUR, anna.id);

      const statuses = async () => (await h.call('subscribers.get', { id: anna.id })).timeline.map((e) => [e.status, e.at, e.error]);
      expect(await statuses()).toEqual([
        ['failed', 777, 'This number is not on WhatsApp'],
        ['scheduled', h.clock.ms + HOUR, null],
      ]);
      await h.call('subscribers.pause', { id: anna.id });
      expect((await statuses())[1]).toEqual(['pending', null, null]);
      await h.call('subscribers.unsubscribe', { id: anna.id });
      expect((await statuses())[1]).toEqual(['cancelled', null, null]);
    });
  });

  describe('message edits', () => {
    it('move the next due time of subscribers with a timing change, in the same use case, and announce it', async () => {
      const welcome = await addMessage('Welcome', { delayAmount: 2, delayUnit: 'hours' });
      const anna = await add();
      h.changes.length = 0;
      await h.call('messages.update', { id: welcome.id, body: 'New text' });
      expect(h.changes).toEqual([['messages', 'sequences']]);
      await h.call('messages.update', { id: welcome.id, delayAmount: 5 });
      expect(h.changes.at(-1)).toEqual(['messages', 'sequences', 'subscriptions']);
      expect((await h.call('subscribers.get', { id: anna.id })).subscriber.nextDueAt).toBe(anna.subscribedAt + 5 * HOUR);
    });

    it('keep progress when the last message sent is deleted: its successor is next, and nothing is sent twice', async () => {
      const first = await addMessage('First');
      const second = await addMessage('Second', { delayAmount: 2, delayUnit: 'hours' });
      const third = await addMessage('Third', { delayAmount: 4, delayUnit: 'hours' });
      const anna = await add();
      const sentAt = h.clock.ms + HOUR;
      recordSend(anna.id, first.id, sentAt, { id: second.id, due: sentAt + 2 * HOUR });
      recordSend(anna.id, second.id, sentAt + 2 * HOUR, { id: third.id, due: sentAt + 6 * HOUR });
      h.changes.length = 0;

      await h.call('messages.delete', { id: second.id });
      expect(h.changes).toEqual([['deliveries', 'messages', 'sequences', 'subscriptions']]);
      const detail = await h.call('subscribers.get', { id: anna.id });
      expect(detail.subscriber).toMatchObject({ lastSentMessage: null, nextMessage: { id: third.id, position: 2 }, nextDueAt: sentAt + 6 * HOUR });
      expect(detail.timeline.map((e) => [e.name, e.status])).toEqual([
        ['First', 'sent'],
        ['Third', 'scheduled'],
      ]);

      // Deleting the next message moves them on to the one after it (none here: waiting, still active).
      await h.call('messages.delete', { id: third.id });
      expect((await h.call('subscribers.get', { id: anna.id })).subscriber).toMatchObject({ status: 'active', nextMessage: null, nextDueAt: null });
    });
  });

  describe('list', () => {
    it('pages a sequence’s subscribers with search, status filter and sort, and NOT_FOUND for an unknown sequence', async () => {
      await addMessage('Welcome');
      for (const [i, name] of ['Anna', 'Bob', 'Hannah', 'Zoë'].entries()) {
        h.clock.advance(60_000);
        await add({ phone: `+49151000000${10 + i}`, name });
      }
      const bob = (await h.call('subscribers.list', { sequenceId: seq, search: 'bob' })).rows[0];
      await h.call('subscribers.pause', { id: bob?.id ?? 0 });

      const page = await h.call('subscribers.list', { sequenceId: seq, sort: 'subscribedAt', direction: 'desc', limit: 2 });
      expect(page.total).toBe(4);
      expect(page.rows.map((r) => r.name)).toEqual(['Zoë', 'Hannah']);
      expect((await h.call('subscribers.list', { sequenceId: seq, search: 'ANN' })).rows.map((r) => r.name)).toEqual(['Anna', 'Hannah']);
      expect((await h.call('subscribers.list', { sequenceId: seq, status: 'paused' })).rows.map((r) => r.name)).toEqual(['Bob']);
      expect((await h.call('subscribers.list', { sequenceId: seq, sort: 'name', offset: 3 })).rows.map((r) => r.name)).toEqual(['Zoë']);
      await expect(h.call('subscribers.list', { sequenceId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});

describe('sequence counts', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness();
  });
  afterEach(() => h.cleanup());

  it('counts every subscription and the active ones per sequence; a copy has none; deleting a sequence deletes them', async () => {
    const a = await h.call('sequences.create', { name: 'A' });
    const b = await h.call('sequences.create', { name: 'B' });
    const subs = [];
    for (let i = 0; i < 4; i++) subs.push(await h.call('subscribers.add', { sequenceId: a.id, phone: `+49151000000${10 + i}` }));
    await h.call('subscribers.add', { sequenceId: b.id, phone: '+4915100000010' });
    await h.call('subscribers.pause', { id: subs[0]?.id ?? 0 });
    await h.call('subscribers.unsubscribe', { id: subs[1]?.id ?? 0 });
    h.sql("UPDATE subscriptions SET status = 'completed' WHERE id = ?", subs[2]?.id);

    const list = await h.call('sequences.list', {});
    expect(list.map((s) => [s.name, s.subscriberCount, s.activeSubscriberCount])).toEqual([
      ['A', 4, 1],
      ['B', 1, 1],
    ]);
    expect((await h.call('sequences.get', { id: a.id })).sequence).toMatchObject({ subscriberCount: 4, activeSubscriberCount: 1 });
    const copy = await h.call('sequences.duplicate', { id: a.id });
    expect(copy).toMatchObject({ subscriberCount: 0, activeSubscriberCount: 0 });

    await h.call('sequences.delete', { id: a.id });
    await expect(h.call('subscribers.get', { id: subs[3]?.id ?? 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.call('contacts.list', {})).total).toBe(4);
    expect((await h.call('sequences.list', {})).map((s) => [s.name, s.subscriberCount])).toEqual([
      ['A (copy)', 0],
      ['B', 1],
    ]);
  });
});
