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
 * The next message falls due `dueAtAfter(base)`, where the base is when the last message was sent,
 * or `subscribed_at` before the first. If that instant has passed (an edit shortened a delay, a
 * subscriber resumed late, someone was added with a start in the past) it is due now: the engine
 * paces what is due, so an edit never causes a burst.
 *
 * The pure rules come first; `recomputeForSequence` applies them to a sequence's live
 * subscriptions inside the caller's transaction. Both are free of the event bus (usable from a
 * worker thread).
 */
import { dueAtAfter, type MessageTiming, type ScheduleContext } from '../schedule/timing-rules';
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
 * oldest-first queue instead of being pushed behind everything due "now".
 */
export function recomputedNext(
  state: SubscriptionState,
  messages: readonly ProgressMessage[],
  received: ReadonlySet<number>,
  ctx: DueContext,
): NextMessage {
  const next = nextMessageOf(messages, { lastSentPosition: state.lastSentPosition, received });
  if (next === undefined) return NONE;
  const due = dueAtAfter(baseOf(state), next, ctx);
  if (due >= ctx.now) return { nextMessageId: next.id, nextDueAt: due };
  const alreadyOverdue = state.nextMessageId === next.id && state.nextDueAt !== null && state.nextDueAt <= ctx.now;
  return { nextMessageId: next.id, nextDueAt: alreadyOverdue ? state.nextDueAt : ctx.now };
}

/**
 * After the sequence's messages changed (created, edited, deleted, reordered, enabled or
 * disabled): bring every active and paused subscription's next message and due time in line,
 * inside the caller's transaction. Returns how many subscriptions changed.
 *
 * Set-based where it matters: positions are synced in one statement, received-ahead deliveries
 * come in one query, and a row is written only when its next message or due time changed.
 * (A later issue chunks this for 100,000 subscribers.)
 */
export function recomputeForSequence(store: Store, sequenceId: number, ctx: DueContext): number {
  const { subscriptions, deliveries, messages } = store;
  subscriptions.syncLastSentPositions(sequenceId);
  const ordered = messages.listBySequence(sequenceId);
  const receivedAhead = deliveries.receivedAheadOfProgress(sequenceId);
  let changed = 0;
  for (const state of subscriptions.liveStates(sequenceId)) {
    const next = recomputedNext(state, ordered, receivedAhead.get(state.id) ?? NOTHING, ctx);
    if (next.nextMessageId !== state.nextMessageId || next.nextDueAt !== state.nextDueAt) {
      subscriptions.setNext(state.id, next, ctx.now);
      changed++;
    }
  }
  return changed;
}
