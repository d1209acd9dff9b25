import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TableName } from '../../../shared/contract';
import { EventBus } from '../events';
import { silentLogger } from '../logger';
import type { ScheduleContext } from '../schedule/timing-rules';
import { openStore, type Store } from '../store/store';
import { makeTempDir, type TempDir } from '../store/test-store';
import { createRecomputeRunner, type RecomputeRunner } from './recompute-runner';
import { SYNC_RECOMPUTE_MAX, firstDue, pendingRecompute, recomputeForSequence } from './subscription-progress';

const T0 = Date.UTC(2026, 10, 2, 9, 0); // Monday 10:00 in Berlin
const HOUR = 3_600_000;
const COUNT = SYNC_RECOMPUTE_MAX + 500;

describe('recompute runner', () => {
  let temp: TempDir;
  let file: string;
  let store: Store;
  let events: EventBus;
  let context: ScheduleContext;
  let runner: RecomputeRunner | null;
  let seq: number;
  let message: number;
  let ids: number[];
  const now = T0;
  const changes: TableName[][] = [];

  beforeEach(() => {
    temp = makeTempDir();
    file = path.join(temp.dir, 'app.db');
    store = openStore(file);
    events = new EventBus();
    events.on('data.changed', ({ tables }) => changes.push(tables));
    changes.length = 0;
    context = { timeZone: 'Europe/Berlin' };
    runner = null;
    seq = store.sequences.insert({ name: 'Big', description: '', active: true, channel: null }, T0);
    message = store.messages.append(seq, { name: 'A', body: '', mediaId: null, delayAmount: 1, delayUnit: 'hours', sendAt: null }, true, T0);
    ids = store.write(() =>
      Array.from({ length: COUNT }, (_, i) => {
        const contactId = store.contacts.insert({ phone: `+49151${20_000_000 + i}`, name: '', attributes: {}, source: 'import', consentNote: '' }, T0);
        const next = firstDue(store.messages.listBySequence(seq), T0, { ...context, now });
        const id = store.subscriptions.insertActive({ contactId, sequenceId: seq, source: 'import', subscribedAt: T0, ...next }, T0);
        if (id === undefined) throw new Error('not subscribed');
        return id;
      }),
    );
  });

  afterEach(async () => {
    await runner?.stop();
    store.close();
    temp.cleanup();
  });

  const start = (sliceMs?: number): RecomputeRunner => {
    runner = createRecomputeRunner({
      store,
      events,
      clock: { now: () => now },
      logger: silentLogger,
      settings: { scheduleContext: () => context },
      ...(sliceMs === undefined ? {} : { sliceMs }),
    });
    runner.start();
    return runner;
  };

  /** An edit as MessageService makes it: the change and the recompute request in one transaction, then the announcement. */
  const editDelay = (hours: number): void => {
    store.write(() => {
      store.messages.update(message, { name: 'A', body: '', mediaId: null, delayAmount: hours, delayUnit: 'hours', sendAt: null }, now);
      expect(recomputeForSequence(store, seq, { ...context, now })).toBe(0);
    });
    events.dataChanged('messages', 'sequences');
  };
  const dueTimes = (): Set<number | null> => new Set(ids.map((id) => store.subscriptions.findState(id)?.nextDueAt ?? null));

  it('picks up an edit of a large sequence by itself and announces the result once', async () => {
    const active = start();
    editDelay(5);
    await active.waitForIdle();
    expect(dueTimes()).toEqual(new Set([T0 + 5 * HOUR]));
    expect(pendingRecompute(store)).toBeUndefined();
    expect(changes).toEqual([['messages', 'sequences'], ['subscriptions']]);
    // Its slices commit without an fsync each; everything else is back at FULL (sends must be).
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('resumes a recompute that a restart interrupted', async () => {
    editDelay(7);
    // The app stops before the runner got to it; at the next start the request is still there.
    store.close();
    store = openStore(file);
    expect(pendingRecompute(store)).toMatchObject({ sequenceId: seq });
    await start().waitForIdle();
    expect(dueTimes()).toEqual(new Set([T0 + 7 * HOUR]));
  });

  it('yields to the event loop between slices', async () => {
    // A slice of 0 ms does one batch of 500: at least six slices for 2,500 subscriptions.
    const active = start(0);
    let turns = 0;
    let idle = false;
    const spin = (): void => {
      if (idle) return;
      turns++;
      setImmediate(spin);
    };
    editDelay(3);
    spin();
    await active.waitForIdle();
    idle = true;
    expect(turns).toBeGreaterThanOrEqual(COUNT / 500);
    expect(dueTimes()).toEqual(new Set([T0 + 3 * HOUR]));
  });

  it('recomputes every sequence when the sending window changes, not when another setting does', async () => {
    const active = start();
    await active.waitForIdle();
    events.dataChanged('settings');
    expect(pendingRecompute(store)).toBeUndefined();

    // Quiet until 12:00: the 11:00 (Berlin) sends move to 12:00, 11:00 UTC.
    context = { timeZone: 'Europe/Berlin', window: { quietHours: { start: '21:00', end: '12:00' }, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] } };
    events.dataChanged('settings');
    expect(pendingRecompute(store)).toMatchObject({ sequenceId: seq });
    await active.waitForIdle();
    expect(dueTimes()).toEqual(new Set([Date.UTC(2026, 10, 2, 11, 0)]));
  });

  it('does nothing once stopped; the request waits for the next start', async () => {
    const active = start();
    await active.stop();
    editDelay(9);
    await active.waitForIdle();
    expect(pendingRecompute(store)).toMatchObject({ sequenceId: seq });
    expect(dueTimes()).toEqual(new Set([T0 + HOUR]));
  });
});
