/**
 * The record step of claim → send → record (DESIGN.md §5): ONE transaction that writes what the
 * channel answered, so a crash leaves either the claim (recovered at start-up) or the complete
 * result, never half of it.
 *
 * Sent: the delivery becomes `sent` (with the provider's id), the message's and the
 * subscription's `sent_count` go up, the progress moves to this message (unless the owner resent
 * an older one), the next message is worked out from the ACTUAL send time (or the subscription
 * completes), and the channel's pacing state (this send + the gap drawn now) is saved.
 *
 * Failed (retry-policy.ts decides):
 * - retry: `retrying` at now + backoff, the attempt counted, the run of failures started (the
 *   policy gives up by how long it has lasted);
 * - channel down: `retrying` at once, the attempt given back; the engine holds the channel's
 *   queue until the channel is ready again;
 * - give up: `failed` with the reason, then the permanent-failure setting: move on to the next
 *   message, or stop the subscription.
 * Every outcome except "channel down" reached the provider, so the gap applies after it too: a
 * failing gateway is not hammered by the next message either.
 *
 * Not on WhatsApp, in a "WhatsApp, else SMS" sequence (routing.ts `afterNotOnWhatsApp`): the
 * delivery is handed to SMS at once, under a new key, the attempt given back (nobody got
 * anything), and goes out through the SMS queue with its pacing; the activity log says why.
 * No gap is drawn on WhatsApp for it: nothing was sent, and the adapter remembers the answer on
 * the contact. Without fallback (or without a phone number) it is a permanent failure as above.
 */
import type { TableName } from '../../../shared/contract';
import { personLabel } from '../../../shared/person-label';
import type { SendResult } from '../channels/channel';
import type { Delivery } from '../store/delivery-repository';
import { advanceSubscription } from './advance-subscription';
import type { Claim } from './claim';
import { newDeliveryKey } from './delivery-key';
import { pacingFor, type EngineStore } from './engine-store';
import { randomGapMs } from './pacing';
import { decideAfterFailure } from './retry-policy';

export type RecordOutcome =
  | { kind: 'sent' }
  | { kind: 'retry'; at: number }
  | { kind: 'channel-down'; reason: string }
  | { kind: 'failed'; reason: string }
  /** Not on WhatsApp: handed to the SMS queue. */
  | { kind: 'to-sms' }
  /** The claim was no longer there to record (deleted with its subscriber, sequence or message). */
  | { kind: 'gone' };

export interface Recorded {
  outcome: RecordOutcome;
  tables: TableName[];
}

export function recordResult(env: EngineStore, claim: Claim, result: SendResult, now: number, random: () => number): Recorded {
  const { store } = env;
  return store.write((): Recorded => {
    const delivery = store.deliveries.findById(claim.deliveryId);
    if (delivery === undefined || delivery.status !== 'claimed') return { outcome: { kind: 'gone' }, tables: [] };

    if (result.ok) {
      const note = claim.note === null ? (result.note ?? null) : result.note === undefined ? claim.note : `${claim.note} ${result.note}`;
      markSent(env, delivery, { sentAt: now, providerMessageId: result.providerMessageId, note }, 'claimed', now);
      drawGap(env, claim, now, random);
      return { outcome: { kind: 'sent' }, tables: ['deliveries', 'subscriptions', 'messages', 'sequences'] };
    }

    if (result.error.code === 'not-on-whatsapp' && claim.channel === 'whatsapp' && claim.ifNotOnWhatsApp === 'sms') {
      const reason = `${whoOf(env, claim.subscriptionId)} is not on WhatsApp; it goes out by SMS.`;
      store.deliveries.handToSms(claim.deliveryId, { deliveryKey: newDeliveryKey(), fallback: 'not-on-whatsapp', reason }, now);
      return { outcome: { kind: 'to-sms' }, tables: ['deliveries'] };
    }

    const decision = decideAfterFailure(result.error, { attempt: claim.attempt, failingSince: delivery.failingSince, now }, random);
    switch (decision.kind) {
      case 'wait-for-channel':
        store.deliveries.markRetrying(claim.deliveryId, { nextAttemptAt: now, error: result.error.reason, refund: true }, now);
        return { outcome: { kind: 'channel-down', reason: result.error.reason }, tables: ['deliveries'] };
      case 'retry': {
        const at = now + decision.delayMs;
        store.deliveries.markRetrying(claim.deliveryId, { nextAttemptAt: at, error: result.error.reason, refund: false, failed: true }, now);
        drawGap(env, claim, now, random);
        return { outcome: { kind: 'retry', at }, tables: ['deliveries'] };
      }
      case 'give-up':
        store.deliveries.finish(claim.deliveryId, 'claimed', 'failed', decision.reason, now);
        afterPermanentFailure(env, claim.subscriptionId, now);
        drawGap(env, claim, now, random);
        return { outcome: { kind: 'failed', reason: decision.reason }, tables: ['deliveries', 'subscriptions', 'sequences'] };
    }
  });
}

/**
 * Records a delivery as sent (from `claimed`, or from `unknown` when the owner says it did go out)
 * with its counters and progress. Call inside a transaction.
 */
export function markSent(
  env: EngineStore,
  delivery: Pick<Delivery, 'id' | 'messageId' | 'subscriptionId'>,
  sent: { sentAt: number; providerMessageId: string | null; note: string | null },
  from: 'claimed' | 'unknown',
  now: number,
): void {
  const { store, sending } = env;
  const message = store.messages.findById(delivery.messageId);
  const state = store.subscriptions.findState(delivery.subscriptionId);
  if (message === undefined || state === undefined) throw new Error(`Delivery ${delivery.id} lost its message or subscription.`);
  if (!store.deliveries.markSent(delivery.id, sent, now, from)) throw new Error(`Delivery ${delivery.id} is no longer ${from}.`);
  sending.countMessageSent(message.id);
  if (message.position > state.lastSentPosition) {
    sending.recordProgress(state.id, { messageId: message.id, position: message.position, sentAt: sent.sentAt }, now);
  } else {
    sending.countSendOnly(state.id, now);
  }
  advanceSubscription(env, state.id, now);
}

/** The permanent-failure setting: move on to the next message, or stop the subscription. Call inside a transaction. */
export function afterPermanentFailure(env: EngineStore, subscriptionId: number, now: number): void {
  const { store } = env;
  const state = store.subscriptions.findState(subscriptionId);
  if (state === undefined) return;
  if (env.context().sending.onPermanentFailure === 'stop-subscription' && (state.status === 'active' || state.status === 'paused')) {
    store.subscriptions.setState(subscriptionId, 'stopped', { nextMessageId: null, nextDueAt: null }, now);
    return;
  }
  advanceSubscription(env, subscriptionId, now);
}

function whoOf(env: EngineStore, subscriptionId: number): string {
  const state = env.store.subscriptions.findState(subscriptionId);
  const contact = state && env.store.contacts.findById(state.contactId);
  return contact === undefined ? 'This contact' : personLabel(contact);
}

function drawGap(env: EngineStore, claim: Claim, now: number, random: () => number): void {
  const gapMs = randomGapMs(pacingFor(claim.channel, env.context().sending), random);
  env.state.setPacing(claim.channel, { lastSentAt: now, gapMs });
}
