import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DelayUnit } from '../../../shared/contract';
import type { SubscriptionState } from '../store/subscription-repository';
import { openTempStore, type TempStore } from '../store/test-store';
import {
  SYNC_RECOMPUTE_MAX,
  continueRecompute,
  firstDue,
  nextMessageOf,
  pendingRecompute,
  recomputeForSequence,
  recomputedNext,
  type DueContext,
  type ProgressMessage,
} from './subscription-progress';

const T0 = Date.UTC(2026, 10, 2, 9, 0); // Monday 10:00 in Berlin
const HOUR = 3_600_000;
const BERLIN = 'Europe/Berlin';
const at = (now: number): DueContext => ({ timeZone: BERLIN, now });

const msg = (id: number, position: number, enabled = true, delayAmount = 1, delayUnit: DelayUnit = 'hours'): ProgressMessage => ({
  id,
  position,
  enabled,
  delayAmount,
  delayUnit,
  sendAt: null,
});

describe('progress rules (pure)', () => {
  const messages = [msg(10, 1), msg(11, 2, false), msg(12, 3), msg(13, 4)];

  it('takes the first enabled message after the last one sent, skipping disabled ones', () => {
    expect(nextMessageOf(messages, { lastSentPosition: 0, received: new Set() })?.id).toBe(10);
    expect(nextMessageOf(messages, { lastSentPosition: 1, received: new Set([10]) })?.id).toBe(12);
    expect(nextMessageOf(messages, { lastSentPosition: 4, received: new Set() })).toBeUndefined();
  });

  it('never picks a message already received, wherever it now sits', () => {
    expect(nextMessageOf(messages, { lastSentPosition: 1, received: new Set([12]) })?.id).toBe(13);
  });

  it('schedules the first message from the start, and nothing when no message is enabled', () => {
    expect(firstDue(messages, T0, at(T0))).toEqual({ nextMessageId: 10, nextDueAt: T0 + HOUR });
    expect(firstDue([msg(1, 1, false)], T0, at(T0))).toEqual({ nextMessageId: null, nextDueAt: null });
    expect(firstDue([], T0, at(T0))).toEqual({ nextMessageId: null, nextDueAt: null });
  });

  it('makes a first message whose time has passed due now (a start in the past)', () => {
    expect(firstDue(messages, T0 - 10 * HOUR, at(T0))).toEqual({ nextMessageId: 10, nextDueAt: T0 });
  });

  describe('recomputedNext', () => {
    const state = (overrides: Partial<SubscriptionState>): SubscriptionState => ({
      id: 1,
      contactId: 1,
      sequenceId: 1,
      status: 'active',
      subscribedAt: T0,
      lastSentMessageId: null,
      lastSentPosition: 0,
      lastSentAt: null,
      nextMessageId: 10,
      nextDueAt: T0 + HOUR,
      ...overrides,
    });

    it('reckons from the last send, or from the subscription before the first', () => {
      expect(recomputedNext(state({}), messages, new Set(), at(T0))).toEqual({ nextMessageId: 10, nextDueAt: T0 + HOUR });
      const afterFirst = state({ lastSentMessageId: 10, lastSentPosition: 1, lastSentAt: T0 + 2 * HOUR });
      expect(recomputedNext(afterFirst, messages, new Set(), at(T0 + 2 * HOUR))).toEqual({ nextMessageId: 12, nextDueAt: T0 + 3 * HOUR });
    });

    it('makes a time that has passed due now, but keeps an overdue time for the same message', () => {
      // Was waiting for another message: the new one is due now.
      const waitingForOther = state({ nextMessageId: 99, nextDueAt: T0 + 50 * HOUR });
      expect(recomputedNext(waitingForOther, messages, new Set(), at(T0 + 5 * HOUR))).toEqual({ nextMessageId: 10, nextDueAt: T0 + 5 * HOUR });
      // Already overdue for this very message (the computer was off): it keeps its place in the queue.
      const overdue = state({ nextDueAt: T0 + 2 * HOUR });
      expect(recomputedNext(overdue, messages, new Set(), at(T0 + 5 * HOUR))).toEqual({ nextMessageId: 10, nextDueAt: T0 + 2 * HOUR });
    });
  });
});

describe('recomputeForSequence', () => {
  let t: TempStore;
  let seq: number;
  let now: number;

  beforeEach(() => {
    t = openTempStore();
    now = T0;
    seq = t.store.sequences.insert({ name: 'Welcome', description: '', active: true, channel: null }, now);
  });
  afterEach(() => t.cleanup());

  const addMessage = (name: string, delayHours = 1, enabled = true): number =>
    t.store.messages.append(seq, { name, body: '', mediaId: null, delayAmount: delayHours, delayUnit: 'hours', sendAt: null }, enabled, now);

  let phoneSuffix = 1000;
  const subscribe = (status: 'active' | 'paused' | 'completed' = 'active'): number => {
    const { store } = t;
    const contact = store.contacts.insert(
      { phone: `+4915112345${phoneSuffix++}`, name: '', attributes: {}, source: 'manual', consentNote: '' },
      now,
    );
    const next = firstDue(store.messages.listBySequence(seq), now, at(now));
    const id = store.subscriptions.insertActive({ contactId: contact, sequenceId: seq, source: 'manual', subscribedAt: now, ...next }, now);
    if (id === undefined) throw new Error('not subscribed');
    // Only active subscriptions have a due time (migration 0006).
    if (status !== 'active') store.subscriptions.setState(id, status, { ...next, nextDueAt: null }, now);
    return id;
  };

  /** What the engine will do on a send: a delivery, the progress, and the next message. */
  const send = (subscriptionId: number, messageId: number): void => {
    const { store } = t;
    store.deliveries.insert({ subscriptionId, messageId, channel: 'whatsapp', status: 'sent', dueAt: now, sentAt: now }, now);
    store.db
      .prepare(
        `UPDATE subscriptions SET last_sent_message_id = @messageId, last_sent_at = @now, sent_count = sent_count + 1,
                last_sent_position = (SELECT position FROM messages WHERE id = @messageId)
         WHERE id = @subscriptionId`,
      )
      .run({ subscriptionId, messageId, now });
    recompute();
  };

  const recompute = (): number => t.store.write(() => recomputeForSequence(t.store, seq, at(now)));
  const next = (id: number) => {
    const state = t.store.subscriptions.findState(id);
    return state && { id: state.nextMessageId, due: state.nextDueAt };
  };
  const reorder = (...ids: number[]): void => t.store.messages.renumber(seq, ids);

  it('skips a disabled message rather than waiting for it, and sends it again only to those who have not passed it', () => {
    const a = addMessage('A');
    const b = addMessage('B');
    const c = addMessage('C', 2);
    const ahead = subscribe();
    const behind = subscribe();
    now += HOUR;
    send(ahead, a);
    t.store.messages.setEnabled(b, false, now);
    recompute();
    // From the last send: C's own delay of 2 hours.
    expect(next(ahead)).toEqual({ id: c, due: now + 2 * HOUR });
    expect(next(behind)).toEqual({ id: a, due: T0 + HOUR });

    now += 3 * HOUR;
    send(ahead, c);
    expect(next(ahead)).toEqual({ id: null, due: null });
    t.store.messages.setEnabled(b, true, now);
    recompute();
    // B sits before C, which they have had: it is not sent to them.
    expect(next(ahead)).toEqual({ id: null, due: null });
  });

  it('keeps a subscriber on the message being sent, with no due time, active or paused', () => {
    const a = addMessage('A');
    const active = subscribe();
    const paused = subscribe('paused');
    for (const id of [active, paused]) {
      t.store.deliveries.insert({ subscriptionId: id, messageId: a, channel: 'sms', status: 'claimed', dueAt: now, claimedAt: now, deliveryKey: `sa-${id}` }, now);
      t.store.subscriptions.setNext(id, { nextMessageId: a, nextDueAt: null }, now);
    }
    addMessage('B', 2);
    expect(recompute()).toBe(0);
    expect(next(active)).toEqual({ id: a, due: null });
    expect(next(paused)).toEqual({ id: a, due: null });
  });

  it('never resends a message because of a reorder', () => {
    const a = addMessage('A');
    const b = addMessage('B');
    const c = addMessage('C');
    const sub = subscribe();
    now += HOUR;
    send(sub, a);
    now += HOUR;
    send(sub, b);
    expect(next(sub)?.id).toBe(c);

    reorder(b, a, c);
    recompute();
    // Their last message is now first; A, after it, was received: C is still next.
    expect(next(sub)?.id).toBe(c);
    expect(t.store.subscriptions.findState(sub)?.lastSentPosition).toBe(1);

    reorder(c, a, b);
    recompute();
    // C moved before their position: they have passed it. A, after it, was received.
    expect(next(sub)).toEqual({ id: null, due: null });
  });

  it('does not send a message inserted before a subscriber\'s position, but does to those who have not reached it', () => {
    const a = addMessage('A');
    const b = addMessage('B');
    const started = subscribe();
    now += HOUR;
    send(started, a);
    const fresh = subscribe();

    const intro = addMessage('Intro', 0);
    reorder(intro, a, b);
    recompute();
    expect(next(started)?.id).toBe(b);
    expect(next(fresh)).toEqual({ id: intro, due: now });
  });

  it('reaches active and paused subscribers with an appended message, but never revives a completed one', () => {
    const a = addMessage('A');
    const active = subscribe();
    const paused = subscribe();
    const completed = subscribe();
    now += HOUR;
    for (const id of [active, paused, completed]) send(id, a);
    t.store.subscriptions.setState(paused, 'paused', { nextMessageId: null, nextDueAt: null }, now);
    t.store.subscriptions.setState(completed, 'completed', { nextMessageId: null, nextDueAt: null }, now);

    now += HOUR;
    const appended = addMessage('Offer', 24);
    expect(recompute()).toBe(2);
    const lastSent = now - HOUR;
    expect(next(active)).toEqual({ id: appended, due: lastSent + 24 * HOUR });
    // Paused: the message they will get when resumed, with no due time until then.
    expect(next(paused)).toEqual({ id: appended, due: null });
    expect(next(completed)).toEqual({ id: null, due: null });
    expect(t.store.subscriptions.findState(completed)?.status).toBe('completed');
  });

  it('makes a recomputed time that has passed due now, never in a burst of old times', () => {
    const a = addMessage('A', 48);
    const sub = subscribe();
    now += 5 * HOUR;
    t.store.messages.update(a, { name: 'A', body: '', mediaId: null, delayAmount: 1, delayUnit: 'hours', sendAt: null }, now);
    recompute();
    expect(next(sub)).toEqual({ id: a, due: now });
  });

  it('writes only the subscriptions whose next message or time changed', () => {
    addMessage('A');
    subscribe();
    subscribe();
    expect(recompute()).toBe(0);
    addMessage('B');
    expect(recompute()).toBe(0);
  });

  it('keeps progress when the last message sent is deleted: its successor is next, reckoned from the send', () => {
    const a = addMessage('A');
    const b = addMessage('B');
    const c = addMessage('C', 3);
    const sub = subscribe();
    now += HOUR;
    send(sub, a);
    now += HOUR;
    send(sub, b);
    const sentAt = now;

    // What MessageService.delete does, in its transaction.
    t.store.write(() => {
      t.store.subscriptions.shiftForDeletedMessage(seq, 2);
      t.store.messages.delete(b);
      t.store.messages.renumber(seq, [a, c]);
      recomputeForSequence(t.store, seq, at(now));
    });
    expect(t.store.subscriptions.findState(sub)).toMatchObject({ lastSentMessageId: null, lastSentPosition: 1, lastSentAt: sentAt });
    expect(next(sub)).toEqual({ id: c, due: sentAt + 3 * HOUR });
  });

  it('keeps that place when an earlier message is deleted afterwards, and moves nobody else', () => {
    const a = addMessage('A');
    const b = addMessage('B');
    const c = addMessage('C');
    const d = addMessage('D', 5);
    const orphan = subscribe();
    const other = subscribe();
    now += HOUR;
    for (const id of [orphan, other]) send(id, a);
    send(orphan, b);
    send(other, b);
    send(other, c);
    const deleteAt = (position: number, id: number, rest: number[]): number =>
      t.store.write(() => {
        const touched = t.store.subscriptions.shiftForDeletedMessage(seq, position);
        t.store.messages.delete(id);
        t.store.messages.renumber(seq, rest);
        recomputeForSequence(t.store, seq, at(now));
        return touched;
      });

    // B goes: the orphan's last message. Both had received it.
    expect(deleteAt(2, b, [a, c, d])).toBe(2);
    expect(t.store.subscriptions.findState(orphan)?.lastSentPosition).toBe(1);
    expect(next(orphan)?.id).toBe(c);
    // A goes: everyone's place moves up with the messages after it.
    expect(deleteAt(1, a, [c, d])).toBe(3);
    expect(t.store.subscriptions.findState(orphan)).toMatchObject({ lastSentMessageId: null, lastSentPosition: 0 });
    expect(t.store.subscriptions.findState(other)).toMatchObject({ lastSentMessageId: c, lastSentPosition: 1 });
    expect(next(orphan)?.id).toBe(c);
    expect(next(other)?.id).toBe(d);
  });
});

/**
 * A sequence with more live subscribers than an edit recomputes in its own transaction: the edit
 * queues the work, and slices (what the runner commits one by one) finish it.
 */
describe('recompute of a large sequence', () => {
  const COUNT = SYNC_RECOMPUTE_MAX + 600;
  let t: TempStore;
  let seq: number;
  let first: number;
  let second: number;
  let ids: number[];
  const now = T0 + 30 * 60_000;

  beforeEach(() => {
    t = openTempStore();
    const { store } = t;
    seq = store.sequences.insert({ name: 'Big', description: '', active: true, channel: null }, T0);
    first = store.messages.append(seq, { name: 'A', body: '', mediaId: null, delayAmount: 1, delayUnit: 'hours', sendAt: null }, true, T0);
    second = store.messages.append(seq, { name: 'B', body: '', mediaId: null, delayAmount: 2, delayUnit: 'days', sendAt: '09:00' }, true, T0);
    ids = store.write(() =>
      Array.from({ length: COUNT }, (_, i) => {
        const contactId = store.contacts.insert({ phone: `+49151${20_000_000 + i}`, name: '', attributes: {}, source: 'import', consentNote: '' }, T0);
        const subscribedAt = T0 - i * 60_000;
        const next = firstDue(store.messages.listBySequence(seq), subscribedAt, at(subscribedAt));
        const id = store.subscriptions.insertActive({ contactId, sequenceId: seq, source: 'import', subscribedAt, ...next }, T0);
        if (id === undefined) throw new Error('not subscribed');
        // Every third is paused; every fifth has had the first message.
        if (i % 3 === 0) store.subscriptions.setState(id, 'paused', { ...next, nextDueAt: null }, T0);
        if (i % 5 === 0) {
          store.deliveries.insert({ subscriptionId: id, messageId: first, channel: 'test', status: 'sent', dueAt: T0, sentAt: T0 }, T0);
          store.db
            .prepare('UPDATE subscriptions SET last_sent_message_id = ?, last_sent_position = 1, last_sent_at = ? WHERE id = ?')
            .run(first, T0 - i * 1000, id);
        }
        return id;
      }),
    );
  });
  afterEach(() => t.cleanup());

  /** What every subscription's next message and time must be, by the pure rules. */
  const expectedNexts = (): Map<number, { nextMessageId: number | null; nextDueAt: number | null }> => {
    const { store } = t;
    const messages = store.messages.listBySequence(seq);
    return new Map(
      ids.map((id) => {
        const state = store.subscriptions.findState(id);
        if (state === undefined) throw new Error('gone');
        // Ended subscriptions are left as they are (here: unsubscribed, with nothing next).
        if (state.status !== 'active' && state.status !== 'paused') return [id, { nextMessageId: null, nextDueAt: null }];
        return [id, recomputedNext(state, messages, store.deliveries.receivedMessageIds(id), at(now))];
      }),
    );
  };
  const storedNexts = () =>
    new Map(
      ids.map((id) => {
        const state = t.store.subscriptions.findState(id);
        return [id, { nextMessageId: state?.nextMessageId ?? null, nextDueAt: state?.nextDueAt ?? null }];
      }),
    );
  /** One slice after another, each doing a single batch (the deadline has always passed). */
  const runSlices = (): number => {
    let slices = 0;
    for (;;) {
      slices++;
      const progress = t.store.write(() => continueRecompute(t.store, seq, at(now), Number.NEGATIVE_INFINITY));
      if (progress.done) return slices;
      if (slices > 100) throw new Error('the recompute does not finish');
    }
  };

  it('queues the work in the edit\'s transaction and leaves the rows alone', () => {
    const before = storedNexts();
    const changed = t.store.write(() => {
      t.store.messages.renumber(seq, [second, first]);
      return recomputeForSequence(t.store, seq, at(now));
    });
    expect(changed).toBe(0);
    expect(pendingRecompute(t.store)).toMatchObject({ sequenceId: seq, phase: 'active', afterId: 0 });
    expect(storedNexts()).toEqual(before);
    // The progress is already read from the new order: those who had A now stand at position 2.
    expect(t.store.subscriptions.findState(ids[0] ?? 0)?.lastSentPosition).toBe(2);
  });

  it('finishes in slices with exactly what the rules say, active and paused alike', () => {
    t.store.write(() => {
      t.store.messages.update(first, { name: 'A', body: '', mediaId: null, delayAmount: 3, delayUnit: 'hours', sendAt: '10:15' }, now);
      t.store.messages.renumber(seq, [second, first]);
      recomputeForSequence(t.store, seq, at(now));
    });
    const want = expectedNexts();
    // 500 rows per batch, active then paused: several slices, each its own transaction.
    expect(runSlices()).toBeGreaterThan(COUNT / 500);
    expect(pendingRecompute(t.store)).toBeUndefined();
    expect(storedNexts()).toEqual(want);
    // Nothing to do twice: a recompute of the result changes nothing.
    t.store.write(() => recomputeForSequence(t.store, seq, at(now)));
    expect(runSlices()).toBeGreaterThan(1);
    expect(storedNexts()).toEqual(want);
  });

  it('starts over when another edit comes while one is in flight, so the last edit wins', () => {
    t.store.write(() => {
      t.store.messages.update(first, { name: 'A', body: '', mediaId: null, delayAmount: 5, delayUnit: 'hours', sendAt: null }, now);
      recomputeForSequence(t.store, seq, at(now));
    });
    for (let i = 0; i < 3; i++) t.store.write(() => continueRecompute(t.store, seq, at(now), Number.NEGATIVE_INFINITY));
    expect(pendingRecompute(t.store)?.afterId).toBeGreaterThan(0);

    t.store.write(() => {
      t.store.messages.setEnabled(first, false, now);
      recomputeForSequence(t.store, seq, at(now));
    });
    expect(pendingRecompute(t.store)).toMatchObject({ phase: 'active', afterId: 0 });
    runSlices();
    const stored = storedNexts();
    expect(stored).toEqual(expectedNexts());
    // A is off: nobody waits for it any more.
    expect([...stored.values()].filter((n) => n.nextMessageId === first)).toEqual([]);
  });

  it('recomputes at once, and drops a stale request, once the sequence is small enough', () => {
    t.store.write(() => {
      t.store.messages.setEnabled(second, false, now);
      recomputeForSequence(t.store, seq, at(now));
    });
    t.store.write(() => {
      for (const id of ids.slice(0, 700)) t.store.subscriptions.setState(id, 'unsubscribed', { nextMessageId: null, nextDueAt: null }, now);
      t.store.messages.setEnabled(second, true, now);
      expect(recomputeForSequence(t.store, seq, at(now))).toBeGreaterThan(0);
    });
    expect(pendingRecompute(t.store)).toBeUndefined();
    expect(storedNexts()).toEqual(expectedNexts());
  });
});
