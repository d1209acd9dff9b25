/**
 * When claiming one piece of work throws something nobody expected (a bug, data the code did not
 * foresee), that piece is set aside so it cannot hold up its channel's queue: otherwise the same
 * oldest item would be picked and fail again on every round, and one bad message would stop every
 * send on the channel.
 *
 * Setting aside is the permanent-failure path with a readable reason, in its own transaction (the
 * claim's was rolled back):
 * - a new message: a `failed` delivery is recorded for the subscription's next message, then the
 *   permanent-failure setting applies (move on to the next message, or stop the subscription);
 * - a retry: the delivery becomes `failed`, then the same setting applies.
 * If even that cannot be written (the move-on itself throws), the subscription is marked `failed`
 * with nothing due, which takes it out of the queue for good; the owner sees it in the subscriber
 * list and the activity log.
 *
 * Errors of the database itself (locked, full, I/O) are not the item's fault: `isStoreFailure`
 * tells them apart, and the engine holds the whole channel for a while instead.
 */
import type { TableName } from '../../../shared/contract';
import type { ChannelId } from '../channels/channel';
import { errorMessage } from '../errors';
import type { Logger } from '../logger';
import type { WorkItem } from './claim';
import type { EngineStore } from './engine-store';
import { afterPermanentFailure } from './record';

const STORE_FAILURES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_NOMEM', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_PROTOCOL'];

/** True for errors of the database or the disk, which say nothing about the item being claimed. */
export function isStoreFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && STORE_FAILURES.some((prefix) => code.startsWith(prefix))) return true;
  // better-sqlite3 after close().
  return error instanceof TypeError && /database connection is not open/i.test(error.message);
}

/** The owner-facing reason for a delivery that was set aside. */
export function setAsideReason(error: unknown): string {
  const detail = errorMessage(error);
  return `Not sent: something unexpected went wrong while preparing this message (${detail.slice(0, 200)}). The other messages went on; check this message and the contact's details.`;
}

/**
 * Takes `item` out of the channel's queue as described above. Returns the tables it changed;
 * empty when there was nothing left to set aside (the item settled meanwhile). Throws only if
 * nothing at all could be written.
 */
export function setAside(env: EngineStore, logger: Logger, channel: ChannelId, item: WorkItem, reason: string, now: number): TableName[] {
  const { store } = env;
  try {
    return store.write(() => (item.kind === 'new' ? failNew(env, channel, item.subscriptionId, reason, now) : failRetry(env, item.deliveryId, reason, now)));
  } catch (error) {
    // Moving on threw as well: take the subscription out of the queue.
    logger.error('Could not move on past a message that was set aside; its subscription is marked failed', { item, error: String(error) });
    return store.write((): TableName[] => {
      const subscriptionId = item.kind === 'new' ? item.subscriptionId : store.deliveries.findById(item.deliveryId)?.subscriptionId;
      const finished = item.kind === 'retry' && store.deliveries.finish(item.deliveryId, 'retrying', 'failed', reason, now);
      const state = subscriptionId === undefined ? undefined : store.subscriptions.findState(subscriptionId);
      if (state === undefined || (state.status !== 'active' && state.status !== 'paused')) return finished ? ['deliveries'] : [];
      store.subscriptions.setState(state.id, 'failed', { nextMessageId: null, nextDueAt: null }, now);
      return ['deliveries', 'subscriptions', 'sequences'];
    });
  }
}

function failNew(env: EngineStore, channel: ChannelId, subscriptionId: number, reason: string, now: number): TableName[] {
  const { store } = env;
  const state = store.subscriptions.findState(subscriptionId);
  if (state === undefined || state.status !== 'active' || state.nextDueAt === null) return [];
  const messageId = state.nextMessageId;
  if (messageId === null || store.deliveries.receivedMessageIds(subscriptionId).has(messageId)) {
    throw new Error(`Subscription ${subscriptionId} has no next message that could be marked failed.`);
  }
  store.deliveries.insert({ subscriptionId, messageId, channel, status: 'failed', dueAt: state.nextDueAt, error: reason }, now);
  afterPermanentFailure(env, subscriptionId, now);
  return ['deliveries', 'subscriptions', 'sequences'];
}

function failRetry(env: EngineStore, deliveryId: number, reason: string, now: number): TableName[] {
  const { store } = env;
  const delivery = store.deliveries.findById(deliveryId);
  if (delivery === undefined || delivery.status !== 'retrying') return [];
  store.deliveries.finish(deliveryId, 'retrying', 'failed', reason, now);
  afterPermanentFailure(env, delivery.subscriptionId, now);
  return ['deliveries', 'subscriptions', 'sequences'];
}
