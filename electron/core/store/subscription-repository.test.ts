import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscriptionStatuses, type SubscriptionStatus } from '../../../shared/contract';
import { foldForSearch } from './search-key';
import type { SubscriberListQuery, SubscriberSort } from './subscription-repository';
import { openTempStore, type TempStore } from './test-store';

describe('SubscriptionRepository', () => {
  let t: TempStore;
  let seq: number;
  beforeEach(() => {
    t = openTempStore();
    seq = t.store.sequences.insert({ name: 'Welcome', description: '', active: true, channel: null }, 1);
  });
  afterEach(() => t.cleanup());

  const contact = (phone: string, name = ''): number =>
    t.store.contacts.insert({ phone, name, attributes: {}, source: 'manual', consentNote: '' }, 1);

  it('inserts an active subscription, and answers undefined (writing nothing) when one is already live', () => {
    const { subscriptions } = t.store;
    const anna = contact('+4915100000001', 'Anna');
    const fields = { contactId: anna, sequenceId: seq, source: 'import' as const, subscribedAt: 5, nextMessageId: null, nextDueAt: null };
    const id = subscriptions.insertActive(fields, 10);
    expect(id).toBeDefined();
    expect(subscriptions.insertActive(fields, 11)).toBeUndefined();
    expect(subscriptions.findLive(anna, seq)).toEqual({ id, status: 'active' });

    if (id === undefined) throw new Error('unreachable');
    subscriptions.setState(id, 'paused', { nextMessageId: null, nextDueAt: null }, 12);
    expect(subscriptions.insertActive(fields, 13)).toBeUndefined();
    subscriptions.setState(id, 'unsubscribed', { nextMessageId: null, nextDueAt: null }, 14);
    expect(subscriptions.findLive(anna, seq)).toBeUndefined();
    const again = subscriptions.insertActive(fields, 15);
    expect(again).not.toBe(id);
    expect(subscriptions.findById(again ?? 0)).toMatchObject({ status: 'active', source: 'import', subscribedAt: 5, name: 'Anna', sentCount: 0 });
  });

  it('subscribes many contacts in one go with the same start, leaving those already live alone', () => {
    const { subscriptions } = t.store;
    const [anna, bob, carl, dora] = ['+4915100000001', '+4915100000002', '+4915100000003', '+4915100000004'].map((phone) => contact(phone));
    if (anna === undefined || bob === undefined || carl === undefined || dora === undefined) throw new Error('unreachable');
    const start = { sequenceId: seq, source: 'import' as const, subscribedAt: 5, nextMessageId: null, nextDueAt: 99 };
    const bobsLive = subscriptions.insertActive({ ...start, contactId: bob, source: 'manual' }, 1);
    const carlsEnded = subscriptions.insertActive({ ...start, contactId: carl }, 1) ?? 0;
    subscriptions.setState(carlsEnded, 'completed', { nextMessageId: null, nextDueAt: null }, 2);

    expect(subscriptions.insertActiveMany([anna, bob, carl, dora], start, 10)).toBe(3);
    expect(subscriptions.insertActiveMany([], start, 11)).toBe(0);

    expect(subscriptions.findLive(bob, seq)).toEqual({ id: bobsLive, status: 'active' });
    expect(subscriptions.findById(bobsLive ?? 0)).toMatchObject({ source: 'manual', subscribedAt: 5 });
    for (const id of [anna, carl, dora]) {
      const live = subscriptions.findLive(id, seq);
      expect(live?.status).toBe('active');
      expect(subscriptions.findById(live?.id ?? 0)).toMatchObject({ source: 'import', subscribedAt: 5, nextDueAt: 99 });
    }
    expect(subscriptions.findLive(carl, seq)?.id).not.toBe(carlsEnded);
  });

  it('keeps a due time on active subscriptions only, whatever a caller passes (the engine counts due rows from the index alone)', () => {
    const { subscriptions } = t.store;
    const start = { sequenceId: seq, source: 'manual' as const, subscribedAt: 1, nextMessageId: null, nextDueAt: 50 };
    const id = subscriptions.insertActive({ ...start, contactId: contact('+4915100000001') }, 1) ?? 0;
    const due = () => subscriptions.findState(id)?.nextDueAt;

    subscriptions.setState(id, 'paused', { nextMessageId: null, nextDueAt: 60 }, 2);
    expect(due()).toBeNull();
    subscriptions.setNext(id, { nextMessageId: null, nextDueAt: 70 }, 3);
    subscriptions.setNextDue(id, 80, 4);
    expect(due()).toBeNull();

    subscriptions.setState(id, 'active', { nextMessageId: null, nextDueAt: 90 }, 5);
    expect(due()).toBe(90);
    subscriptions.setNextDue(id, 95, 6);
    expect(due()).toBe(95);
    subscriptions.setState(id, 'completed', { nextMessageId: null, nextDueAt: 99 }, 7);
    expect(due()).toBeNull();
  });

  it('iterates subscribers with their contact attributes', () => {
    const id = t.store.contacts.insert({ phone: '+4915100000001', name: 'Anna', attributes: { city: 'Köln' }, source: 'manual', consentNote: '' }, 1);
    t.store.subscriptions.insertActive({ contactId: id, sequenceId: seq, source: 'manual', subscribedAt: 1, nextMessageId: null, nextDueAt: null }, 1);
    expect([...t.store.subscriptions.iterateBySequence(seq)]).toEqual([expect.objectContaining({ name: 'Anna', attributes: { city: 'Köln' } })]);
  });

  it("lists a contact's subscriptions with sequence names, and memberships for a page of contacts", () => {
    const { subscriptions, sequences } = t.store;
    const offers = sequences.insert({ name: 'Offers', description: '', active: true, channel: null }, 1);
    const anna = contact('+4915100000001', 'Anna');
    const bob = contact('+4915100000002', 'Bob');
    const nobody = contact('+4915100000003');
    const base = { source: 'manual' as const, subscribedAt: 1, nextMessageId: null, nextDueAt: null };
    subscriptions.insertActive({ ...base, contactId: anna, sequenceId: seq }, 1);
    subscriptions.insertActive({ ...base, contactId: anna, sequenceId: offers }, 1);
    subscriptions.insertActive({ ...base, contactId: bob, sequenceId: offers }, 1);

    expect(subscriptions.listByContact(anna).map((s) => [s.sequenceName, s.status])).toEqual([
      ['Offers', 'active'],
      ['Welcome', 'active'],
    ]);
    const memberships = subscriptions.membershipsOf([anna, bob, nobody]);
    expect(memberships.get(anna)?.map((m) => m.sequenceName)).toEqual(['Offers', 'Welcome']);
    expect(memberships.get(bob)).toEqual([{ subscriptionId: expect.any(Number), sequenceId: offers, sequenceName: 'Offers', status: 'active' }]);
    expect(memberships.get(nobody)).toEqual([]);
    expect(subscriptions.membershipsOf([]).size).toBe(0);
  });
});

/**
 * Paging, search, filter and sort against a plain-JavaScript model of the same rows. The large
 * sequence (over the repository's small-set threshold) goes through every query strategy; the
 * small one through the read-everything path.
 */
describe('SubscriptionRepository.list', () => {
  interface Model {
    id: number;
    nameKey: string;
    phone: string;
    status: SubscriptionStatus;
    subscribedAt: number;
    lastSentAt: number | null;
    nextDueAt: number | null;
  }

  const LARGE = 6000;
  const SMALL = 300;
  const firstNames = ['Anna', 'Bernd', 'Carla', 'Dieter', 'Émile', 'anna-lena', 'Jürgen', 'Zoë'];
  let t: TempStore;
  let large: number;
  let small: number;
  const models = new Map<number, Model[]>();

  beforeAll(() => {
    t = openTempStore();
    const { store } = t;
    large = store.sequences.insert({ name: 'Large', description: '', active: true, channel: null }, 1);
    small = store.sequences.insert({ name: 'Small', description: '', active: true, channel: null }, 1);
    const message = store.messages.append(large, { name: 'M', body: '', mediaId: null, delayAmount: 1, delayUnit: 'days', sendAt: null }, true, 1);
    const setProgress = store.db.prepare(
      'UPDATE subscriptions SET status = @status, last_sent_at = @lastSentAt, last_sent_message_id = @lastSent WHERE id = @id',
    );
    models.set(large, []);
    models.set(small, []);
    store.write(() => {
      for (let i = 0; i < LARGE; i++) {
        const name = i % 97 === 0 ? '' : `${firstNames[i % firstNames.length]} Nr${i % 1500}`;
        const phone = `+4915${String(20000000 + ((i * 7919) % 1_000_000)).padStart(8, '0')}`;
        const id = store.contacts.insert({ phone, name, attributes: {}, source: 'import', consentNote: '' }, 1);
        const inSmall = i % 20 === 0;
        for (const sequenceId of inSmall ? [large, small] : [large]) {
          // Many ties on purpose: the id tiebreak must keep pages stable.
          const row: Omit<Model, 'id'> = {
            nameKey: foldForSearch(name),
            phone,
            status: subscriptionStatuses[(i * 7) % subscriptionStatuses.length] ?? 'active',
            subscribedAt: 1000 + (i % 50) * 60_000,
            lastSentAt: i % 3 === 0 ? null : 5000 + (i % 40),
            nextDueAt: i % 4 === 0 ? null : 9000 + (i % 30),
          };
          const subId = store.subscriptions.insertActive(
            { contactId: id, sequenceId, source: 'import', subscribedAt: row.subscribedAt, nextMessageId: row.nextDueAt === null ? null : message, nextDueAt: row.nextDueAt },
            1,
          );
          if (subId === undefined) throw new Error('not inserted');
          setProgress.run({ id: subId, status: row.status, lastSentAt: row.lastSentAt, lastSent: row.lastSentAt === null ? null : message });
          models.get(sequenceId)?.push({ id: subId, ...row });
        }
      }
    });
    expect(models.get(large)).toHaveLength(LARGE);
    expect(models.get(small)).toHaveLength(SMALL);
  });
  afterAll(() => t.cleanup());

  type Key = string | number | null;
  const keyOf: Record<SubscriberSort, (m: Model) => Key[]> = {
    name: (m) => [m.nameKey],
    phone: (m) => [m.phone],
    status: (m) => [m.status],
    subscribedAt: (m) => [m.subscribedAt],
    lastSentAt: (m) => [m.lastSentAt],
    nextDueAt: (m) => [m.nextDueAt === null ? 1 : 0, m.nextDueAt],
  };
  // SQLite: NULL sorts before everything; text by code point (the names here are ASCII once folded).
  const compareKey = (a: Key, b: Key): number => {
    if (a === b) return 0;
    if (a === null) return -1;
    if (b === null) return 1;
    return a < b ? -1 : 1;
  };

  function expected(sequenceId: number, q: Omit<SubscriberListQuery, 'sequenceId'>): { ids: number[]; total: number } {
    const term = foldForSearch(q.search.trim());
    const digits = /^[\d\s+()\-./]+$/.test(term) ? term.replace(/\D/g, '') : '';
    const matching = (models.get(sequenceId) ?? []).filter(
      (m) =>
        (q.status === null || m.status === q.status) &&
        (term === '' || m.nameKey.includes(term) || (digits !== '' && m.phone.includes(digits))),
    );
    const sign = q.direction === 'desc' ? -1 : 1;
    matching.sort((a, b) => {
      const ka = keyOf[q.sort](a);
      const kb = keyOf[q.sort](b);
      for (let i = 0; i < ka.length; i++) {
        const c = compareKey(ka[i] ?? null, kb[i] ?? null);
        if (c !== 0) return sign * c;
      }
      return sign * (a.id - b.id);
    });
    return { ids: matching.slice(q.offset, q.offset + q.limit).map((m) => m.id), total: matching.length };
  }

  const sorts: SubscriberSort[] = ['name', 'phone', 'status', 'subscribedAt', 'lastSentAt', 'nextDueAt'];
  // Long enough for the trigram indexes, too short for them (scanned), phone-like, and with
  // characters that mean something to a full-text query.
  const searches = ['', 'anna', 'NR12', 'emile nr1', '2000', '+49 152', 'zzz', 'a', '15', 'n"r', 'nr1 OR', '(1)'];

  it.each(sorts)('matches the model for every search, filter, direction and page, sorted by %s', (sort) => {
    for (const sequenceId of [large, small]) {
      for (const search of searches) {
        for (const status of [null, 'active', 'failed'] as const) {
          for (const direction of ['asc', 'desc'] as const) {
            for (const [offset, limit] of [
              [0, 50],
              [120, 100],
              [4950, 100],
            ] as const) {
              const query = { search, status, sort, direction, offset, limit };
              const got = t.store.subscriptions.list({ sequenceId, ...query });
              const want = expected(sequenceId, query);
              const label = JSON.stringify({ sequenceId, ...query });
              expect(got.total, label).toBe(want.total);
              expect(
                got.rows.map((r) => r.id),
                label,
              ).toEqual(want.ids);
            }
          }
        }
      }
    }
  });

  it('returns full rows: contact, status, times and message references', () => {
    const { rows } = t.store.subscriptions.list({ sequenceId: large, search: '', status: null, sort: 'subscribedAt', direction: 'asc', offset: 0, limit: 5 });
    const withMessage = rows.find((r) => r.nextDueAt !== null);
    expect(withMessage).toMatchObject({ sequenceId: large, source: 'import', nextMessage: { name: 'M', position: 1 } });
    const withoutMessage = rows.find((r) => r.lastSentAt === null);
    expect(withoutMessage?.lastSentMessage).toBeNull();
  });

  it('iterates every subscriber of a sequence with the contact attributes, in subscription order (for the export)', () => {
    const all = [...t.store.subscriptions.iterateBySequence(small)];
    expect(all.map((s) => s.id)).toEqual(expected(small, { search: '', status: null, sort: 'subscribedAt', direction: 'asc', offset: 0, limit: SMALL }).ids);
    expect(all[0]).toMatchObject({ sequenceId: small, attributes: {} });
  });

  it('answers an empty page for a sequence without subscribers, and past the end', () => {
    const empty = t.store.sequences.insert({ name: 'Empty', description: '', active: true, channel: null }, 1);
    const q = { search: '', status: null, sort: 'name' as const, direction: 'asc' as const, offset: 0, limit: 10 };
    expect(t.store.subscriptions.list({ sequenceId: empty, ...q })).toEqual({ rows: [], total: 0 });
    expect(t.store.subscriptions.list({ sequenceId: small, ...q, offset: 10_000 })).toEqual({ rows: [], total: SMALL });
    expect(t.store.subscriptions.list({ sequenceId: small, ...q, search: 'anna', offset: 10_000 }).rows).toEqual([]);
  });
});
