/**
 * The SQL behind restoring a backup (core/backup/restore.ts has the why): checking that a file is
 * a sound database, and reading what the database being REPLACED knew about the outside world that
 * the backup does not — sends, opt-outs, ended subscriptions, the engine's pacing and heartbeat —
 * by attaching it (only read from) next to the backup's connection.
 *
 * Rows are matched by identity, not by id alone: ids are SQLite rowids and a row deleted after the
 * backup can have its id reused by a new one. A subscription is the same if its id, contact,
 * sequence and creation time agree; a message if its id, sequence and creation time do; a contact
 * if its id and creation time do.
 */
import type { FallbackReason } from './delivery-repository';
import type { SqliteDatabase } from './database';
import { toChannelId, toDeliveryStatus, type ChannelId, type DeliveryStatus } from './row-values';

const REPLACED = 'replaced';

/** Statuses of a delivery that may have reached the customer. */
const MAY_HAVE_GONE_OUT = `('sent', 'claimed', 'retrying', 'unknown')`;

export interface ReplacedDelivery {
  subscriptionId: number;
  messageId: number;
  channel: ChannelId;
  status: 'sent' | 'claimed' | 'retrying' | 'unknown';
  deliveryKey: string | null;
  dueAt: number;
  sentAt: number | null;
  providerMessageId: string | null;
  renderedText: string | null;
  /** The remark recorded with it (sent) or its last error. */
  error: string | null;
  fallback: FallbackReason | null;
  /**
   * When its last attempt was claimed (when the row was created, if never). An earlier attempt
   * that may have gone out started a run of failures, so `failingSince` covers it.
   */
  lastClaimAt: number;
  /** When its current run of transient failures began; null while none. */
  failingSince: number | null;
  /** Attempts made so far: the give-up rule counts them. */
  attempts: number;
  /** The backup's own delivery for the same subscription and message, if it has one. */
  restored: { id: number; status: DeliveryStatus; deliveryKey: string | null } | null;
}

export interface ReplacedHistory {
  /** Deliveries that may have gone out which the backup records differently (or not at all), oldest first. */
  deliveries: ReplacedDelivery[];
  /** Contacts of the backup that opted out since. */
  optOuts: Array<{ contactId: number; optedOutAt: number }>;
  /** Subscriptions live in the backup that were unsubscribed or stopped since. */
  ended: Array<{ subscriptionId: number; status: 'unsubscribed' | 'stopped'; endReason: string | null }>;
  /** Subscriptions live in the backup that no longer exist (removed, or their contact deleted). */
  gone: number[];
  /** The engine's own `engine.*` settings (pacing, heartbeat, downtimes, pause), as stored JSON text. */
  engineSettings: Array<{ key: string; value: string }>;
}

interface DeliveryRow {
  subscription_id: number;
  message_id: number;
  channel: string;
  status: string;
  delivery_key: string | null;
  due_at: number;
  sent_at: number | null;
  provider_message_id: string | null;
  rendered_text: string | null;
  error: string | null;
  fallback: string | null;
  last_claim_at: number;
  failing_since: number | null;
  attempts: number;
  restored_id: number | null;
  restored_status: string | null;
  restored_key: string | null;
}

/** "ok", or what SQLite found wrong (PRAGMA quick_check: structure, not every index entry). */
export function quickCheck(db: SqliteDatabase): string {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  return rows.map((row) => row.quick_check).join('; ');
}

/** Folds the WAL into the main file and empties it, so the main file alone is the whole database. */
export function checkpointFully(db: SqliteDatabase): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** What the database at `replacedPath` knows that the one open on `db` (the restored backup) does not. */
export function readReplacedHistory(db: SqliteDatabase, replacedPath: string): ReplacedHistory {
  // Only read from (the file is the safety copy the restore made, not the live database).
  db.prepare(`ATTACH DATABASE ? AS ${REPLACED}`).run(replacedPath);
  try {
    return {
      deliveries: readDeliveries(db),
      optOuts: db
        .prepare<[], { id: number; opted_out_at: number }>(
          `SELECT c.id, o.opted_out_at FROM main.contacts c
           JOIN ${REPLACED}.contacts o ON o.id = c.id AND o.created_at = c.created_at
           WHERE c.opted_out_at IS NULL AND o.opted_out_at IS NOT NULL
           ORDER BY c.id`,
        )
        .all()
        .map((row) => ({ contactId: row.id, optedOutAt: row.opted_out_at })),
      ended: db
        .prepare<[], { id: number; status: string; end_reason: string | null }>(
          `SELECT s.id, o.status, o.end_reason FROM main.subscriptions s
           JOIN ${REPLACED}.subscriptions o ON ${SAME_SUBSCRIPTION}
           WHERE s.status IN ('active', 'paused') AND o.status IN ('unsubscribed', 'stopped')
           ORDER BY s.id`,
        )
        .all()
        .map((row) => ({ subscriptionId: row.id, status: row.status === 'stopped' ? 'stopped' : 'unsubscribed', endReason: row.end_reason })),
      gone: db
        .prepare<[], { id: number }>(
          `SELECT s.id FROM main.subscriptions s
           WHERE s.status IN ('active', 'paused')
             AND NOT EXISTS (SELECT 1 FROM ${REPLACED}.subscriptions o WHERE ${SAME_SUBSCRIPTION})
           ORDER BY s.id`,
        )
        .all()
        .map((row) => row.id),
      engineSettings: db
        .prepare<[], { key: string; value: string }>(`SELECT key, value FROM ${REPLACED}.settings WHERE key LIKE 'engine.%' ORDER BY key`)
        .all(),
    };
  } finally {
    db.exec(`DETACH DATABASE ${REPLACED}`);
  }
}

const SAME_SUBSCRIPTION = 'o.id = s.id AND o.contact_id = s.contact_id AND o.sequence_id = s.sequence_id AND o.created_at = s.created_at';

function readDeliveries(db: SqliteDatabase): ReplacedDelivery[] {
  const rows = db
    .prepare<[], DeliveryRow>(
      `SELECT o.subscription_id, o.message_id, o.channel, o.status, o.delivery_key, o.due_at, o.sent_at, o.provider_message_id,
              o.rendered_text, o.error, o.fallback, COALESCE(o.claimed_at, o.created_at) AS last_claim_at,
              o.failing_since, o.attempts, d.id AS restored_id, d.status AS restored_status, d.delivery_key AS restored_key
       FROM ${REPLACED}.deliveries o
       JOIN ${REPLACED}.subscriptions os ON os.id = o.subscription_id
       JOIN main.subscriptions s ON s.id = os.id AND s.contact_id = os.contact_id AND s.sequence_id = os.sequence_id AND s.created_at = os.created_at
       JOIN ${REPLACED}.messages om ON om.id = o.message_id
       JOIN main.messages m ON m.id = om.id AND m.sequence_id = om.sequence_id AND m.created_at = om.created_at
       LEFT JOIN main.deliveries d ON d.subscription_id = o.subscription_id AND d.message_id = o.message_id
       WHERE o.status IN ${MAY_HAVE_GONE_OUT}
         AND (d.id IS NULL OR d.status <> o.status OR d.delivery_key IS NOT o.delivery_key
              -- Same state and key, but attempted again since the backup: that attempt may have gone out.
              OR (o.status <> 'sent' AND (d.claimed_at IS NOT o.claimed_at OR d.failing_since IS NOT o.failing_since)))
       ORDER BY o.id`,
    )
    .all();
  return rows.map((row) => ({
    subscriptionId: row.subscription_id,
    messageId: row.message_id,
    channel: toChannelId(row.channel),
    status: mayHaveGoneOut(row.status),
    deliveryKey: row.delivery_key,
    dueAt: row.due_at,
    sentAt: row.sent_at,
    providerMessageId: row.provider_message_id,
    renderedText: row.rendered_text,
    error: row.error,
    fallback: row.fallback === 'not-on-whatsapp' || row.fallback === 'whatsapp-down' ? row.fallback : null,
    lastClaimAt: row.last_claim_at,
    failingSince: row.failing_since,
    attempts: row.attempts,
    restored:
      row.restored_id === null || row.restored_status === null
        ? null
        : { id: row.restored_id, status: toDeliveryStatus(row.restored_status), deliveryKey: row.restored_key },
  }));
}

function mayHaveGoneOut(status: string): ReplacedDelivery['status'] {
  if (status === 'sent' || status === 'claimed' || status === 'retrying' || status === 'unknown') return status;
  throw new Error(`Unexpected delivery status ${status}`);
}

/** Writes of the carry-over that no other repository offers; call inside the restore's transaction. */
export class RestoreRepository {
  private readonly optOutRow;
  private readonly endRow;
  private readonly settingRow;
  private readonly attemptTimesRow;

  constructor(db: SqliteDatabase) {
    this.optOutRow = db.prepare<[{ id: number; at: number; now: number }]>(
      'UPDATE contacts SET opted_out_at = @at, updated_at = @now WHERE id = @id AND opted_out_at IS NULL',
    );
    this.endRow = db.prepare<[{ id: number; status: string; endReason: string | null; now: number }]>(
      `UPDATE subscriptions SET status = @status, end_reason = @endReason, next_message_id = NULL, next_due_at = NULL, updated_at = @now
       WHERE id = @id AND status IN ('active', 'paused')`,
    );
    this.settingRow = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    // The earliest of what either database knew (MIN of several arguments is NULL if one is: hence COALESCE).
    this.attemptTimesRow = db.prepare<[{ id: number; lastClaimAt: number; failingSince: number | null; attempts: number }]>(
      `UPDATE deliveries SET
         attempts = MAX(attempts, @attempts),
         claimed_at = @lastClaimAt,
         failing_since = CASE WHEN @failingSince IS NULL THEN failing_since
                              WHEN failing_since IS NULL THEN @failingSince
                              ELSE MIN(failing_since, @failingSince) END
       WHERE id = @id AND status = 'claimed'`,
    );
  }

  optOut(contactId: number, optedOutAt: number, now: number): boolean {
    return this.optOutRow.run({ id: contactId, at: optedOutAt, now }).changes === 1;
  }

  endSubscription(id: number, status: 'unsubscribed' | 'stopped', endReason: string | null, now: number): boolean {
    return this.endRow.run({ id, status, endReason, now }).changes === 1;
  }

  /**
   * A claimed delivery of the restored file takes on the attempts the replaced database made: its
   * claim time becomes that of the replaced database's last attempt (recovery asks a channel such
   * as WhatsApp what went out since then, and counts the next message's delay from it when the
   * channel cannot say when it went out; the carry-over's own claim, at the restore, would miss
   * the attempt), its run of failures the earliest either knew (recovery and a retry look back to
   * the first failed attempt, which may have gone out; it also bounds how long it is retried),
   * and its attempt count the larger (the give-up rule counts attempts as well as time).
   */
  carryAttemptTimes(id: number, replaced: { lastClaimAt: number; failingSince: number | null; attempts: number }): boolean {
    return this.attemptTimesRow
      .run({ id, lastClaimAt: replaced.lastClaimAt, failingSince: replaced.failingSince, attempts: replaced.attempts })
      .changes === 1;
  }

  /** A setting copied as the JSON text it was stored as. */
  copySetting(key: string, jsonText: string): void {
    this.settingRow.run(key, jsonText);
  }
}
