/**
 * Deliveries: what happened to each message of each subscription (DESIGN.md §5). The engine
 * writes them; this issue only reads them (timelines, progress) and tests insert them.
 */
import type { SqliteDatabase } from './database';
import { toDeliveryStatus, type DeliveryStatus } from './row-values';

interface DeliveryRow {
  id: number;
  subscription_id: number;
  message_id: number;
  channel: string | null;
  status: string;
  attempts: number;
  due_at: number;
  claimed_at: number | null;
  next_attempt_at: number | null;
  sent_at: number | null;
  error: string | null;
  updated_at: number;
}

export interface Delivery {
  id: number;
  subscriptionId: number;
  messageId: number;
  channel: string | null;
  status: DeliveryStatus;
  attempts: number;
  dueAt: number;
  claimedAt: number | null;
  nextAttemptAt: number | null;
  sentAt: number | null;
  error: string | null;
  updatedAt: number;
}

export interface NewDelivery {
  subscriptionId: number;
  messageId: number;
  channel: string | null;
  status: DeliveryStatus;
  dueAt: number;
  attempts?: number;
  claimedAt?: number | null;
  sentAt?: number | null;
  providerMessageId?: string | null;
  renderedText?: string | null;
  error?: string | null;
}

export class DeliveryRepository {
  private readonly insertRow;
  private readonly selectBySubscription;
  private readonly selectReceivedAhead;

  constructor(db: SqliteDatabase) {
    this.insertRow = db.prepare<[Required<NewDelivery> & { now: number }]>(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, attempts, due_at, claimed_at, sent_at,
                               provider_message_id, rendered_text, error, created_at, updated_at)
       VALUES (@subscriptionId, @messageId, @channel, @status, @attempts, @dueAt, @claimedAt, @sentAt,
               @providerMessageId, @renderedText, @error, @now, @now)`,
    );
    this.selectBySubscription = db.prepare<[number], DeliveryRow>(
      `SELECT id, subscription_id, message_id, channel, status, attempts, due_at, claimed_at, next_attempt_at, sent_at,
              error, updated_at
       FROM deliveries WHERE subscription_id = ?`,
    );
    // Deliveries of messages that now sit after the subscription's progress: only a reorder that
    // moved a received message forward makes these, so the result is small.
    this.selectReceivedAhead = db.prepare<[number], { subscription_id: number; message_id: number }>(
      `SELECT d.subscription_id, d.message_id
       FROM subscriptions s
       JOIN deliveries d ON d.subscription_id = s.id
       JOIN messages m ON m.id = d.message_id
       WHERE s.sequence_id = ? AND s.status IN ('active', 'paused') AND m.position > s.last_sent_position`,
    );
  }

  insert(delivery: NewDelivery, now: number): number {
    const result = this.insertRow.run({
      attempts: 0,
      claimedAt: null,
      sentAt: null,
      providerMessageId: null,
      renderedText: null,
      error: null,
      ...delivery,
      now,
    });
    return Number(result.lastInsertRowid);
  }

  listBySubscription(subscriptionId: number): Delivery[] {
    return this.selectBySubscription.all(subscriptionId).map(toDelivery);
  }

  /** The ids of the messages this subscription has a delivery for (sent, tried, or skipped). */
  receivedMessageIds(subscriptionId: number): Set<number> {
    return new Set(this.selectBySubscription.all(subscriptionId).map((row) => row.message_id));
  }

  /**
   * For the live subscriptions of a sequence: the messages each has a delivery for although they
   * are positioned after its progress. Subscriptions without any are absent from the map.
   */
  receivedAheadOfProgress(sequenceId: number): Map<number, Set<number>> {
    const bySubscription = new Map<number, Set<number>>();
    for (const row of this.selectReceivedAhead.all(sequenceId)) {
      let set = bySubscription.get(row.subscription_id);
      if (set === undefined) {
        set = new Set();
        bySubscription.set(row.subscription_id, set);
      }
      set.add(row.message_id);
    }
    return bySubscription;
  }
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    messageId: row.message_id,
    channel: row.channel,
    status: toDeliveryStatus(row.status),
    attempts: row.attempts,
    dueAt: row.due_at,
    claimedAt: row.claimed_at,
    nextAttemptAt: row.next_attempt_at,
    sentAt: row.sent_at,
    error: row.error,
    updatedAt: row.updated_at,
  };
}
