/**
 * What the delivery engine reads and writes besides deliveries: which sequences may send, the
 * earliest due subscription of a sequence, and the counters and progress a send moves.
 *
 * Due work is found per sequence through `subscriptions_sequence_next_due` (sequence_id,
 * next_due_at IS NULL, next_due_at): O(log n) per sequence, and due rows of paused sequences or
 * sequences without a channel are never walked over. Only active subscriptions have a due time
 * (migration 0006), so the counts read the index alone; the lookup of THE next one still checks
 * the status, which costs one row read. `(next_due_at IS NULL) = 0` is written out so that
 * SQLite matches the index's expression column.
 */
import type { SqliteDatabase } from './database';
import { toBoolean, toChannelId, type ChannelId } from './row-values';

export interface SendingSequence {
  id: number;
  name: string;
  active: boolean;
  channel: ChannelId | null;
  /** With channel 'whatsapp': "WhatsApp, else SMS" (engine/routing.ts). */
  smsFallback: boolean;
}

interface SendingSequenceRow {
  id: number;
  name: string;
  active: number;
  channel: string | null;
  sms_fallback: number;
}

export class SendingRepository {
  private readonly selectSequences;
  private readonly selectSequence;
  private readonly selectEarliestDue;
  private readonly countDueOfSequence;
  private readonly countAllDue;
  private readonly advanceProgress;
  private readonly countSubscriptionSend;
  private readonly countMessageSend;

  constructor(db: SqliteDatabase) {
    this.selectSequences = db.prepare<[], SendingSequenceRow>('SELECT id, name, active, channel, sms_fallback FROM sequences ORDER BY id');
    this.selectSequence = db.prepare<[number], SendingSequenceRow>('SELECT id, name, active, channel, sms_fallback FROM sequences WHERE id = ?');
    this.selectEarliestDue = db.prepare<[number], { id: number; next_due_at: number }>(
      `SELECT id, next_due_at FROM subscriptions
       WHERE sequence_id = ? AND (next_due_at IS NULL) = 0 AND status = 'active'
       ORDER BY next_due_at, id LIMIT 1`,
    );
    this.countDueOfSequence = db.prepare<[number, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM subscriptions WHERE sequence_id = ? AND (next_due_at IS NULL) = 0 AND next_due_at <= ?`,
    );
    // One range of the index per sequence (there is no global due-time index).
    this.countAllDue = db.prepare<[number], { n: number }>(
      `SELECT COALESCE(SUM((SELECT COUNT(*) FROM subscriptions s
                            WHERE s.sequence_id = q.id AND (s.next_due_at IS NULL) = 0 AND s.next_due_at <= ?)), 0) AS n
       FROM sequences q`,
    );
    this.advanceProgress = db.prepare<[{ id: number; messageId: number; position: number; sentAt: number; now: number }]>(
      `UPDATE subscriptions
       SET last_sent_message_id = @messageId, last_sent_position = @position, last_sent_at = @sentAt,
           sent_count = sent_count + 1, updated_at = @now
       WHERE id = @id`,
    );
    this.countSubscriptionSend = db.prepare<[{ id: number; now: number }]>(
      'UPDATE subscriptions SET sent_count = sent_count + 1, updated_at = @now WHERE id = @id',
    );
    this.countMessageSend = db.prepare<[number]>('UPDATE messages SET sent_count = sent_count + 1 WHERE id = ?');
  }

  /** Every sequence with what decides whether it may send (few rows: read on every round). */
  sequences(): SendingSequence[] {
    return this.selectSequences.all().map(toSendingSequence);
  }

  /** One sequence's sending fields (without the counts the API's summary computes). */
  sequence(id: number): SendingSequence | undefined {
    const row = this.selectSequence.get(id);
    return row && toSendingSequence(row);
  }

  /** The active subscription of the sequence that falls due first, if any has a due time. */
  earliestDue(sequenceId: number): { subscriptionId: number; at: number } | undefined {
    const row = this.selectEarliestDue.get(sequenceId);
    return row && { subscriptionId: row.id, at: row.next_due_at };
  }

  /** Active subscriptions of the sequence due at or before `now`. */
  dueCount(sequenceId: number, now: number): number {
    return this.countDueOfSequence.get(sequenceId, now)?.n ?? 0;
  }

  /** Active subscriptions of every sequence due at or before `now`. */
  allDueCount(now: number): number {
    return this.countAllDue.get(now)?.n ?? 0;
  }

  /** A send of the message at `position` moved the subscription's progress forward; counts the send. */
  recordProgress(subscriptionId: number, progress: { messageId: number; position: number; sentAt: number }, now: number): void {
    this.advanceProgress.run({ id: subscriptionId, ...progress, now });
  }

  /** Counts a send that does not move the progress (an older message sent again by the owner). */
  countSendOnly(subscriptionId: number, now: number): void {
    this.countSubscriptionSend.run({ id: subscriptionId, now });
  }

  countMessageSent(messageId: number): void {
    this.countMessageSend.run(messageId);
  }
}

function toSendingSequence(row: SendingSequenceRow): SendingSequence {
  return {
    id: row.id,
    name: row.name,
    active: toBoolean(row.active),
    channel: row.channel === null ? null : toChannelId(row.channel),
    smsFallback: toBoolean(row.sms_fallback),
  };
}
