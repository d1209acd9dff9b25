/**
 * Where a subscriber stands in a sequence, and what comes next (DESIGN.md §4, "Progress and edits").
 *
 * A subscription's progress is the position of the last message sent to it in the sequence's
 * current order (`lastSentPosition`, 0 when nothing was sent) plus the messages it has a delivery
 * for. Its next message is the first ENABLED message positioned after that one which it has not
 * received. From that rule:
 * - a disabled message is skipped, not waited for; re-enabling a message they have passed does not
 *   send it;
 * - a message inserted (or moved) before their position is not sent to them: they have passed it;
 * - a message appended at the end reaches everyone still active (or paused);
 * - reordering never resends: what they received is excluded, whatever its new position;
 * - completed/ended subscriptions are not touched, so an appended message does not revive them.
 *
 * The next message of an ACTIVE subscription falls due `dueAtAfter(base)`, where the base is when
 * the last message was sent, or `subscribed_at` before the first. A paused one keeps its next
 * message but has no due time (resume works it out), so every due time in the table is one the
 * engine may act on (migration 0006). If that instant has passed (an edit shortened a delay, a
 * subscriber resumed late, someone was added with a start in the past) it is due now: the engine
 * paces what is due, so an edit never causes a burst.
 *
 * The pure rules come first; `recomputeForSequence` applies them to a sequence's live
 * subscriptions after an edit: at once for a small sequence, else in slices by the recompute
 * runner (`continueRecompute`), so an edit of a sequence with 100,000 subscribers never blocks
 * the app for long (DESIGN.md §7). All of it is free of the event bus (usable from a worker
 * thread).
 */
import { dueAtAfter, type MessageTiming, type ScheduleContext } from '../schedule/timing-rules';
import type { RecomputeJob, RecomputePhase } from '../store/recompute-queue-repository';
import type { Store } from '../store/store';
import type { NextMessage, SubscriptionState } from '../store/subscription-repository';

export interface ProgressMessage extends MessageTiming {
  id: number;
  /** 1-based, contiguous. */
  position: number;
  enabled: boolean;
}

export interface Progress {
  /** Position of the last message sent, in the current order; 0 when nothing was sent yet. */
  lastSentPosition: number;
  /** Messages with a delivery (sent, skipped, failed, unknown or in flight): never sent again. */
  received: ReadonlySet<number>;
}

/** The schedule context plus "now", for the "past → due now" rule. */
export interface DueContext extends ScheduleContext {
  now: number;
}

const NOTHING: ReadonlySet<number> = new Set();
const NONE: NextMessage = { nextMessageId: null, nextDueAt: null };

/** The first enabled message after the progress that was not received. `messages` in position order. */
export function nextMessageOf<T extends ProgressMessage>(messages: readonly T[], progress: Progress): T | undefined {
  return messages.find((m) => m.enabled && m.position > progress.lastSentPosition && !progress.received.has(m.id));
}

/** When `message` falls due after `base`, never before `ctx.now`. */
export function dueFrom(base: number, message: MessageTiming, ctx: DueContext): number {
  return Math.max(dueAtAfter(base, message, ctx), ctx.now);
}

/** Next message and due time for a subscription with this progress, whose base is `base`. */
export function nextFor(messages: readonly ProgressMessage[], progress: Progress, base: number, ctx: DueContext): NextMessage {
  const next = nextMessageOf(messages, progress);
  return next === undefined ? NONE : { nextMessageId: next.id, nextDueAt: dueFrom(base, next, ctx) };
}

/**
 * For a new subscription: the first enabled message and when it is due. Both null when the
 * sequence has no enabled message yet (the subscription stays active, and a message added later
 * reaches it).
 */
export function firstDue(messages: readonly ProgressMessage[], subscribedAt: number, ctx: DueContext): NextMessage {
  return nextFor(messages, { lastSentPosition: 0, received: NOTHING }, subscribedAt, ctx);
}

/** The base of a subscription's next message: when the last one was sent, or when it subscribed. */
export function baseOf(state: Pick<SubscriptionState, 'lastSentAt' | 'subscribedAt'>): number {
  return state.lastSentAt ?? state.subscribedAt;
}

/**
 * A subscription's next message after an edit. Unchanged when the rules give the same message
 * and due time. When the new due time has passed and the subscription was already overdue for
 * that same message, its old due time is kept: it stays due, and keeps its place in the
 * oldest-first queue instead of being pushed behind everything due "now". A paused subscription
 * gets its next message without a due time (`nextWhilePaused`).
 */
export function recomputedNext(
  state: SubscriptionState,
  messages: readonly ProgressMessage[],
  received: ReadonlySet<number>,
  ctx: DueContext,
): NextMessage {
  if (state.status === 'paused') return nextWhilePaused(messages, { lastSentPosition: state.lastSentPosition, received });
  return nextAfterEdit(state, baseOf(state), messages, received, ctx, dueAtAfter);
}

/** A paused subscription's next message: what it will get once resumed, with no due time until then. */
export function nextWhilePaused(messages: readonly ProgressMessage[], progress: Progress): NextMessage {
  return { nextMessageId: nextMessageOf(messages, progress)?.id ?? null, nextDueAt: null };
}

/** `recomputedNext` on the fields it reads, with the due-time rule passed in (the recompute memoises it). */
function nextAfterEdit(
  state: Pick<SubscriptionState, 'lastSentPosition' | 'nextMessageId' | 'nextDueAt'>,
  base: number,
  messages: readonly ProgressMessage[],
  received: ReadonlySet<number>,
  ctx: DueContext,
  due: (base: number, message: ProgressMessage, ctx: DueContext) => number,
): NextMessage {
  const next = nextMessageOf(messages, { lastSentPosition: state.lastSentPosition, received });
  if (next === undefined) return NONE;
  const at = due(base, next, ctx);
  if (at >= ctx.now) return { nextMessageId: next.id, nextDueAt: at };
  const alreadyOverdue = state.nextMessageId === next.id && state.nextDueAt !== null && state.nextDueAt <= ctx.now;
  return { nextMessageId: next.id, nextDueAt: alreadyOverdue ? state.nextDueAt : ctx.now };
}

/** Up to this many live subscriptions, an edit recomputes them inside its own transaction. */
export const SYNC_RECOMPUTE_MAX = 2000;
/** Subscriptions read per statement while recomputing (also how often a slice looks at the clock). */
const BATCH = 250;
const PHASES: readonly RecomputePhase[] = ['active', 'paused'];

/**
 * After the sequence's messages changed (created, edited, deleted, reordered, enabled or
 * disabled): bring every active and paused subscription's next message and due time in line.
 * Called inside the edit's transaction.
 *
 * - Up to SYNC_RECOMPUTE_MAX live subscriptions: done right here, in the same transaction.
 *   Returns how many subscriptions changed.
 * - More: the edit only records that the sequence needs a recompute (`recompute_queue`, in the
 *   same transaction, so the request is as durable as the edit) and returns 0. The recompute
 *   runner (recompute-runner.ts) then works through the subscriptions in slices of a few
 *   milliseconds, each its own transaction, and announces the change when done. Until it has
 *   reached a row, the row's stored next message may be stale; the progress it reads is not (see
 *   the repository's STATE), and the engine re-derives the next message with these rules before
 *   it sends (engine/claim.ts).
 */
export function recomputeForSequence(store: Store, sequenceId: number, ctx: DueContext): number {
  const queue = store.recomputeQueue;
  if (store.subscriptions.countLive(sequenceId, SYNC_RECOMPUTE_MAX + 1) > SYNC_RECOMPUTE_MAX) {
    queue.request(sequenceId, ctx.now);
    return 0;
  }
  // A recompute still in flight (the sequence was larger before) is superseded by this one.
  queue.finish(sequenceId);
  const plan = planOf(store, sequenceId, ctx);
  let changed = 0;
  for (const phase of PHASES) {
    let afterId = 0;
    for (;;) {
      const batch = recomputeBatch(store, plan, phase, afterId);
      changed += batch.changed;
      if (batch.exhausted) break;
      afterId = batch.lastId;
    }
  }
  return changed;
}

/** Asks the runner to recompute every sequence, whatever its size (the time zone or sending window changed). */
export function requestRecomputeOfAll(store: Store, now: number): void {
  store.recomputeQueue.requestAll(now);
}

export interface RecomputeProgress {
  /** The sequence is up to date: its request is gone from the queue. */
  done: boolean;
  /** Subscriptions looked at, and how many of them changed. */
  read: number;
  changed: number;
}

/**
 * Works on the sequence's pending recompute, batch after batch, until it is done or
 * `performance.now()` passes `deadline`; the place reached is saved in the queue. Runs inside the
 * caller's transaction (one slice of the runner).
 */
export function continueRecompute(store: Store, sequenceId: number, ctx: DueContext, deadline: number): RecomputeProgress {
  const queue = store.recomputeQueue;
  const job = queue.find(sequenceId);
  if (job === undefined) return { done: true, read: 0, changed: 0 };
  const plan = planOf(store, sequenceId, ctx);
  let { phase, afterId } = job;
  let read = 0;
  let changed = 0;
  do {
    const batch = recomputeBatch(store, plan, phase, afterId);
    read += batch.read;
    changed += batch.changed;
    if (!batch.exhausted) {
      afterId = batch.lastId;
    } else if (phase === 'active') {
      phase = 'paused';
      afterId = 0;
    } else {
      queue.finish(sequenceId);
      return { done: true, read, changed };
    }
  } while (performance.now() < deadline);
  queue.advance(sequenceId, phase, afterId);
  return { done: false, read, changed };
}

/** The recompute requested longest ago, if any is pending (for the runner). */
export function pendingRecompute(store: Store): RecomputeJob | undefined {
  return store.recomputeQueue.oldest();
}

/** What every batch of one sequence's recompute shares. */
interface Plan {
  sequenceId: number;
  messages: readonly ProgressMessage[];
  /** Message id → its position now (a subscription's progress is where its last message sits). */
  positionOf: ReadonlyMap<number, number>;
  ctx: DueContext;
  /** `dueAtAfter`, remembered per message and base: subscribers who joined together share it. */
  due: (base: number, message: ProgressMessage, ctx: DueContext) => number;
}

function planOf(store: Store, sequenceId: number, ctx: DueContext): Plan {
  const messages = store.messages.listBySequence(sequenceId);
  const memo = new Map<number, Map<number, number>>();
  const due = (base: number, message: ProgressMessage, dueCtx: DueContext): number => {
    let byBase = memo.get(message.id);
    if (byBase === undefined) {
      byBase = new Map();
      memo.set(message.id, byBase);
    }
    let at = byBase.get(base);
    if (at === undefined) {
      at = dueAtAfter(base, message, dueCtx);
      byBase.set(base, at);
    }
    return at;
  };
  return { sequenceId, messages, positionOf: new Map(messages.map((m) => [m.id, m.position])), ctx, due };
}

/**
 * Recomputes the next BATCH subscriptions of `phase` after `afterId`, writing only the rows whose
 * next message or due time changed. `exhausted` when there are no more after these.
 */
function recomputeBatch(
  store: Store,
  plan: Plan,
  phase: RecomputePhase,
  afterId: number,
): { read: number; changed: number; lastId: number; exhausted: boolean } {
  // The hot loop of an edit of a large sequence: plain rows, no objects per row, and the cheaper
  // write when only the due time moved (a changed next message also updates its index and is
  // checked against its foreign key).
  const { subscriptions } = store;
  const rows = subscriptions.progressSlice(plan.sequenceId, phase, afterId, BATCH);
  const last = rows.at(-1);
  if (last === undefined) return { read: 0, changed: 0, lastId: afterId, exhausted: true };
  const receivedAhead = subscriptions.receivedAhead(plan.sequenceId, phase, afterId, last.id);
  const { positionOf, messages, ctx, due } = plan;
  let changed = 0;
  for (const row of rows) {
    const lastSentPosition = row.lastSentMessageId === null ? row.storedPosition : (positionOf.get(row.lastSentMessageId) ?? row.storedPosition);
    const base = row.lastSentAt ?? row.subscribedAt;
    const ahead = receivedAhead.get(row.id);
    const received = ahead?.received ?? NOTHING;
    const next =
      // A delivery being sent or waiting for a retry holds the subscription (as the engine keeps it).
      ahead !== undefined && ahead.openMessageId !== null
        ? { nextMessageId: ahead.openMessageId, nextDueAt: null }
        : phase === 'paused'
          ? nextWhilePaused(messages, { lastSentPosition, received })
          : nextAfterEdit({ lastSentPosition, nextMessageId: row.nextMessageId, nextDueAt: row.nextDueAt }, base, messages, received, ctx, due);
    if (next.nextMessageId !== row.nextMessageId) subscriptions.setNext(row.id, next, ctx.now);
    else if (next.nextDueAt !== row.nextDueAt) subscriptions.setNextDue(row.id, next.nextDueAt, ctx.now);
    else continue;
    changed++;
  }
  return { read: rows.length, changed, lastId: last.id, exhausted: rows.length < BATCH };
}
