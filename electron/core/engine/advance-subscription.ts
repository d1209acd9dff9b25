/**
 * Where a subscription goes after one of its deliveries settled (sent, failed, skipped, unknown),
 * or when the engine finds its stored next message stale: the progress rules of DESIGN.md §4
 * applied to what the database says NOW, inside the caller's transaction.
 *
 * - A delivery still open (claimed or waiting for a retry) holds the subscription: nothing new is
 *   claimed for it until that one settles, so messages never overtake each other. Its next
 *   message is that one, with no due time (the retry has its own time on the delivery).
 * - Otherwise the next message is the first enabled one after the progress that it has not
 *   received, due `dueAtAfter(last actual send, or subscribed_at)`, never before now; none left
 *   completes an active subscription.
 * - Paused subscriptions keep their status; only what they will get next is updated, without a
 *   due time (only active subscriptions have one; resuming works it out). Ended ones
 *   (completed, unsubscribed, stopped, failed) are left alone.
 */
import { baseOf, nextFor, nextWhilePaused } from '../services/subscription-progress';
import { dueContext, type EngineStore } from './engine-store';

export function advanceSubscription(env: EngineStore, subscriptionId: number, now: number): void {
  const { store } = env;
  const state = store.subscriptions.findState(subscriptionId);
  if (state === undefined || (state.status !== 'active' && state.status !== 'paused')) return;

  const open = store.deliveries.openFor(subscriptionId);
  if (open !== undefined) {
    store.subscriptions.setNext(subscriptionId, { nextMessageId: open.messageId, nextDueAt: null }, now);
    return;
  }
  const messages = store.messages.listBySequence(state.sequenceId);
  const progress = { lastSentPosition: state.lastSentPosition, received: store.deliveries.receivedMessageIds(subscriptionId) };
  if (state.status === 'paused') {
    store.subscriptions.setNext(subscriptionId, nextWhilePaused(messages, progress), now);
    return;
  }
  const next = nextFor(messages, progress, baseOf(state), dueContext(env.context(), now));
  if (next.nextMessageId === null) store.subscriptions.setState(subscriptionId, 'completed', next, now);
  else store.subscriptions.setNext(subscriptionId, next, now);
}
