/**
 * The claim step of claim → send → record (DESIGN.md §5): ONE transaction that decides what the
 * next piece of a channel's work is and, if it is a send, writes the delivery as `claimed` before
 * anything leaves the machine.
 *
 * Work comes from two places, oldest first:
 * - a subscription whose `next_due_at` has come (a new message for it), or
 * - a delivery waiting for a retry whose `next_attempt_at` has come (also an owner's "send again").
 *
 * Nothing is trusted from the moment the work was found: inside the transaction the subscription
 * and its sequence are read again and the next message and its due time are RE-DERIVED from the
 * current messages, deliveries and settings (an edit's recompute may not have reached this row
 * yet). If the stored next message is stale, or it is not yet due by today's rules (a raised
 * delay), the row is corrected and nothing is sent; the next round sees the truth.
 * What can happen instead of a send, each recorded so the activity log says why:
 * - the contact opted out → `skipped`, the subscription moves on;
 * - downtime (computer off or asleep) held it up longer than the catch-up setting allows →
 *   `skipped`, the subscription moves on (catch-up.ts: waits the app chose itself never count);
 * - a retry whose message was turned off, or whose subscriber was unsubscribed/stopped meanwhile
 *   → `skipped`.
 * Which channel serves a piece of work is routing.ts's decision, asked again here with the
 * contact in hand. A retry follows its sequence's channel as it is now: with no channel it waits
 * (like a new message would); moved to another channel, it goes out there under a new key. A
 * transient failure means the old channel never confirmed it, and the owner who switched channels
 * expects the pending message to use the new one rather than the one they turned away from.
 * "WhatsApp, else SMS" moves work between WhatsApp and SMS by itself (routing.ts says when); a
 * delivery that goes by SMS in place of WhatsApp is marked (`fallback`) and its send recorded with
 * a remark saying why. A contact without a phone number whose message the SMS queue picked up
 * (the due index does not know the contact) is handed to WhatsApp as a waiting retry, no attempt
 * counted, so it leaves the SMS queue.
 *
 * A claim of a new message writes the rendered text (template + the contact's attributes) and a
 * fresh idempotency key, counts attempt 1, and clears the subscription's due time: while a
 * delivery is open, nothing else is claimed for that subscription. UNIQUE (subscription, message)
 * makes a second claim of the same message impossible at the database level.
 */
import { personLabel } from '../../../shared/person-label';
import { renderTemplate, templateValues } from '../../../shared/template';
import type { SubscriptionStatus, TableName } from '../../../shared/contract';
import type { ChannelId, OutboundMessage } from '../channels/channel';
import type { Contact } from '../../../shared/domain';
import { afterNotOnWhatsApp, fallbackNote, NEW_WORK, routeOf, type LaneRoutes, type RoutingConditions } from './routing';
import { nextMessageOf, recomputedNext } from '../services/subscription-progress';
import { advanceSubscription } from './advance-subscription';
import { nextAllowedInstant } from '../schedule/sending-window';
import { downtimeDelayMs, lateDecision } from './catch-up';
import { newDeliveryKey } from './delivery-key';
import { dueContext, type EngineStore } from './engine-store';

export type WorkItem = { kind: 'new'; subscriptionId: number; at: number } | { kind: 'retry'; deliveryId: number; at: number };

export interface Claim {
  deliveryId: number;
  subscriptionId: number;
  messageId: number;
  channel: ChannelId;
  /** The attempt this claim counts (1 for the first send). */
  attempt: number;
  message: OutboundMessage;
  /** A remark recorded with the send (why it went by SMS), or null. */
  note: string | null;
  /** What becomes of it if WhatsApp answers that the number is not on WhatsApp (routing.ts). */
  ifNotOnWhatsApp: 'sms' | 'fail';
  /**
   * A retry on the channel whose earlier attempt failed transiently: since when it has been
   * failing (it may have gone out then). A channel that cannot drop a repeat is asked first.
   */
  failingSince: number | null;
}

export type ClaimOutcome =
  /** Send this, then record the result. */
  | { kind: 'send'; claim: Claim }
  /** Nothing to send for this item; what was written instead (possibly nothing). */
  | { kind: 'handled'; tables: TableName[] };

const ENDED: Partial<Record<SubscriptionStatus, string>> = {
  unsubscribed: 'unsubscribed',
  stopped: 'was stopped in this sequence',
  failed: 'failed in this sequence',
};

/** The oldest work of a channel (`routes`: what it serves) whose time has come or will come, or undefined when it has none. */
export function nextWorkItem(env: EngineStore, routes: LaneRoutes): WorkItem | undefined {
  let best: WorkItem | undefined;
  const retry = env.store.deliveries.nextRetry(routes.retries);
  if (retry !== undefined) best = { kind: 'retry', deliveryId: retry.id, at: retry.at };
  for (const sequenceId of routes.sequenceIds) {
    const due = env.sending.earliestDue(sequenceId);
    if (due !== undefined && (best === undefined || due.at < best.at)) best = { kind: 'new', subscriptionId: due.subscriptionId, at: due.at };
  }
  return best;
}

/** Claims `item` for `channel` at `now` (one transaction), or handles it without a send. `conditions`: as the item was found with. */
export function claimWork(env: EngineStore, channel: ChannelId, item: WorkItem, now: number, conditions: RoutingConditions): ClaimOutcome {
  return env.store.write(() =>
    item.kind === 'new' ? claimNew(env, channel, item.subscriptionId, now, conditions) : claimRetry(env, channel, item.deliveryId, now, conditions),
  );
}

function claimNew(env: EngineStore, channel: ChannelId, subscriptionId: number, now: number, conditions: RoutingConditions): ClaimOutcome {
  const { store } = env;
  const state = store.subscriptions.findState(subscriptionId);
  const sequence = state && env.sending.sequence(state.sequenceId);
  // Changed since it was found (paused, ended, rescheduled, sequence paused or moved to another channel).
  if (state === undefined || sequence === undefined || state.status !== 'active' || state.nextDueAt === null || state.nextDueAt > now) {
    return handled();
  }
  if (!sequence.active || routeOf(sequence, NEW_WORK, conditions)?.channel !== channel) return handled();

  // A delivery still open holds the subscription (its next due time was reset by a recompute).
  const open = store.deliveries.openFor(subscriptionId);
  if (open !== undefined) {
    store.subscriptions.setNext(subscriptionId, { nextMessageId: open.messageId, nextDueAt: null }, now);
    return handled('subscriptions');
  }

  const messages = store.messages.listBySequence(state.sequenceId);
  const received = store.deliveries.receivedMessageIds(subscriptionId);
  const expected = nextMessageOf(messages, { lastSentPosition: state.lastSentPosition, received });
  const context = env.context();
  if (expected === undefined) {
    store.subscriptions.setState(subscriptionId, 'completed', { nextMessageId: null, nextDueAt: null }, now);
    return handled('subscriptions', 'sequences');
  }
  // The stored message AND due time are re-derived with today's rules and settings: an edit
  // (another message next, a longer delay, a changed sending window) may not have been reached by
  // its recompute yet. recomputedNext keeps an overdue row's place, so only a later time defers.
  const next = recomputedNext(state, messages, received, dueContext(context, now));
  if (expected.id !== state.nextMessageId || (next.nextDueAt !== null && next.nextDueAt > now)) {
    // Stale: correct the row and send nothing; the next round sees the truth.
    store.subscriptions.setNext(subscriptionId, next, now);
    return handled('subscriptions');
  }

  const dueAt = state.nextDueAt;
  const contact = store.contacts.findById(state.contactId);
  if (contact === undefined) throw new Error(`Subscription ${subscriptionId} has no contact ${state.contactId}.`);
  const skipReason = reasonToSkip(env, contact, dueAt, state.sequenceId);
  if (skipReason !== null) {
    store.deliveries.insertSkipped({ subscriptionId, messageId: expected.id, channel, dueAt, reason: skipReason }, now);
    advanceSubscription(env, subscriptionId, now);
    return handled('deliveries', 'subscriptions', 'sequences');
  }

  const deliveryKey = newDeliveryKey();
  const text = renderTemplate(expected.body, templateValues(contact));
  const route = routeOf(sequence, { retry: null, hasPhone: contact.phone !== null }, conditions);
  if (route === null) return handled();
  if (route.channel !== channel) {
    // A contact without a phone number in a sequence SMS serves for now: they wait for WhatsApp,
    // as a retry there (the attempt given back), which takes them out of this queue.
    const waiting = store.deliveries.claim({ subscriptionId, messageId: expected.id, channel: route.channel, dueAt, deliveryKey, renderedText: text, fallback: route.fallback }, now);
    const reason = `Waiting for WhatsApp: ${personLabel(contact)} has no phone number, so SMS cannot stand in.`;
    store.deliveries.markRetrying(waiting, { nextAttemptAt: now, error: reason, refund: true }, now);
    store.subscriptions.setNextDue(subscriptionId, null, now);
    return handled('deliveries', 'subscriptions');
  }
  const deliveryId = store.deliveries.claim(
    { subscriptionId, messageId: expected.id, channel, dueAt, deliveryKey, renderedText: text, fallback: route.fallback },
    now,
  );
  // The stored next message is `expected` (checked above): only the due time is cleared.
  store.subscriptions.setNextDue(subscriptionId, null, now);
  return {
    kind: 'send',
    claim: {
      deliveryId,
      subscriptionId,
      messageId: expected.id,
      channel,
      attempt: 1,
      message: {
        deliveryKey,
        to: contact.phone,
        whatsappId: contact.whatsappId,
        text,
        media: expected.media === null ? null : env.media(expected.media.id),
      },
      note: route.fallback === null ? null : fallbackNote(route.fallback, personLabel(contact)),
      ifNotOnWhatsApp: afterNotOnWhatsApp(sequence, contact.phone !== null),
      failingSince: null,
    },
  };
}

function claimRetry(env: EngineStore, channel: ChannelId, deliveryId: number, now: number, conditions: RoutingConditions): ClaimOutcome {
  const { store } = env;
  const delivery = store.deliveries.findById(deliveryId);
  if (delivery === undefined || delivery.status !== 'retrying') return handled();
  if (delivery.nextAttemptAt === null || delivery.nextAttemptAt > now) return handled();
  const state = store.subscriptions.findState(delivery.subscriptionId);
  const message = store.messages.findById(delivery.messageId);
  const contact = state && store.contacts.findById(state.contactId);
  if (state === undefined || message === undefined || contact === undefined) {
    throw new Error(`Delivery ${deliveryId} lost its subscription, message or contact.`);
  }
  // A retry goes where routing sends it NOW (mostly its sequence's channel): paused, or without a
  // channel, it waits; routed to another channel than its last attempt, it is sent there (below).
  const sequence = env.sending.sequence(state.sequenceId);
  if (state.status === 'paused' || sequence === undefined || !sequence.active) return handled();
  const retry = { channel: delivery.channel, fallback: delivery.fallback, failing: delivery.failingSince !== null };
  const route = routeOf(sequence, { retry, hasPhone: contact.phone !== null }, conditions);
  if (route === null || route.channel !== channel) return handled();

  const who = personLabel(contact);
  const ended = ENDED[state.status];
  const skipReason =
    ended !== undefined
      ? `Not sent: ${who} ${ended} before it could go out.`
      : !message.enabled
        ? 'Not sent: the message was turned off before it could go out.'
        : reasonToSkip(env, contact, delivery.nextAttemptAt, state.sequenceId);
  if (skipReason !== null) {
    store.deliveries.finish(deliveryId, 'retrying', 'skipped', skipReason, now);
    advanceSubscription(env, delivery.subscriptionId, now);
    return handled('deliveries', 'subscriptions', 'sequences');
  }

  let deliveryKey = delivery.deliveryKey;
  if (delivery.channel !== channel) {
    // The owner moved the sequence to another channel since the last attempt failed, or SMS now
    // stands in for WhatsApp: the new provider gets its own key (a key is only meaningful to the
    // provider that saw it).
    deliveryKey = newDeliveryKey();
    if (!store.deliveries.moveToChannel(deliveryId, channel, deliveryKey, route.fallback, now)) return handled();
  } else if (route.fallback !== null && delivery.fallback === null) {
    // Already on SMS, now in place of WhatsApp: it stays there until it settles.
    store.deliveries.markFallback(deliveryId, route.fallback, now);
  }
  if (deliveryKey === null) throw new Error(`Delivery ${deliveryId} waits for a retry but has no key.`);
  if (!store.deliveries.reclaim(deliveryId, now)) return handled();
  return {
    kind: 'send',
    claim: {
      deliveryId,
      subscriptionId: delivery.subscriptionId,
      messageId: delivery.messageId,
      channel,
      attempt: delivery.attempts + 1,
      message: {
        // The same key (and text) as every earlier attempt on this channel: the provider drops a duplicate.
        deliveryKey,
        to: contact.phone,
        whatsappId: contact.whatsappId,
        text: delivery.renderedText ?? renderTemplate(message.body, templateValues(contact)),
        media: message.media === null ? null : env.media(message.media.id),
      },
      note: route.fallback === null ? null : fallbackNote(route.fallback, who),
      ifNotOnWhatsApp: afterNotOnWhatsApp(sequence, contact.phone !== null),
      // Moved to another channel: a fresh start there (the move ended the run of failures).
      failingSince: delivery.channel === channel ? delivery.failingSince : null,
    },
  };
}

/** Opted out, or held up by downtime longer than the catch-up setting allows: the reason to skip, else null. */
function reasonToSkip(env: EngineStore, contact: Contact, dueAt: number, sequenceId: number): string | null {
  if (contact.optedOutAt !== null) return `Not sent: ${personLabel(contact)} has opted out of messages from the shop.`;
  const { timeZone, sending } = env.context();
  const policy = sending.catchUp;
  if (policy.kind !== 'skip-if-late') return null;
  const downtimes = env.state.downtimes();
  if (downtimes.length === 0) return null;
  const delayMs = downtimeDelayMs(dueAt, sequenceId, downtimes, (at) => nextAllowedInstant(at, timeZone, sending.window));
  if (lateDecision(delayMs, policy) === 'skip') {
    const hours = Math.floor(delayMs / 3_600_000);
    return `Not sent: it was ${hours} hours late because this computer was off or asleep (Settings → Sending skips messages more than ${policy.hours} hours late).`;
  }
  return null;
}

function handled(...tables: TableName[]): ClaimOutcome {
  return { kind: 'handled', tables };
}
