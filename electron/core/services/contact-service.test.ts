import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

describe('contacts', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ machineCountry: 'DE' });
  });
  afterEach(() => h.cleanup());

  it('creates a contact with its number in E.164 (default country for numbers without +) and announces it', async () => {
    const anna = await h.call('contacts.upsert', { phone: '0151 1234 5678', name: ' Anna ', attributes: { city: 'Berlin' } });
    expect(anna).toEqual({
      id: anna.id,
      phone: '+4915112345678',
      name: 'Anna',
      attributes: { city: 'Berlin' },
      optedOutAt: null,
      whatsappId: null,
      whatsappStatus: null,
      source: 'manual',
      createdAt: h.clock.ms,
      updatedAt: h.clock.ms,
    });
    expect(h.changes).toEqual([['contacts']]);
    expect(await h.call('contacts.get', { id: anna.id })).toEqual({ contact: anna, subscriptions: [] });
  });

  it('follows the default country from the settings', async () => {
    await h.call('settings.update', { defaultCountry: 'US' });
    expect((await h.call('contacts.upsert', { phone: '(202) 555-0123' })).phone).toBe('+12025550123');
  });

  it('refuses an invalid number with the reason, on the phone field, writing nothing', async () => {
    await expect(h.call('contacts.upsert', { phone: '0151 12' })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'phone',
      message: expect.stringMatching(/^Not a valid phone number for Germany/),
    });
    await expect(h.call('contacts.upsert', { phone: '123' })).rejects.toMatchObject({ message: 'This number is too short for Germany' });
    expect((await h.call('contacts.list', {})).total).toBe(0);
    expect(h.changes).toEqual([]);
  });

  it('merges by phone without an id: a given name replaces, attributes merge', async () => {
    const first = await h.call('contacts.upsert', { phone: '+4915112345678', name: 'Anna', attributes: { city: 'Berlin', tier: 'gold' } });
    h.clock.advance(1000);
    const merged = await h.call('contacts.upsert', { phone: '015112345678', attributes: { city: 'Hamburg' } });
    expect(merged).toMatchObject({ id: first.id, name: 'Anna', attributes: { city: 'Hamburg', tier: 'gold' }, updatedAt: h.clock.ms });
    const renamed = await h.call('contacts.upsert', { phone: '+49 151 12345678', name: 'Anna Schmidt' });
    expect(renamed).toMatchObject({ id: first.id, name: 'Anna Schmidt', attributes: { city: 'Hamburg', tier: 'gold' } });
    expect((await h.call('contacts.list', {})).total).toBe(1);
  });

  it('edits by id: replaces phone, name and the whole attribute set; refuses a phone another contact has', async () => {
    const anna = await h.call('contacts.upsert', { phone: '+4915100000001', name: 'Anna', attributes: { a: '1', b: '2' } });
    const bob = await h.call('contacts.upsert', { phone: '+4915100000002', name: 'Bob' });
    const edited = await h.call('contacts.upsert', { id: anna.id, phone: '+4915100000003', attributes: { a: '9' } });
    expect(edited).toMatchObject({ id: anna.id, phone: '+4915100000003', name: 'Anna', attributes: { a: '9' } });
    const cleared = await h.call('contacts.upsert', { id: anna.id, phone: '+4915100000003', name: '' });
    expect(cleared).toMatchObject({ name: '', attributes: { a: '9' } });

    h.changes.length = 0;
    await expect(h.call('contacts.upsert', { id: anna.id, phone: '+4915100000002' })).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'phone',
      message: '+4915100000002 already belongs to Bob.',
    });
    await expect(h.call('contacts.upsert', { id: 999, phone: '+4915100000009' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.call('contacts.get', { id: bob.id })).contact.phone).toBe('+4915100000002');
    expect(h.changes).toEqual([]);
  });

  it('lists contacts with search, paging and the sequences each is in', async () => {
    const welcome = await h.call('sequences.create', { name: 'Welcome' });
    const offers = await h.call('sequences.create', { name: 'Offers' });
    await h.call('subscribers.add', { sequenceId: welcome.id, phone: '+4915100000001', name: 'Anna' });
    const annaInOffers = await h.call('subscribers.add', { sequenceId: offers.id, phone: '+4915100000001' });
    await h.call('subscribers.unsubscribe', { id: annaInOffers.id });
    await h.call('contacts.upsert', { phone: '+4915100000002', name: 'Bob' });
    await h.call('contacts.upsert', { phone: '+4915100000003', name: 'Hannah' });

    const all = await h.call('contacts.list', {});
    expect(all.total).toBe(3);
    expect(all.rows.map((c) => c.name)).toEqual(['Anna', 'Bob', 'Hannah']);
    expect(all.rows[0]?.memberships).toEqual([
      { subscriptionId: annaInOffers.id, sequenceId: offers.id, sequenceName: 'Offers', status: 'unsubscribed' },
      { subscriptionId: expect.any(Number), sequenceId: welcome.id, sequenceName: 'Welcome', status: 'active' },
    ]);
    expect(all.rows[1]?.memberships).toEqual([]);

    const found = await h.call('contacts.list', { search: 'ANN' });
    expect(found.rows.map((c) => c.name)).toEqual(['Anna', 'Hannah']);
    expect(found.total).toBe(2);
    expect((await h.call('contacts.list', { search: '0000002' })).rows.map((c) => c.name)).toEqual(['Bob']);
    const page = await h.call('contacts.list', { sort: 'name', direction: 'desc', offset: 1, limit: 1 });
    expect(page).toEqual({ rows: [expect.objectContaining({ name: 'Bob' })], total: 3 });
  });

  it('deletes a contact with its subscriptions and their history, updating the sequence counts', async () => {
    const welcome = await h.call('sequences.create', { name: 'Welcome' });
    await h.call('messages.create', { sequenceId: welcome.id, name: 'Hi', body: 'Hi', delayAmount: 1, delayUnit: 'hours' });
    const anna = await h.call('subscribers.add', { sequenceId: welcome.id, phone: '+4915100000001', name: 'Anna' });
    const bob = await h.call('subscribers.add', { sequenceId: welcome.id, phone: '+4915100000002', name: 'Bob' });
    h.sql(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, due_at, sent_at, created_at, updated_at)
       VALUES (?, (SELECT id FROM messages LIMIT 1), 'whatsapp', 'sent', 1, 1, 1, 1)`,
      anna.id,
    );
    h.changes.length = 0;

    expect(await h.call('contacts.delete', { id: anna.contactId })).toEqual({ id: anna.contactId });
    expect(h.changes).toEqual([['contacts', 'deliveries', 'sequences', 'subscriptions']]);
    await expect(h.call('contacts.get', { id: anna.contactId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(h.call('subscribers.get', { id: anna.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.call('sequences.list', {}))[0]).toMatchObject({ subscriberCount: 1, activeSubscriberCount: 1 });
    expect((await h.call('subscribers.get', { id: bob.id })).subscriber.name).toBe('Bob');
    await expect(h.call('contacts.delete', { id: anna.contactId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
  it('keeps a customer known only by a WhatsApp id: listed, renamed without a phone, given one later; creating needs a phone', async () => {
    await h.app.inbound.receive({
      channel: 'whatsapp',
      provider: 'whatsapp',
      providerMessageId: 'wa-1',
      fromPhone: null,
      fromWhatsappId: '123456789012345@lid',
      fromWhatsappLid: '123456789012345@lid',
      profileName: 'Zeynep',
      text: 'Hello',
      receivedAt: h.clock.ms,
    });
    const [zeynep] = (await h.call('contacts.list', { search: 'zey' })).rows;
    expect(zeynep).toMatchObject({ phone: null, whatsappId: '123456789012345@lid', name: 'Zeynep', source: 'inbound', memberships: [] });
    const id = zeynep?.id ?? 0;

    expect(await h.call('contacts.upsert', { id, name: 'Zeynep Kaya', attributes: { city: 'Köln' } })).toMatchObject({ phone: null, name: 'Zeynep Kaya' });
    const withPhone = await h.call('contacts.upsert', { id, phone: '0151 1234 5678' });
    expect(withPhone).toMatchObject({ phone: '+4915112345678', name: 'Zeynep Kaya', attributes: { city: 'Köln' }, whatsappId: '123456789012345@lid' });
    expect((await h.call('contacts.list', { search: '151 1234' })).rows.map((c) => c.id)).toEqual([id]);

    await expect(h.call('contacts.upsert', { name: 'Nobody' })).rejects.toMatchObject({ code: 'VALIDATION', field: 'phone', message: 'Phone number is required' });
    expect((await h.call('contacts.list', {})).total).toBe(1);
  });
});
