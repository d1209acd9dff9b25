import type { SequenceSummary } from '../../../shared/domain';
import type { SqliteDatabase } from './database';
import { fromBoolean, toBoolean, toChannelId, type ChannelId } from './row-values';

interface SummaryRow {
  id: number;
  name: string;
  description: string;
  active: number;
  channel: string | null;
  sms_fallback: number;
  stop_on_reply: number;
  created_at: number;
  updated_at: number;
  message_count: number;
  enabled_message_count: number;
  sent_count: number;
  subscriber_count: number;
  active_subscriber_count: number;
}

export interface SequenceFields {
  name: string;
  description: string;
  active: boolean;
  /** Null until the owner picks one: due messages then wait. Omitted: null for a new sequence, unchanged on update. */
  channel?: ChannelId | null;
  /** "WhatsApp, else SMS" (with channel 'whatsapp'). Omitted: off for a new sequence, unchanged on update. */
  smsFallback?: boolean;
  /** Any reply (other than STOP/START) stops the customer's subscription. Omitted: as for smsFallback. */
  stopOnReply?: boolean;
}

/**
 * The key two names are compared by: "Welcome" and "WELCOME" (and "Ölkur"/"ölkur", which SQLite's
 * ASCII-only NOCASE would miss) are the same sequence name to a shop owner.
 */
export function sequenceNameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

// Message counts come from the join; subscriber counts from subqueries (a second join would
// multiply the rows), each answered from the covering index subscriptions_sequence_status.
const SUMMARY = `
  SELECT s.id, s.name, s.description, s.active, s.channel, s.sms_fallback, s.stop_on_reply, s.created_at, s.updated_at,
         COUNT(m.id) AS message_count,
         COALESCE(SUM(m.enabled), 0) AS enabled_message_count,
         COALESCE(SUM(m.sent_count), 0) AS sent_count,
         (SELECT COUNT(*) FROM subscriptions WHERE sequence_id = s.id) AS subscriber_count,
         (SELECT COUNT(*) FROM subscriptions WHERE sequence_id = s.id AND status = 'active') AS active_subscriber_count
  FROM sequences s
  LEFT JOIN messages m ON m.sequence_id = s.id`;

export class SequenceRepository {
  private readonly selectAll;
  private readonly selectOne;
  private readonly selectName;
  private readonly selectIdByNameKey;
  private readonly insertRow;
  private readonly updateRow;
  private readonly touchRow;
  private readonly deleteRow;

  constructor(db: SqliteDatabase) {
    // Grouping by the (unique) name key rather than the id lets SQLite walk sequences_name_key in
    // order and skip a sort.
    this.selectAll = db.prepare<[], SummaryRow>(`${SUMMARY} GROUP BY s.name_key ORDER BY s.name_key`);
    this.selectOne = db.prepare<[number], SummaryRow>(`${SUMMARY} WHERE s.id = ? GROUP BY s.id`);
    this.selectName = db.prepare<[number], { name: string }>('SELECT name FROM sequences WHERE id = ?');
    this.selectIdByNameKey = db.prepare<[string], { id: number }>('SELECT id FROM sequences WHERE name_key = ?');
    this.insertRow = db.prepare<
      [{ name: string; nameKey: string; description: string; active: 0 | 1; channel: ChannelId | null; smsFallback: 0 | 1; stopOnReply: 0 | 1; now: number }]
    >(
      `INSERT INTO sequences (name, name_key, description, active, channel, sms_fallback, stop_on_reply, created_at, updated_at)
       VALUES (@name, @nameKey, @description, @active, @channel, @smsFallback, @stopOnReply, @now, @now)`,
    );
    this.updateRow = db.prepare<
      [
        {
          id: number;
          name: string;
          nameKey: string;
          description: string;
          active: 0 | 1;
          keepChannel: 0 | 1;
          channel: ChannelId | null;
          smsFallback: 0 | 1 | null;
          stopOnReply: 0 | 1 | null;
          now: number;
        },
      ]
    >(
      `UPDATE sequences SET name = @name, name_key = @nameKey, description = @description, active = @active,
              channel = CASE WHEN @keepChannel = 1 THEN channel ELSE @channel END,
              sms_fallback = COALESCE(@smsFallback, sms_fallback), stop_on_reply = COALESCE(@stopOnReply, stop_on_reply), updated_at = @now
       WHERE id = @id`,
    );
    this.touchRow = db.prepare<[number, number]>('UPDATE sequences SET updated_at = ? WHERE id = ?');
    this.deleteRow = db.prepare<[number]>('DELETE FROM sequences WHERE id = ?');
  }

  /** Every sequence with its counts, in name order. */
  list(): SequenceSummary[] {
    return this.selectAll.all().map(toSummary);
  }

  findById(id: number): SequenceSummary | undefined {
    const row = this.selectOne.get(id);
    return row && toSummary(row);
  }

  /** Whether the sequence exists: `findById` without its counts. */
  exists(id: number): boolean {
    return this.selectName.get(id) !== undefined;
  }

  /** The sequence's name, or undefined when no such sequence: `findById` without its counts. */
  nameOf(id: number): string | undefined {
    return this.selectName.get(id)?.name;
  }

  /** The id of the sequence that already uses this name (compared case-insensitively), if any. */
  findIdByName(name: string): number | undefined {
    return this.selectIdByNameKey.get(sequenceNameKey(name))?.id;
  }

  insert(fields: SequenceFields, now: number): number {
    const result = this.insertRow.run({
      name: fields.name,
      nameKey: sequenceNameKey(fields.name),
      description: fields.description,
      active: fromBoolean(fields.active),
      channel: fields.channel ?? null,
      smsFallback: fromBoolean(fields.smsFallback ?? false),
      stopOnReply: fromBoolean(fields.stopOnReply ?? false),
      now,
    });
    return Number(result.lastInsertRowid);
  }

  /** False when no such sequence. */
  update(id: number, fields: SequenceFields, now: number): boolean {
    const result = this.updateRow.run({
      id,
      name: fields.name,
      nameKey: sequenceNameKey(fields.name),
      description: fields.description,
      active: fromBoolean(fields.active),
      keepChannel: fromBoolean(fields.channel === undefined),
      channel: fields.channel ?? null,
      smsFallback: fields.smsFallback === undefined ? null : fromBoolean(fields.smsFallback),
      stopOnReply: fields.stopOnReply === undefined ? null : fromBoolean(fields.stopOnReply),
      now,
    });
    return result.changes === 1;
  }

  /** Marks the sequence as edited (its messages changed). */
  touch(id: number, now: number): void {
    this.touchRow.run(now, id);
  }

  /** Deletes the sequence and, by cascade, its messages, subscriptions and deliveries. False when no such sequence. */
  delete(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }
}

function toSummary(row: SummaryRow): SequenceSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    active: toBoolean(row.active),
    channel: row.channel === null ? null : toChannelId(row.channel),
    smsFallback: toBoolean(row.sms_fallback),
    stopOnReply: toBoolean(row.stop_on_reply),
    messageCount: row.message_count,
    enabledMessageCount: row.enabled_message_count,
    subscriberCount: row.subscriber_count,
    activeSubscriberCount: row.active_subscriber_count,
    sentCount: row.sent_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
