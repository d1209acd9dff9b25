import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import type { ContactListQuery } from './contact-repository';
import { openTempStore, type TempStore } from './test-store';

describe('ContactRepository', () => {
  let t: TempStore;
  beforeEach(() => {
    t = openTempStore();
  });
  afterEach(() => t.cleanup());

  const list = (query: Partial<ContactListQuery>) =>
    t.store.contacts.list({ search: '', sort: 'name', direction: 'asc', offset: 0, limit: 100, ...query });

  it('creates a contact by phone, then merges into it: a non-blank name replaces, attributes merge', () => {
    const { contacts } = t.store;
    const first = contacts.upsertByPhone(
      { phone: '+4915112345678', name: ' Anna ', attributes: { city: 'Berlin', tier: 'gold' }, source: 'import', consentNote: 'Imported from a.csv' },
      1000,
    );
    expect(first.created).toBe(true);
    expect(contacts.findById(first.id)).toEqual({
      id: first.id,
      phone: '+4915112345678',
      name: 'Anna',
      attributes: { city: 'Berlin', tier: 'gold' },
      optedOutAt: null,
      whatsappId: null,
      whatsappStatus: null,
      source: 'import',
      createdAt: 1000,
      updatedAt: 1000,
    });

    const blank = contacts.upsertByPhone({ phone: '+4915112345678', name: '  ', attributes: { city: 'Hamburg' }, source: 'manual', consentNote: 'x' }, 2000);
    expect(blank).toEqual({ id: first.id, created: false });
    expect(contacts.findByPhone('+4915112345678')).toMatchObject({
      name: 'Anna',
      attributes: { city: 'Hamburg', tier: 'gold' },
      source: 'import',
      createdAt: 1000,
      updatedAt: 2000,
    });
    contacts.upsertByPhone({ phone: '+4915112345678', name: 'Anna Schmidt', source: 'manual', consentNote: 'x' }, 3000);
    expect(contacts.findById(first.id)).toMatchObject({ name: 'Anna Schmidt', attributes: { city: 'Hamburg', tier: 'gold' } });
  });

  it('refuses a merge that would exceed 50 attributes, writing nothing', () => {
    const { contacts } = t.store;
    const many = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, 'v']));
    const { id } = contacts.upsertByPhone({ phone: '+4915112345678', attributes: many('a', 30), source: 'manual', consentNote: '' }, 1);
    const merge = () => contacts.upsertByPhone({ phone: '+4915112345678', name: 'X', attributes: many('b', 21), source: 'manual', consentNote: '' }, 2);
    expect(merge).toThrow(AppError);
    expect(merge).toThrow('At most 50 attributes per contact');
    expect(contacts.findById(id)).toMatchObject({ name: '', updatedAt: 1 });
    expect(Object.keys(contacts.findById(id)?.attributes ?? {})).toHaveLength(30);
  });

  it('updates phone, name and attributes by id, and refuses a phone another contact has', () => {
    const { contacts } = t.store;
    const anna = contacts.insert({ phone: '+4915100000001', name: 'Anna', attributes: { a: '1' }, source: 'manual', consentNote: '' }, 1);
    contacts.insert({ phone: '+4915100000002', name: 'Bob', attributes: {}, source: 'manual', consentNote: '' }, 1);
    expect(contacts.update(anna, { phone: '+4915100000003', name: 'Anna B.', attributes: {} }, 2)).toBe(true);
    expect(contacts.findById(anna)).toMatchObject({ phone: '+4915100000003', name: 'Anna B.', attributes: {}, updatedAt: 2 });
    expect(() => contacts.update(anna, { phone: '+4915100000002', name: 'Anna', attributes: {} }, 3)).toThrow(/UNIQUE constraint failed/);
    expect(contacts.update(999, { phone: '+4915100000009', name: '', attributes: {} }, 3)).toBe(false);
  });

  it('clears the cached WhatsApp id when the phone changes, and only then', () => {
    const { contacts, db } = t.store;
    const id = contacts.insert({ phone: '+4915100000001', name: 'Anna', attributes: {}, source: 'manual', consentNote: '' }, 1);
    const whatsappId = () => db.prepare<[number], { whatsapp_id: string | null }>('SELECT whatsapp_id FROM contacts WHERE id = ?').get(id)?.whatsapp_id;
    db.prepare("UPDATE contacts SET whatsapp_id = '4915100000001@c.us' WHERE id = ?").run(id);
    contacts.update(id, { phone: '+4915100000001', name: 'Anna K.', attributes: {} }, 2);
    expect(whatsappId()).toBe('4915100000001@c.us');
    contacts.update(id, { phone: '+4915100000002', name: 'Anna K.', attributes: {} }, 3);
    expect(whatsappId()).toBeNull();
  });

  describe('list', () => {
    beforeEach(() => {
      const { contacts } = t.store;
      const people = ['Émile Zola', 'anna Berg', 'Anna Adler', 'Bob', 'Zoë', '', 'Jürgen Ann'];
      people.forEach((name, i) => {
        contacts.insert({ phone: `+49151000000${10 + i}`, name, attributes: {}, source: 'manual', consentNote: '' }, 100 - i);
      });
    });

    it('sorts by name ignoring case and accents, by phone, and by creation, each way', () => {
      expect(list({}).rows.map((c) => c.name)).toEqual(['', 'Anna Adler', 'anna Berg', 'Bob', 'Émile Zola', 'Jürgen Ann', 'Zoë']);
      expect(list({ direction: 'desc' }).rows.map((c) => c.name)[0]).toBe('Zoë');
      expect(list({ sort: 'phone' }).rows.map((c) => c.phone).slice(0, 2)).toEqual(['+4915100000010', '+4915100000011']);
      expect(list({ sort: 'phone', direction: 'desc' }).rows[0]?.phone).toBe('+4915100000016');
      expect(list({ sort: 'createdAt', direction: 'desc' }).rows[0]?.name).toBe('Jürgen Ann');
    });

    it('searches names as substrings regardless of case and accents, and phones by their digits', () => {
      expect(list({ search: 'ANN' }).rows.map((c) => c.name)).toEqual(['Anna Adler', 'anna Berg', 'Jürgen Ann']);
      expect(list({ search: 'ANN' }).total).toBe(3);
      expect(list({ search: 'emile' }).rows.map((c) => c.name)).toEqual(['Émile Zola']);
      expect(list({ search: 'zoe' }).rows.map((c) => c.name)).toEqual(['Zoë']);
      expect(list({ search: 'ZO' }).rows.map((c) => c.name)).toEqual(['Émile Zola', 'Zoë']);
      expect(list({ search: '0000013' }).rows.map((c) => c.name)).toEqual(['Bob']);
      expect(list({ search: '+49 151 0000 0013' }).rows.map((c) => c.name)).toEqual(['Bob']);
      expect(list({ search: '%' })).toEqual({ rows: [], total: 0 });
    });

    it('finds contacts by their current name and phone after edits, merges and deletes (the search index follows)', () => {
      const { contacts } = t.store;
      const bob = contacts.findByPhone('+4915100000013');
      if (bob === undefined) throw new Error('Bob is missing');
      contacts.update(bob.id, { phone: '+4915100000099', name: 'Robert Müller', attributes: {} }, 200);
      expect(list({ search: 'bob' }).total).toBe(0);
      expect(list({ search: 'MULLER' }).rows.map((c) => c.name)).toEqual(['Robert Müller']);
      expect(list({ search: '0000013' }).total).toBe(0);
      expect(list({ search: '00000099' }).rows.map((c) => c.name)).toEqual(['Robert Müller']);

      contacts.upsertByPhone({ phone: '+4915100000099', name: 'Rob Meyer', source: 'import', consentNote: '' }, 300);
      expect(list({ search: 'müller' }).total).toBe(0);
      expect(list({ search: 'meyer' }).total).toBe(1);
      // An attribute-only merge leaves the name alone, and so does the index.
      contacts.upsertByPhone({ phone: '+4915100000099', attributes: { city: 'Kiel' }, source: 'import', consentNote: '' }, 400);
      expect(list({ search: 'meyer' }).total).toBe(1);

      contacts.delete(bob.id);
      expect(list({ search: 'meyer' }).total).toBe(0);
      expect(list({ search: '99' }).total).toBe(0);
      const check = t.store.db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all();
      expect(check).toEqual([{ integrity_check: 'ok' }]);
    });

    it('treats every character of a search literally, however short or long', () => {
      const { contacts } = t.store;
      contacts.insert({ phone: '+4915100000020', name: 'Quote "Q" Smith', attributes: {}, source: 'manual', consentNote: '' }, 1);
      contacts.insert({ phone: '+4915100000021', name: 'Star * Or OR', attributes: {}, source: 'manual', consentNote: '' }, 1);
      expect(list({ search: '"q"' }).rows.map((c) => c.name)).toEqual(['Quote "Q" Smith']);
      expect(list({ search: '"' }).rows.map((c) => c.name)).toEqual(['Quote "Q" Smith']);
      expect(list({ search: '* or' }).rows.map((c) => c.name)).toEqual(['Star * Or OR']);
      expect(list({ search: 'or or' }).rows.map((c) => c.name)).toEqual(['Star * Or OR']);
      expect(list({ search: 'a' }).total).toBe(5);
      expect(list({ search: '21' }).rows.map((c) => c.name)).toEqual(['Star * Or OR']);
    });

    it('iterates every matching contact in name order (for the export)', () => {
      expect([...t.store.contacts.iterate('ann')].map((c) => c.name)).toEqual(['Anna Adler', 'anna Berg', 'Jürgen Ann']);
      expect([...t.store.contacts.iterate('  ')]).toHaveLength(7);
    });

    it('pages with a total', () => {
      const first = list({ limit: 3 });
      const second = list({ limit: 3, offset: 3 });
      expect(first.total).toBe(7);
      expect(second.total).toBe(7);
      expect([...first.rows, ...second.rows].map((c) => c.name)).toEqual(list({ limit: 6 }).rows.map((c) => c.name));
      expect(list({ offset: 100 })).toEqual({ rows: [], total: 7 });
    });
  });

  describe('contacts without a phone (known by a WhatsApp id)', () => {
    const integrity = () => {
      const { db } = t.store;
      db.prepare("INSERT INTO contacts_name_search (contacts_name_search) VALUES ('integrity-check')").run();
      db.prepare("INSERT INTO contacts_phone_search (contacts_phone_search) VALUES ('integrity-check')").run();
      return db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all();
    };
    const fromInbound = (fields: { phone?: string | null; whatsappId?: string | null; whatsappLid?: string | null; name?: string }, consentInboundId = 1) =>
      t.store.contacts.insertFromInbound(
        {
          phone: fields.phone ?? null,
          whatsappId: fields.whatsappId ?? null,
          whatsappLid: fields.whatsappLid ?? null,
          name: fields.name ?? '',
          consentNote: 'Wrote to the shop on WhatsApp on 2 Nov 2026, 10:00',
          consentAt: 50,
          consentInboundId,
        },
        60,
      );
    const consentOf = (id: number) =>
      t.store.db
        .prepare<[number], { source: string; consent_note: string; consent_at: number; consent_inbound_id: number | null }>(
          'SELECT source, consent_note, consent_at, consent_inbound_id FROM contacts WHERE id = ?',
        )
        .get(id);

    it('creates one from a message with its consent record, lists, searches, sorts and deletes it', () => {
      const { contacts } = t.store;
      contacts.insert({ phone: '+4915100000001', name: 'Anna', attributes: {}, source: 'manual', consentNote: '' }, 1);
      const lid = fromInbound({ whatsappId: '123456789012345@lid', whatsappLid: '123456789012345@lid', name: 'Zeynep' }, 7);
      expect(contacts.findById(lid)).toEqual({
        id: lid,
        phone: null,
        whatsappId: '123456789012345@lid',
        whatsappStatus: 'on',
        name: 'Zeynep',
        attributes: {},
        optedOutAt: null,
        source: 'inbound',
        createdAt: 60,
        updatedAt: 60,
      });
      expect(consentOf(lid)).toEqual({ source: 'inbound', consent_note: 'Wrote to the shop on WhatsApp on 2 Nov 2026, 10:00', consent_at: 50, consent_inbound_id: 7 });
      expect(contacts.identityByWhatsappId('123456789012345@lid')?.id).toBe(lid);
      expect(contacts.identityByLid('123456789012345@lid')?.id).toBe(lid);
      expect(contacts.identityByPhone('+4915100000001')?.name).toBe('Anna');

      expect(list({ search: 'zey' }).rows.map((c) => c.id)).toEqual([lid]);
      // A phone search never matches someone who has no phone.
      expect(list({ search: '123456' }).total).toBe(0);
      expect(list({ search: '1' }).rows.map((c) => c.name)).toEqual(['Anna']);
      expect(list({ sort: 'phone' }).rows.map((c) => c.phone)).toEqual([null, '+4915100000001']);
      expect(list({ sort: 'phone', direction: 'desc' }).rows.map((c) => c.phone)).toEqual(['+4915100000001', null]);
      expect(integrity()).toEqual([{ integrity_check: 'ok' }]);

      expect(contacts.delete(lid)).toBe(true);
      expect(list({ search: 'zey' }).total).toBe(0);
      expect(integrity()).toEqual([{ integrity_check: 'ok' }]);
    });

    it('pages through contacts without a phone sorted by phone without repeating or skipping one', () => {
      for (let i = 0; i < 5; i++) fromInbound({ whatsappId: `10000${i}@lid`, name: `L${i}` });
      const first = list({ sort: 'phone', limit: 2 });
      const rest = [list({ sort: 'phone', limit: 2, offset: 2 }), list({ sort: 'phone', limit: 2, offset: 4 })];
      expect([...first.rows, ...rest.flatMap((p) => p.rows)].map((c) => c.name)).toEqual(['L0', 'L1', 'L2', 'L3', 'L4']);
    });

    it('takes a phone (edit or identity) and keeps the WhatsApp id it is reached at; the search follows', () => {
      const { contacts } = t.store;
      const id = fromInbound({ whatsappId: '555@lid', whatsappLid: '555@lid', name: 'Zeynep' });
      expect(contacts.update(id, { phone: null, name: 'Zeynep K.', attributes: { city: 'Ulm' } }, 70)).toBe(true);
      expect(contacts.findById(id)).toMatchObject({ phone: null, name: 'Zeynep K.', whatsappId: '555@lid' });

      contacts.update(id, { phone: '+4915100000007', name: 'Zeynep K.', attributes: {} }, 80);
      expect(contacts.findById(id)).toMatchObject({ phone: '+4915100000007', whatsappId: '555@lid', whatsappStatus: 'on' });
      expect(contacts.identityByLid('555@lid')?.id).toBe(id);
      expect(list({ search: '0000007' }).rows.map((c) => c.id)).toEqual([id]);

      // A real change of number: the WhatsApp identity belonged to the old one.
      contacts.update(id, { phone: '+4915100000008', name: 'Zeynep K.', attributes: {} }, 90);
      expect(contacts.identityById(id)).toMatchObject({ phone: '+4915100000008', whatsappId: null, whatsappLid: null, whatsappStatus: null });

      const other = fromInbound({ whatsappId: '777@lid', whatsappLid: '777@lid' });
      expect(contacts.setIdentity(other, { phone: '+4915100000009', whatsappId: '4915100000009@c.us', onWhatsAppAt: 95 }, 95)).toBe(true);
      expect(contacts.identityById(other)).toMatchObject({ phone: '+4915100000009', whatsappId: '4915100000009@c.us', whatsappLid: '777@lid', whatsappStatus: 'on' });
      // A phone is never replaced by a message, only added.
      contacts.setIdentity(other, { phone: '+4915100000010' }, 96);
      expect(contacts.identityById(other)?.phone).toBe('+4915100000009');
      expect(list({ search: '0000009' }).rows.map((c) => c.id)).toEqual([other]);
      expect(contacts.setIdentity(999, { phone: '+4915100000011' }, 97)).toBe(false);
      expect(integrity()).toEqual([{ integrity_check: 'ok' }]);
    });

    it('merges two records of one person: one contact, subscriptions and messages moved, a duplicate live subscription ended', () => {
      const { contacts, db } = t.store;
      const phoneContact = contacts.insert({ phone: '+4915100000001', name: '', attributes: { tier: 'gold' }, source: 'import', consentNote: '' }, 1);
      const lidContact = fromInbound({ whatsappId: '999@lid', whatsappLid: '999@lid', name: 'Zeynep' });
      db.exec(`
        INSERT INTO sequences (id, name, name_key, created_at, updated_at) VALUES (1, 'Welcome', 'welcome', 1, 1), (2, 'Offer', 'offer', 1, 1);
        INSERT INTO subscriptions (id, contact_id, sequence_id, status, source, subscribed_at, created_at, updated_at) VALUES
          (1, ${phoneContact}, 1, 'active', 'import', 1, 1, 1),
          (2, ${lidContact}, 1, 'active', 'auto', 2, 2, 2),
          (3, ${lidContact}, 2, 'paused', 'auto', 2, 2, 2);
        INSERT INTO inbound_messages (id, channel, provider, provider_message_id, from_whatsapp_id, contact_id, received_at, created_at)
          VALUES (1, 'whatsapp', 'whatsapp', 'm1', '999@lid', ${lidContact}, 50, 50);
      `);

      expect(contacts.mergeInto(phoneContact, lidContact, 100, () => 'not opted out')).toEqual({ optedOutAt: null, ended: 0 });
      expect(contacts.findById(lidContact)).toBeUndefined();
      expect(contacts.identityById(phoneContact)).toMatchObject({
        phone: '+4915100000001',
        whatsappId: '999@lid',
        whatsappLid: '999@lid',
        whatsappStatus: 'on',
        name: 'Zeynep',
        optedOutAt: null,
      });
      expect(contacts.findById(phoneContact)?.attributes).toEqual({ tier: 'gold' });
      const subscriptions = db.prepare('SELECT id, contact_id, status, end_reason FROM subscriptions ORDER BY id').all();
      expect(subscriptions).toEqual([
        { id: 1, contact_id: phoneContact, status: 'active', end_reason: null },
        { id: 2, contact_id: phoneContact, status: 'unsubscribed', end_reason: expect.stringContaining('merged') },
        { id: 3, contact_id: phoneContact, status: 'paused', end_reason: null },
      ]);
      expect(db.prepare('SELECT contact_id FROM inbound_messages').all()).toEqual([{ contact_id: phoneContact }]);
      expect(list({ search: 'zeynep' }).rows.map((c) => c.id)).toEqual([phoneContact]);
      expect(list({}).total).toBe(1);
      expect(integrity()).toEqual([{ integrity_check: 'ok' }]);
      expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    });

    it.each([
      { side: 'the record merged away', keepAt: null, goneAt: 40, optedOutAt: 40 },
      { side: 'the kept record', keepAt: 40, goneAt: null, optedOutAt: 40 },
      { side: 'both records (the later opt-out counts)', keepAt: 30, goneAt: 40, optedOutAt: 40 },
    ])('merging with an opted-out record ($side) ends every live subscription the person has, as STOP does', ({ keepAt, goneAt, optedOutAt }) => {
      const { contacts, db } = t.store;
      const phoneContact = contacts.insert({ phone: '+4915100000001', name: 'Anna', attributes: {}, source: 'import', consentNote: '' }, 1);
      const lidContact = fromInbound({ whatsappId: '999@lid', whatsappLid: '999@lid' });
      db.exec(`
        INSERT INTO sequences (id, name, name_key, created_at, updated_at) VALUES (1, 'Welcome', 'welcome', 1, 1), (2, 'Offer', 'offer', 1, 1);
        INSERT INTO messages (id, sequence_id, position, name, body, delay_amount, delay_unit, created_at, updated_at)
          VALUES (1, 1, 1, 'Hi', 'Hi', 1, 'hours', 1, 1), (2, 2, 1, 'Deal', 'Deal', 1, 'hours', 1, 1);
        INSERT INTO subscriptions (id, contact_id, sequence_id, status, source, subscribed_at, next_message_id, next_due_at, created_at, updated_at) VALUES
          (1, ${phoneContact}, 1, 'active', 'import', 1, 1, 3600001, 1, 1),
          (2, ${lidContact}, 2, 'paused', 'auto', 2, 2, NULL, 2, 2),
          (3, ${lidContact}, 1, 'completed', 'auto', 2, NULL, NULL, 2, 2);
        UPDATE contacts SET opted_out_at = ${keepAt ?? 'NULL'} WHERE id = ${phoneContact};
        UPDATE contacts SET opted_out_at = ${goneAt ?? 'NULL'} WHERE id = ${lidContact};
      `);

      expect(contacts.mergeInto(phoneContact, lidContact, 100, (at) => `Replied STOP at ${at}`)).toEqual({ optedOutAt, ended: 2 });
      expect(contacts.identityById(phoneContact)?.optedOutAt).toBe(optedOutAt);
      expect(db.prepare('SELECT id, contact_id, status, end_reason, next_message_id, next_due_at, updated_at FROM subscriptions ORDER BY id').all()).toEqual([
        { id: 1, contact_id: phoneContact, status: 'unsubscribed', end_reason: 'Replied STOP at 40', next_message_id: null, next_due_at: null, updated_at: 100 },
        { id: 2, contact_id: phoneContact, status: 'unsubscribed', end_reason: 'Replied STOP at 40', next_message_id: null, next_due_at: null, updated_at: 100 },
        { id: 3, contact_id: phoneContact, status: 'completed', end_reason: null, next_message_id: null, next_due_at: null, updated_at: 2 },
      ]);
    });

    it('tells which of a set of phones opted out, and when; opts out and back in', () => {
      const { contacts } = t.store;
      const anna = contacts.insert({ phone: '+4915100000001', name: 'Anna', attributes: {}, source: 'manual', consentNote: '' }, 1);
      contacts.insert({ phone: '+4915100000002', name: 'Bob', attributes: {}, source: 'manual', consentNote: '' }, 1);
      expect(contacts.setOptedOut(anna, 500, 501)).toBe(true);
      expect(contacts.optedOutByPhone(['+4915100000001', '+4915100000002', '+4915100000003'])).toEqual(new Map([['+4915100000001', 500]]));
      expect(contacts.findById(anna)).toMatchObject({ optedOutAt: 500, updatedAt: 501 });
      contacts.setOptedOut(anna, null, 600);
      expect(contacts.optedOutByPhone(['+4915100000001'])).toEqual(new Map());
      expect(contacts.setOptedOut(999, 1, 1)).toBe(false);
    });
  });

  describe('withBatchedIndexing (bulk writes, as the CSV import does them)', () => {
    const integrity = () => t.store.db.prepare<[], { integrity_check: string }>('PRAGMA integrity_check').all();
    const contact = (phone: string, name: string) => ({ phone, name, attributes: {}, source: 'import' as const, consentNote: '' });

    it('makes contacts created in the batch searchable once it ends, with the names and phones they ended with', () => {
      const { contacts } = t.store;
      const existing = contacts.insert(contact('+4915100000001', 'Anna Alt'), 1);
      t.store.write(() =>
        contacts.withBatchedIndexing(() => {
          contacts.upsertByPhone(contact('+4915100000002', 'Berta Neu'), 2);
          const renamed = contacts.insert(contact('+4915100000003', 'Carl Vorher'), 2);
          contacts.update(renamed, { phone: '+4915100000033', name: 'Carl Nachher', attributes: {} }, 3);
          const gone = contacts.insert(contact('+4915100000004', 'Dora Weg'), 2);
          contacts.delete(gone);
          // An existing contact is re-indexed at once, as outside a batch.
          contacts.update(existing, { phone: '+4915100000001', name: 'Anna Umbenannt', attributes: {} }, 3);
          expect(list({ search: 'umbenannt' }).total).toBe(1);
        }),
      );

      expect(list({ search: 'berta' }).rows.map((c) => c.name)).toEqual(['Berta Neu']);
      expect(list({ search: 'nachher' }).rows.map((c) => c.name)).toEqual(['Carl Nachher']);
      expect(list({ search: 'vorher' }).total).toBe(0);
      expect(list({ search: '0000033' }).rows.map((c) => c.name)).toEqual(['Carl Nachher']);
      expect(list({ search: '0000003' }).rows.map((c) => c.name)).toEqual(['Carl Nachher']);
      expect(list({ search: 'dora' }).total).toBe(0);
      expect(list({ search: 'anna alt' }).total).toBe(0);
      expect(integrity()).toEqual([{ integrity_check: 'ok' }]);
    });

    it('creates many contacts in one statement, in order, searchable once the batch ends', () => {
      const { contacts } = t.store;
      contacts.insert(contact('+4915100000001', 'Anna Alt'), 1);
      const ids = t.store.write(() =>
        contacts.withBatchedIndexing(() =>
          contacts.insertMany(
            [
              { phone: '+4915100000002', name: 'Björn Öztürk', attributes: { car: 'Golf "GTI"' } },
              { phone: '+4915100000003', name: '', attributes: {} },
            ],
            'import',
            'Imported from a.csv',
            5,
          ),
        ),
      );
      expect(ids.map((id) => contacts.findById(id)?.phone)).toEqual(['+4915100000002', '+4915100000003']);
      expect(contacts.findById(ids[0] ?? 0)).toMatchObject({ name: 'Björn Öztürk', attributes: { car: 'Golf "GTI"' }, source: 'import', createdAt: 5 });
      expect(list({ search: 'bjorn oz' }).rows.map((c) => c.phone)).toEqual(['+4915100000002']);
      expect(list({ search: '0000003' }).rows.map((c) => c.phone)).toEqual(['+4915100000003']);
      expect(contacts.idsByPhone(['+4915100000003', '+4915199999999'])).toEqual(new Map([['+4915100000003', ids[1]]]));
      expect(integrity()).toEqual([{ integrity_check: 'ok' }]);
      // Unindexed rows outside a batch would make search lie: refused.
      expect(() => t.store.write(() => contacts.insertMany([{ phone: '+4915100000004', name: 'X', attributes: {} }], 'import', '', 6))).toThrow(
        /withBatchedIndexing/,
      );
    });

    it('leaves contacts and search untouched when the batch throws, and runs only inside a transaction', () => {
      const { contacts } = t.store;
      contacts.insert(contact('+4915100000001', 'Anna'), 1);
      expect(() =>
        t.store.write(() =>
          contacts.withBatchedIndexing(() => {
            contacts.insert(contact('+4915100000002', 'Berta'), 2);
            throw new Error('cancelled');
          }),
        ),
      ).toThrow('cancelled');
      expect(list({}).rows.map((c) => c.name)).toEqual(['Anna']);
      expect(list({ search: 'berta' }).total).toBe(0);

      // After a failed batch the repository indexes row by row again.
      contacts.insert(contact('+4915100000003', 'Carla'), 3);
      expect(list({ search: 'carla' }).total).toBe(1);
      expect(() => contacts.withBatchedIndexing(() => undefined)).toThrow('inside a transaction');
      expect(integrity()).toEqual([{ integrity_check: 'ok' }]);
    });
  });
});
