/**
 * Messages of a sequence, kept in a contiguous 1..n order.
 *
 * Positions are unique per sequence and SQLite checks that row by row, so any rewrite of the order
 * goes through `renumber`: park every position above the current maximum, then write the final
 * ones (see migration 0001). Callers run it inside their use case's transaction.
 */
import type { DelayUnit } from '../../../shared/contract';
import type { Media, Message } from '../../../shared/domain';
import type { SqliteDatabase } from './database';
import { fromBoolean, toBoolean, toDelayUnit, toMediaKind } from './row-values';

interface MessageRow {
  id: number;
  sequence_id: number;
  position: number;
  name: string;
  body: string;
  delay_amount: number;
  delay_unit: string;
  send_at: string | null;
  enabled: number;
  sent_count: number;
  created_at: number;
  updated_at: number;
  media_id: number | null;
  media_sha256: string | null;
  media_file_name: string | null;
  media_mime_type: string | null;
  media_kind: string | null;
  media_size_bytes: number | null;
  media_created_at: number | null;
}

/** What the owner edits; position, counts and timestamps are the repository's business. */
export interface MessageFields {
  name: string;
  body: string;
  mediaId: number | null;
  delayAmount: number;
  delayUnit: DelayUnit;
  sendAt: string | null;
}

const SELECT = `
  SELECT m.id, m.sequence_id, m.position, m.name, m.body, m.delay_amount, m.delay_unit, m.send_at,
         m.enabled, m.sent_count, m.created_at, m.updated_at,
         md.id AS media_id, md.sha256 AS media_sha256, md.file_name AS media_file_name,
         md.mime_type AS media_mime_type, md.kind AS media_kind, md.size_bytes AS media_size_bytes,
         md.created_at AS media_created_at
  FROM messages m
  LEFT JOIN media md ON md.id = m.media_id`;

export class MessageRepository {
  private readonly selectBySequence;
  private readonly selectOne;
  private readonly selectIds;
  private readonly insertRow;
  private readonly updateRow;
  private readonly setEnabledRow;
  private readonly deleteRow;
  private readonly parkPositions;
  private readonly setPosition;
  private readonly copyRows;

  constructor(db: SqliteDatabase) {
    this.selectBySequence = db.prepare<[number], MessageRow>(`${SELECT} WHERE m.sequence_id = ? ORDER BY m.position`);
    this.selectOne = db.prepare<[number], MessageRow>(`${SELECT} WHERE m.id = ?`);
    this.selectIds = db.prepare<[number], { id: number }>(
      'SELECT id FROM messages WHERE sequence_id = ? ORDER BY position',
    );
    this.insertRow = db.prepare<[MessageFields & { sequenceId: number; enabled: 0 | 1; now: number }]>(
      `INSERT INTO messages (sequence_id, position, name, body, media_id, delay_amount, delay_unit, send_at,
                             enabled, sent_count, created_at, updated_at)
       VALUES (@sequenceId,
               (SELECT COALESCE(MAX(position), 0) + 1 FROM messages WHERE sequence_id = @sequenceId),
               @name, @body, @mediaId, @delayAmount, @delayUnit, @sendAt, @enabled, 0, @now, @now)`,
    );
    this.updateRow = db.prepare<[MessageFields & { id: number; now: number }]>(
      `UPDATE messages SET name = @name, body = @body, media_id = @mediaId, delay_amount = @delayAmount,
              delay_unit = @delayUnit, send_at = @sendAt, updated_at = @now
       WHERE id = @id`,
    );
    this.setEnabledRow = db.prepare<[{ id: number; enabled: 0 | 1; now: number }]>(
      'UPDATE messages SET enabled = @enabled, updated_at = @now WHERE id = @id',
    );
    this.deleteRow = db.prepare<[number]>('DELETE FROM messages WHERE id = ?');
    // Every new value is above every old one, so no step of this statement can collide.
    this.parkPositions = db.prepare<[{ sequenceId: number }]>(
      `UPDATE messages
       SET position = position + (SELECT MAX(position) FROM messages WHERE sequence_id = @sequenceId)
       WHERE sequence_id = @sequenceId`,
    );
    this.setPosition = db.prepare<[{ id: number; sequenceId: number; position: number }]>(
      'UPDATE messages SET position = @position WHERE id = @id AND sequence_id = @sequenceId',
    );
    this.copyRows = db.prepare<[{ from: number; to: number; now: number }]>(
      `INSERT INTO messages (sequence_id, position, name, body, media_id, delay_amount, delay_unit, send_at,
                             enabled, sent_count, created_at, updated_at)
       SELECT @to, position, name, body, media_id, delay_amount, delay_unit, send_at, enabled, 0, @now, @now
       FROM messages WHERE sequence_id = @from ORDER BY position`,
    );
  }

  /** The sequence's messages in order, each with its media. */
  listBySequence(sequenceId: number): Message[] {
    return this.selectBySequence.all(sequenceId).map(toMessage);
  }

  findById(id: number): Message | undefined {
    const row = this.selectOne.get(id);
    return row && toMessage(row);
  }

  /** The sequence's message ids in order. */
  idsBySequence(sequenceId: number): number[] {
    return this.selectIds.all(sequenceId).map((row) => row.id);
  }

  /** Appends a message at the end of the sequence; returns its id. */
  append(sequenceId: number, fields: MessageFields, enabled: boolean, now: number): number {
    const result = this.insertRow.run({ ...fields, sequenceId, enabled: fromBoolean(enabled), now });
    return Number(result.lastInsertRowid);
  }

  update(id: number, fields: MessageFields, now: number): void {
    this.updateRow.run({ ...fields, id, now });
  }

  setEnabled(id: number, enabled: boolean, now: number): void {
    this.setEnabledRow.run({ id, enabled: fromBoolean(enabled), now });
  }

  /** Deletes one message; the caller renumbers the rest. */
  delete(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }

  /**
   * Gives the sequence's messages the positions 1..n in the order of `orderedIds`, which must be
   * exactly the sequence's ids (the caller checks; a stray id throws and rolls the caller back).
   */
  renumber(sequenceId: number, orderedIds: readonly number[]): void {
    this.parkPositions.run({ sequenceId });
    orderedIds.forEach((id, index) => {
      const { changes } = this.setPosition.run({ id, sequenceId, position: index + 1 });
      if (changes !== 1) throw new Error(`Message ${id} is not in sequence ${sequenceId}.`);
    });
  }

  /** Copies every message of one sequence into another (empty) one; sent counts start at 0. */
  copyAll(fromSequenceId: number, toSequenceId: number, now: number): void {
    this.copyRows.run({ from: fromSequenceId, to: toSequenceId, now });
  }
}

function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    sequenceId: row.sequence_id,
    position: row.position,
    name: row.name,
    body: row.body,
    media: toMedia(row),
    delayAmount: row.delay_amount,
    delayUnit: toDelayUnit(row.delay_unit),
    sendAt: row.send_at,
    enabled: toBoolean(row.enabled),
    sentCount: row.sent_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toMedia(row: MessageRow): Media | null {
  if (
    row.media_id === null ||
    row.media_sha256 === null ||
    row.media_file_name === null ||
    row.media_mime_type === null ||
    row.media_kind === null ||
    row.media_size_bytes === null ||
    row.media_created_at === null
  ) {
    return null;
  }
  return {
    id: row.media_id,
    sha256: row.media_sha256,
    fileName: row.media_file_name,
    mimeType: row.media_mime_type,
    kind: toMediaKind(row.media_kind),
    sizeBytes: row.media_size_bytes,
    createdAt: row.media_created_at,
  };
}
