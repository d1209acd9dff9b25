/**
 * A subscriber's timeline: one entry per message of the sequence, in order, saying what happened
 * or will happen to it for this subscriber. Pure.
 *
 * The first rule that applies decides an entry:
 * 1. The message has a delivery: `sent` (at = sent time), `failed` / `unknown` / `skipped` (at =
 *    when that was recorded, with the error or reason), or, while it is being sent or waits for
 *    a retry, `scheduled` at its due (or retry) time, with the last problem if any.
 * 2. The message is disabled: `disabled`, at = null.
 * 3. It sits at or before the subscriber's progress without a delivery (it was disabled when they
 *    passed it, or was inserted or moved before their place): `skipped`, at = null. It will never
 *    go out to them.
 * 4. The subscription has ended (completed, unsubscribed, stopped, failed): `cancelled`, at = null.
 * 5. The subscription is paused: `pending`, at = null (the time depends on when it resumes).
 * 6. Active: `scheduled`. The next message at the subscription's `next_due_at`, each later one
 *    chained from it with the timing rules (as if each went out on time).
 */
import type { TimelineEntry } from '../../../shared/domain';
import { planSchedule } from '../schedule/timing-rules';
import type { Delivery } from '../store/delivery-repository';
import type { SubscriptionState } from '../store/subscription-repository';
import { baseOf, dueFrom, nextMessageOf, type DueContext, type ProgressMessage } from './subscription-progress';

export interface TimelineMessage extends ProgressMessage {
  name: string;
}

export function buildTimeline(
  messages: readonly TimelineMessage[],
  state: SubscriptionState,
  deliveries: readonly Delivery[],
  ctx: DueContext,
): TimelineEntry[] {
  const byMessage = new Map(deliveries.map((d) => [d.messageId, d]));
  const planned = plannedTimes(messages, state, new Set(byMessage.keys()), ctx);

  return messages.map((message): TimelineEntry => {
    const delivery = byMessage.get(message.id);
    const base = {
      messageId: message.id,
      name: message.name,
      position: message.position,
      receipt: delivery?.status === 'sent' ? delivery.receipt : null,
      channel: delivery?.channel ?? null,
    };
    if (delivery !== undefined) return { ...base, ...fromDelivery(delivery) };
    if (!message.enabled) return { ...base, status: 'disabled', at: null, error: null };
    if (message.position <= state.lastSentPosition) return { ...base, status: 'skipped', at: null, error: null };
    switch (state.status) {
      case 'active':
        return { ...base, status: 'scheduled', at: planned.get(message.id) ?? null, error: null };
      case 'paused':
        return { ...base, status: 'pending', at: null, error: null };
      default:
        return { ...base, status: 'cancelled', at: null, error: null };
    }
  });
}

function fromDelivery(delivery: Delivery): Pick<TimelineEntry, 'status' | 'at' | 'error'> {
  switch (delivery.status) {
    case 'sent':
      return { status: 'sent', at: delivery.sentAt ?? delivery.updatedAt, error: null };
    case 'claimed':
      return { status: 'scheduled', at: delivery.nextAttemptAt ?? delivery.dueAt, error: null };
    // Waiting for another attempt: when, and what went wrong last time.
    case 'retrying':
      return { status: 'scheduled', at: delivery.nextAttemptAt ?? delivery.dueAt, error: delivery.error };
    case 'unknown':
      return { status: 'unknown', at: delivery.claimedAt ?? delivery.updatedAt, error: delivery.error };
    case 'failed':
    case 'skipped':
      return { status: delivery.status, at: delivery.updatedAt, error: delivery.error };
  }
}

/** Planned instants of an active subscription's remaining messages, chained from its next due time. */
function plannedTimes(
  messages: readonly TimelineMessage[],
  state: SubscriptionState,
  received: ReadonlySet<number>,
  ctx: DueContext,
): Map<number, number> {
  const planned = new Map<number, number>();
  if (state.status !== 'active') return planned;
  const next = nextMessageOf(messages, { lastSentPosition: state.lastSentPosition, received });
  if (next === undefined) return planned;
  // The stored due time is the truth for the next message (it may have been kept overdue); it is
  // recomputed only if missing.
  const nextDue = state.nextMessageId === next.id && state.nextDueAt !== null ? state.nextDueAt : dueFrom(baseOf(state), next, ctx);
  planned.set(next.id, nextDue);
  const rest = messages.filter((m) => m.enabled && m.position > next.position && !received.has(m.id));
  for (const { message, dueAt } of planSchedule(nextDue, rest, ctx)) planned.set(message.id, dueAt);
  return planned;
}
