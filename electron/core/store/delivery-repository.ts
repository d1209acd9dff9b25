/**
 * Deliveries: what happened to each message of each subscription (DESIGN.md §5).
 *
 * The engine moves a delivery through its states with the guarded updates below. Each update
 * names the state it expects (`WHERE status = …`) and reports whether it applied, so a caller
 * that lost a race (an owner's action, a deletion) finds out instead of overwriting:
 *
 *   (new) ──claim──▶ claimed ──sent──▶ sent
 *                     │  ▲  ╰──give up──▶ failed
 *            transient│  │reclaim
 *        / channel down▼  │
 *                    retrying ──cancelled / turned off / opted out / too late──▶ skipped
 *                    retrying ──sequence moved to another channel──▶ retrying there, new key
 *   claimed ──crash, provider cannot tell──▶ unknown ──owner: send again──▶ retrying
 *                                               ╰──owner: mark as sent──▶ sent
 *   (new) ──opted out / too late──▶ skipped
 *   claimed ──WhatsApp: not on WhatsApp, "WhatsApp, else SMS"──▶ retrying on SMS, new key (`fallback`)
 *
 * Receipts (`receipt`, `receipt_at`) are written on their own, after the send, and only ever move
 * forward: server < delivered < read < played.
 */
import type { ReceiptLevel } from '../channels/channel';
import type { Statement } from 'better-sqlite3';
import type { Delivery as ApiDelivery } from '../../../shared/domain';
import type { SqliteDatabase } from './database';
import { toChannelId, toDeliveryStatus, type ChannelId, type DeliveryStatus } from './row-values';
import { scanCondition, searchTermsOf } from './contact-search';

interface DeliveryRow {
  id: number;
  subscription_id: number;
  message_id: number;
  channel: string;
  status: string;
  delivery_key: string | null;
  attempts: number;
  due_at: number;
  claimed_at: number | null;
  next_attempt_at: number | null;
  sent_at: number | null;
  provider_message_id: string | null;
  rendered_text: string | null;
  error: string | null;
  failing_since: number | null;
  receipt: string | null;
  receipt_at: number | null;
  fallback: string | null;
  updated_at: number;
}

export interface Delivery {
  id: number;
  subscriptionId: number;
  messageId: number;
  channel: ChannelId;
  status: DeliveryStatus;
  /** The idempotency key given to the provider; null only for rows that never went to one. */
  deliveryKey: string | null;
  attempts: number;
  dueAt: number;
  claimedAt: number | null;
  nextAttemptAt: number | null;
  sentAt: number | null;
  providerMessageId: string | null;
  renderedText: string | null;
  error: string | null;
  /** When the current run of transient failures began (the first failed attempt); null while none. */
  failingSince: number | null;
  /** The furthest acknowledgement after the send (migration 0007). */
  receipt: ReceiptLevel | null;
  receiptAt: number | null;
  /** Why a delivery of a "WhatsApp, else SMS" sequence was handed to SMS (migration 0008); null otherwise. */
  fallback: FallbackReason | null;
  updatedAt: number;
}

/** Why a delivery of a "WhatsApp, else SMS" sequence goes by SMS (see engine/routing.ts). */
export type FallbackReason = 'not-on-whatsapp' | 'whatsapp-down';

export interface NewDelivery {
  subscriptionId: number;
  messageId: number;
  channel: ChannelId;
  status: DeliveryStatus;
  dueAt: number;
  attempts?: number;
  claimedAt?: number | null;
  sentAt?: number | null;
  providerMessageId?: string | null;
  renderedText?: string | null;
  error?: string | null;
  deliveryKey?: string | null;
}

export interface NewClaim {
  subscriptionId: number;
  messageId: number;
  channel: ChannelId;
  dueAt: number;
  deliveryKey: string;
  renderedText: string;
  fallback: FallbackReason | null;
}

export interface DeliveryListQuery {
  status: DeliveryStatus | null;
  channel: ChannelId | null;
  sequenceId: number | null;
  search: string;
  offset: number;
  limit: number;
}

interface ListParams {
  status: string | null;
  channel: string | null;
  sequenceId: number | null;
  term: string;
  digits: string;
  limit: number;
  offset: number;
}

interface ListRow extends DeliveryRow {
  sequence_id: number;
  sequence_name: string;
  message_name: string;
  contact_name: string;
  phone: string;
}

const COLUMNS = `id, subscription_id, message_id, channel, status, delivery_key, attempts, due_at, claimed_at, next_attempt_at,
                 sent_at, provider_message_id, rendered_text, error, failing_since, receipt, receipt_at, fallback, updated_at`;
const D_COLUMNS = COLUMNS.split(',')
  .map((column) => `d.${column.trim()}`)
  .join(', ');
const OPEN = `('claimed', 'retrying')`;

export class DeliveryRepository {
  private readonly insertRow;
  private readonly selectById;
  private readonly selectBySubscription;
  private readonly selectOpen;
  private readonly selectClaimed;
  private readonly insertClaim;
  private readonly reclaimRow;
  private readonly sentRow;
  private readonly retryRow;
  private readonly finishRow;
  private readonly selectNextRetry;
  private readonly countSentBetween;
  private readonly countStatus;
  private readonly countRetryDue;
  private readonly countRetryDueOn;
  private readonly countRetryDueOfSequence;
  private readonly moveRow;
  private readonly fallbackRow;
  private readonly toSmsRow;
  private readonly receiptByProviderIdRow;
  private readonly receiptByKeyRow;
  private readonly selectByWhatsAppId;
  private readonly selectBySmsKey;
  private readonly smsFailureNoteRow;
  private readonly selectListItem;
  private readonly pages = new Map<string, Statement<[ListParams], ListRow>>();
  private readonly counts = new Map<string, Statement<[ListParams], { n: number }>>();

  constructor(private readonly db: SqliteDatabase) {
    this.insertRow = db.prepare<[Required<NewDelivery> & { now: number }]>(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, attempts, due_at, claimed_at, sent_at,
                               provider_message_id, rendered_text, error, created_at, updated_at)
       VALUES (@subscriptionId, @messageId, @channel, @status, @deliveryKey, @attempts, @dueAt, @claimedAt, @sentAt,
               @providerMessageId, @renderedText, @error, @now, @now)`,
    );
    this.selectById = db.prepare<[number], DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`);
    this.selectBySubscription = db.prepare<[number], DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE subscription_id = ?`);
    this.selectOpen = db.prepare<[number], DeliveryRow>(
      `SELECT ${COLUMNS} FROM deliveries WHERE subscription_id = ? AND status IN ${OPEN} ORDER BY id LIMIT 1`,
    );
    this.selectClaimed = db.prepare<[], DeliveryRow>(`SELECT ${COLUMNS} FROM deliveries WHERE status = 'claimed' ORDER BY id`);
    this.insertClaim = db.prepare<[NewClaim & { now: number }]>(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, attempts, due_at, claimed_at,
                               rendered_text, fallback, created_at, updated_at)
       VALUES (@subscriptionId, @messageId, @channel, 'claimed', @deliveryKey, 1, @dueAt, @now, @renderedText, @fallback, @now, @now)`,
    );
    this.reclaimRow = db.prepare<[{ id: number; now: number }]>(
      `UPDATE deliveries SET status = 'claimed', attempts = attempts + 1, claimed_at = @now, next_attempt_at = NULL, updated_at = @now
       WHERE id = @id AND status = 'retrying'`,
    );
    this.sentRow = db.prepare<[{ id: number; from: string; sentAt: number; providerMessageId: string | null; note: string | null; now: number }]>(
      `UPDATE deliveries SET status = 'sent', sent_at = @sentAt, provider_message_id = @providerMessageId, error = @note,
              next_attempt_at = NULL, updated_at = @now
       WHERE id = @id AND status = @from`,
    );
    // failing: 1 = a transient failure (starts the run if none is going), 0 = leave it, -1 = end it.
    this.retryRow = db.prepare<[{ id: number; from: string; nextAttemptAt: number; error: string | null; refund: number; deliveryKey: string | null; failing: number; now: number }]>(
      `UPDATE deliveries SET status = 'retrying', next_attempt_at = @nextAttemptAt, error = @error,
              attempts = MAX(0, attempts - @refund), delivery_key = COALESCE(@deliveryKey, delivery_key),
              failing_since = CASE @failing WHEN 1 THEN COALESCE(failing_since, @now) WHEN -1 THEN NULL ELSE failing_since END,
              updated_at = @now
       WHERE id = @id AND status = @from`,
    );
    this.finishRow = db.prepare<[{ id: number; from: string; status: string; error: string | null; now: number }]>(
      `UPDATE deliveries SET status = @status, error = @error, next_attempt_at = NULL, updated_at = @now
       WHERE id = @id AND status = @from`,
    );
    // Retries whose time has come on a channel, oldest first. Which channel serves a retry is the
    // engine's routing rule (engine/routing.ts) applied to its profile (see retryRoutes): mostly
    // its SEQUENCE's channel as it is now (a retry follows its sequence to another channel and
    // waits while it has none). Waits while the subscription is paused or the sequence is paused;
    // the engine decides what to do with ended subscriptions.
    this.selectNextRetry = db.prepare<[{ routes: string }], { id: number; next_attempt_at: number }>(NEXT_RETRY_SQL);
    this.moveRow = db.prepare<[{ id: number; channel: string; deliveryKey: string; fallback: string | null; now: number }]>(
      `UPDATE deliveries SET channel = @channel, delivery_key = @deliveryKey, fallback = @fallback, failing_since = NULL, updated_at = @now
       WHERE id = @id AND status = 'retrying'`,
    );
    this.fallbackRow = db.prepare<[{ id: number; fallback: string; now: number }]>(
      `UPDATE deliveries SET fallback = @fallback, updated_at = @now WHERE id = @id AND status = 'retrying'`,
    );
    this.toSmsRow = db.prepare<[{ id: number; deliveryKey: string; fallback: string; error: string; now: number }]>(
      `UPDATE deliveries SET status = 'retrying', channel = 'sms', delivery_key = @deliveryKey, fallback = @fallback, error = @error,
              attempts = MAX(0, attempts - 1), next_attempt_at = @now, failing_since = NULL, updated_at = @now
       WHERE id = @id AND status = 'claimed'`,
    );
    // Receipts never move back (a late or repeated acknowledgement changes nothing), and leave
    // updated_at alone: the activity log is ordered by what the app did, not by what the phone saw.
    this.receiptByProviderIdRow = db.prepare<[{ id: string; level: string; rank: number; at: number }]>(
      `UPDATE deliveries SET receipt = @level, receipt_at = @at
       WHERE channel = 'whatsapp' AND provider_message_id = @id AND provider_message_id IS NOT NULL AND ${RECEIPT_RANK} < @rank`,
    );
    this.receiptByKeyRow = db.prepare<[{ id: string; level: string; rank: number; at: number }]>(
      `UPDATE deliveries SET receipt = @level, receipt_at = @at
       WHERE delivery_key = @id AND delivery_key IS NOT NULL AND channel = 'sms' AND ${RECEIPT_RANK} < @rank`,
    );
    this.selectByWhatsAppId = db.prepare<[string], { id: number }>(
      `SELECT id FROM deliveries WHERE channel = 'whatsapp' AND provider_message_id = ? AND provider_message_id IS NOT NULL LIMIT 1`,
    );
    this.smsFailureNoteRow = db.prepare<[{ key: string; note: string; now: number }]>(
      `UPDATE deliveries SET error = @note, updated_at = @now
       WHERE delivery_key = @key AND delivery_key IS NOT NULL AND channel = 'sms' AND status = 'sent' AND (error IS NULL OR error <> @note)`,
    );
    this.selectBySmsKey = db.prepare<[string], { id: number }>(
      `SELECT id FROM deliveries WHERE delivery_key = ? AND delivery_key IS NOT NULL AND channel = 'sms'`,
    );
    this.countRetryDueOfSequence = db.prepare<[{ sequenceId: number; now: number }], { n: number }>(
      `SELECT COUNT(*) AS n FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
       WHERE d.status = 'retrying' AND d.next_attempt_at <= @now AND s.sequence_id = @sequenceId AND s.status <> 'paused'`,
    );
    this.countSentBetween = db.prepare<[{ channel: string; from: number; to: number }], { n: number }>(
      `SELECT COUNT(*) AS n FROM deliveries WHERE channel = @channel AND sent_at >= @from AND sent_at < @to AND status = 'sent'`,
    );
    this.countStatus = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM deliveries WHERE status = ?');
    this.countRetryDue = db.prepare<[number], { n: number }>(
      `SELECT COUNT(*) AS n FROM deliveries WHERE status = 'retrying' AND next_attempt_at <= ?`,
    );
    this.countRetryDueOn = db.prepare<[{ routes: string; now: number }], { n: number }>(
      `SELECT COUNT(*) AS n ${RETRY_FROM} WHERE ${RETRY_ROUTED} AND d.next_attempt_at <= @now`,
    );
    this.selectListItem = db.prepare<[number], ListRow>(`${LIST_SELECT} WHERE d.id = ?`);
  }

  /** A row as tests and migrations of old data write it; the engine uses the state transitions below. */
  insert(delivery: NewDelivery, now: number): number {
    const result = this.insertRow.run({
      attempts: 0,
      claimedAt: null,
      sentAt: null,
      providerMessageId: null,
      renderedText: null,
      error: null,
      deliveryKey: null,
      ...delivery,
      now,
    });
    return Number(result.lastInsertRowid);
  }

  findById(id: number): Delivery | undefined {
    const row = this.selectById.get(id);
    return row && toDelivery(row);
  }

  listBySubscription(subscriptionId: number): Delivery[] {
    return this.selectBySubscription.all(subscriptionId).map(toDelivery);
  }

  /** The ids of the messages this subscription has a delivery for (sent, tried, or skipped). */
  receivedMessageIds(subscriptionId: number): Set<number> {
    return new Set(this.selectBySubscription.all(subscriptionId).map((row) => row.message_id));
  }

  /** The subscription's delivery that is being sent or waits for a retry, if any (at most one). */
  openFor(subscriptionId: number): Delivery | undefined {
    const row = this.selectOpen.get(subscriptionId);
    return row && toDelivery(row);
  }

  /** Deliveries left `claimed` (a crash between claim and record), for start-up recovery. */
  claimed(): Delivery[] {
    return this.selectClaimed.all().map(toDelivery);
  }

  /** A new delivery, claimed for its first attempt. Throws if the subscription already has one for this message. */
  claim(claim: NewClaim, now: number): number {
    return Number(this.insertClaim.run({ ...claim, now }).lastInsertRowid);
  }

  /** retrying → claimed, counting another attempt. */
  reclaim(id: number, now: number): boolean {
    return this.reclaimRow.run({ id, now }).changes === 1;
  }

  /** claimed (or, when the owner says so, unknown) → sent. `note` is a remark for the owner ("attachment not sent"). */
  markSent(id: number, sent: { sentAt: number; providerMessageId: string | null; note: string | null }, now: number, from: 'claimed' | 'unknown' = 'claimed'): boolean {
    return this.sentRow.run({ id, from, ...sent, now }).changes === 1;
  }

  /**
   * claimed → retrying at `nextAttemptAt`. `refund` gives back the attempt the claim counted (the
   * channel was down: not the message's fault). `failed`: the attempt failed transiently, so the
   * run of failures (`failingSince`) starts now unless one is going already.
   */
  markRetrying(id: number, retry: { nextAttemptAt: number; error: string | null; refund: boolean; failed?: boolean }, now: number): boolean {
    const { nextAttemptAt, error, refund, failed = false } = retry;
    return this.retryRow.run({ id, from: 'claimed', nextAttemptAt, error, refund: refund ? 1 : 0, deliveryKey: null, failing: failed ? 1 : 0, now }).changes === 1;
  }

  /** Ends a delivery as failed, unknown or skipped, with the reason for the owner. */
  finish(id: number, from: 'claimed' | 'retrying', status: 'failed' | 'unknown' | 'skipped', error: string, now: number): boolean {
    return this.finishRow.run({ id, from, status, error, now }).changes === 1;
  }

  /** unknown → retrying now, under a new key (the provider must not take it for the old one), with a fresh retry window. */
  resend(id: number, deliveryKey: string, now: number): boolean {
    return this.retryRow.run({ id, from: 'unknown', nextAttemptAt: now, error: null, refund: 0, deliveryKey, failing: -1, now }).changes === 1;
  }

  /** A delivery that never went to a channel: recorded so the activity log says why. */
  insertSkipped(skip: { subscriptionId: number; messageId: number; channel: ChannelId; dueAt: number; reason: string }, now: number): number {
    return this.insert({ ...skip, status: 'skipped', error: skip.reason }, now);
  }

  /**
   * A retry that now goes through another channel (its sequence moved, or SMS stands in for
   * WhatsApp: `fallback`): it goes out there, under a new key (the new provider never saw the old
   * one) and with a fresh retry window.
   */
  moveToChannel(id: number, channel: ChannelId, deliveryKey: string, fallback: FallbackReason | null, now: number): boolean {
    return this.moveRow.run({ id, channel, deliveryKey, fallback, now }).changes === 1;
  }

  /** A retry already on SMS that now goes there in place of WhatsApp: remembered, so it stays there. */
  markFallback(id: number, fallback: FallbackReason, now: number): boolean {
    return this.fallbackRow.run({ id, fallback, now }).changes === 1;
  }

  /**
   * claimed → retrying on SMS at once, under a new key, the attempt given back (nothing reached
   * the customer): WhatsApp said the number is not on WhatsApp and the sequence allows SMS.
   */
  handToSms(id: number, handOver: { deliveryKey: string; fallback: FallbackReason; reason: string }, now: number): boolean {
    return this.toSmsRow.run({ id, deliveryKey: handOver.deliveryKey, fallback: handOver.fallback, error: handOver.reason, now }).changes === 1;
  }

  /**
   * Records an acknowledgement that came after the send, if it is further than what is known:
   * WhatsApp's by the provider's message id, SMS by our delivery key (SMSGate's message ids are
   * our keys). 'not-newer': the delivery already had this receipt or a later one; 'unmatched':
   * no delivery has that id (yet).
   */
  recordReceipt(receipt: { channel: ChannelId; providerMessageId: string; level: ReceiptLevel; at: number }): 'recorded' | 'not-newer' | 'unmatched' {
    const params = { id: receipt.providerMessageId, level: receipt.level, rank: RECEIPT_LEVELS.indexOf(receipt.level) + 1, at: receipt.at };
    const [update, find] =
      receipt.channel === 'whatsapp' ? [this.receiptByProviderIdRow, this.selectByWhatsAppId] : receipt.channel === 'sms' ? [this.receiptByKeyRow, this.selectBySmsKey] : [null, null];
    if (update === null) return 'unmatched';
    if (update.run(params).changes > 0) return 'recorded';
    return find.get(receipt.providerMessageId) === undefined ? 'unmatched' : 'not-newer';
  }

  /**
   * The SMS gateway accepted a message but reports later that the phone could not deliver it:
   * said on the sent delivery (found by our key), which stays sent (it went to the provider, and
   * its counts and the subscriber's progress stand). False when nothing matched or it was said already.
   */
  noteSmsNotDelivered(deliveryKey: string, note: string, now: number): boolean {
    return this.smsFailureNoteRow.run({ key: deliveryKey, note, now }).changes > 0;
  }

  /** The earliest retry (subscription not paused, sequence active) that `routes` send through one channel, at or after its time. */
  nextRetry(routes: RetryRoutes): { id: number; at: number } | undefined {
    const row = this.selectNextRetry.get({ routes: routes.codes });
    return row && { id: row.id, at: row.next_attempt_at };
  }

  /** Messages a channel sent in [from, to): the daily cap. */
  sentBetween(channel: ChannelId, from: number, to: number): number {
    return this.countSentBetween.get({ channel, from, to })?.n ?? 0;
  }

  countByStatus(status: DeliveryStatus): number {
    return this.countStatus.get(status)?.n ?? 0;
  }

  /** Retries whose time has come (any channel). */
  retriesDue(now: number): number {
    return this.countRetryDue.get(now)?.n ?? 0;
  }

  /** Retries whose time has come that `routes` send through one channel (subscription not paused, sequence active). */
  retriesDueOn(routes: RetryRoutes, now: number): number {
    return this.countRetryDueOn.get({ routes: routes.codes, now })?.n ?? 0;
  }

  /** Retries whose time has come of one sequence (subscription not paused). */
  retriesDueOfSequence(sequenceId: number, now: number): number {
    return this.countRetryDueOfSequence.get({ sequenceId, now })?.n ?? 0;
  }

  /** The activity log row of one delivery. */
  findListItem(id: number): ApiDelivery | undefined {
    const row = this.selectListItem.get(id);
    return row && toListItem(row);
  }

  /**
   * One page of the activity log, newest activity first, with the number of matching rows. The
   * statement is chosen per filter combination (and cached), so each one can use its index:
   * `deliveries_updated_at` without a status, `deliveries_status_updated` with one.
   */
  list(query: DeliveryListQuery): { rows: ApiDelivery[]; total: number } {
    const { term, digits } = searchTermsOf(query.search);
    const params: ListParams = {
      status: query.status,
      channel: query.channel,
      sequenceId: query.sequenceId,
      term,
      digits,
      limit: query.limit,
      offset: query.offset,
    };
    const where = listWhere(query, term !== '');
    const total = this.countStatement(where).get(params)?.n ?? 0;
    if (total === 0 || query.offset >= total) return { rows: [], total };
    return { rows: this.pageStatement(where).all(params).map(toListItem), total };
  }

  private countStatement(where: string): Statement<[ListParams], { n: number }> {
    let statement = this.counts.get(where);
    if (statement === undefined) {
      // Only the joins the filter needs: every delivery has its subscription and contact.
      const from = where.includes('c.') ? LIST_FROM : where.includes('s.') ? 'FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id' : 'FROM deliveries d';
      statement = this.db.prepare<[ListParams], { n: number }>(`SELECT COUNT(*) AS n ${from} WHERE ${where}`);
      this.counts.set(where, statement);
    }
    return statement;
  }

  private pageStatement(where: string): Statement<[ListParams], ListRow> {
    let statement = this.pages.get(where);
    if (statement === undefined) {
      statement = this.db.prepare<[ListParams], ListRow>(
        `${LIST_SELECT} WHERE ${where} ORDER BY d.updated_at DESC, d.id DESC LIMIT @limit OFFSET @offset`,
      );
      this.pages.set(where, statement);
    }
    return statement;
  }
}

// --- Retry routing ------------------------------------------------------------------------

/**
 * What the routing rule (engine/routing.ts) looks at in a retry. The store does not know the rule:
 * the engine answers, once per channel and situation, which of the (few) possible profiles that
 * channel serves (`retryRoutes`), and the queries keep the retries whose profile is among them.
 */
export interface RetryProfile {
  sequence: { channel: ChannelId; smsFallback: boolean };
  delivery: { channel: ChannelId; handedToSms: boolean; failing: boolean };
  hasPhone: boolean;
}

/** The profiles one channel serves, as the queries take them. */
export interface RetryRoutes {
  readonly codes: string;
}

const CHANNEL_CODES: readonly ChannelId[] = ['test', 'sms', 'whatsapp'];
const SEQUENCE_MODES: ReadonlyArray<RetryProfile['sequence']> = [
  { channel: 'test', smsFallback: false },
  { channel: 'sms', smsFallback: false },
  { channel: 'whatsapp', smsFallback: false },
  { channel: 'whatsapp', smsFallback: true },
];

/** A profile as one number; RETRY_PROFILE computes the same in SQL. */
export function retryProfileCode(profile: RetryProfile): number {
  const { sequence, delivery } = profile;
  const mode = sequence.channel === 'test' ? 0 : sequence.channel === 'sms' ? 1 : sequence.smsFallback ? 3 : 2;
  const bit = (flag: boolean): number => (flag ? 1 : 0);
  return (((mode * 3 + CHANNEL_CODES.indexOf(delivery.channel)) * 2 + bit(delivery.handedToSms)) * 2 + bit(delivery.failing)) * 2 + bit(profile.hasPhone);
}

/** Every profile a retry can have. */
export const RETRY_PROFILES: readonly RetryProfile[] = SEQUENCE_MODES.flatMap((sequence) =>
  CHANNEL_CODES.flatMap((channel) =>
    [false, true].flatMap((handedToSms) =>
      [false, true].flatMap((failing) => [false, true].map((hasPhone) => ({ sequence, delivery: { channel, handedToSms, failing }, hasPhone }))),
    ),
  ),
);

/** The profiles `serves` accepts, for nextRetry and retriesDueOn. */
export function retryRoutes(serves: (profile: RetryProfile) => boolean): RetryRoutes {
  const codes = RETRY_PROFILES.filter(serves).map(retryProfileCode);
  return { codes: `,${codes.join(',')},` };
}

const RETRY_PROFILE = `
  ((((CASE q.channel WHEN 'test' THEN 0 WHEN 'sms' THEN 1 ELSE 2 + q.sms_fallback END) * 3
     + CASE d.channel WHEN 'test' THEN 0 WHEN 'sms' THEN 1 ELSE 2 END) * 2
     + (d.fallback IS NOT NULL)) * 2 + (d.failing_since IS NOT NULL)) * 2 + (c.phone IS NOT NULL)`;
const RETRY_FROM = `
  FROM deliveries d
  JOIN subscriptions s ON s.id = d.subscription_id
  JOIN sequences q ON q.id = s.sequence_id
  JOIN contacts c ON c.id = s.contact_id`;
const RETRY_ROUTED = `d.status = 'retrying' AND s.status <> 'paused' AND q.active = 1 AND q.channel IS NOT NULL
  AND instr(@routes, ',' || (${RETRY_PROFILE}) || ',') > 0`;

/** The oldest retry a channel serves (exported for the query-plan test). */
export const NEXT_RETRY_SQL = `SELECT d.id, d.next_attempt_at ${RETRY_FROM} WHERE ${RETRY_ROUTED} ORDER BY d.next_attempt_at, d.id LIMIT 1`;

/** A receipt's place in server < delivered < read < played; 0 for none. */
const RECEIPT_RANK = `CASE receipt WHEN 'server' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'played' THEN 4 ELSE 0 END`;

/** The contact's folded name contains the term, or its phone the term's digits (contact-search.ts). */
const SEARCH = scanCondition('c');
const LIST_FROM = `
  FROM deliveries d
  JOIN subscriptions s ON s.id = d.subscription_id
  JOIN contacts c ON c.id = s.contact_id`;
const LIST_SELECT = `
  SELECT ${D_COLUMNS}, s.sequence_id, q.name AS sequence_name, m.name AS message_name, c.name AS contact_name, c.phone
  ${LIST_FROM}
  JOIN sequences q ON q.id = s.sequence_id
  JOIN messages m ON m.id = d.message_id`;

function listWhere(query: DeliveryListQuery, searching: boolean): string {
  const parts = ['1 = 1'];
  if (query.status !== null) parts.push('d.status = @status');
  if (query.channel !== null) parts.push('d.channel = @channel');
  if (query.sequenceId !== null) parts.push('s.sequence_id = @sequenceId');
  if (searching) parts.push(SEARCH);
  return parts.join(' AND ');
}

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    messageId: row.message_id,
    channel: toChannelId(row.channel),
    status: toDeliveryStatus(row.status),
    deliveryKey: row.delivery_key,
    attempts: row.attempts,
    dueAt: row.due_at,
    claimedAt: row.claimed_at,
    nextAttemptAt: row.next_attempt_at,
    sentAt: row.sent_at,
    providerMessageId: row.provider_message_id,
    renderedText: row.rendered_text,
    error: row.error,
    failingSince: row.failing_since,
    receipt: toReceipt(row.receipt),
    receiptAt: row.receipt_at,
    fallback: toFallback(row.fallback),
    updatedAt: row.updated_at,
  };
}

function toFallback(value: string | null): FallbackReason | null {
  return value === 'not-on-whatsapp' || value === 'whatsapp-down' ? value : null;
}

function toListItem(row: ListRow): ApiDelivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    sequenceId: row.sequence_id,
    sequenceName: row.sequence_name,
    messageId: row.message_id,
    messageName: row.message_name,
    contactName: row.contact_name,
    phone: row.phone,
    channel: toChannelId(row.channel),
    status: toDeliveryStatus(row.status),
    attempts: row.attempts,
    dueAt: row.due_at,
    sentAt: row.sent_at,
    nextAttemptAt: row.next_attempt_at,
    renderedText: row.rendered_text ?? '',
    error: row.error,
    providerMessageId: row.provider_message_id,
    receipt: toReceipt(row.receipt),
    receiptAt: row.receipt_at,
    updatedAt: row.updated_at,
  };
}

const RECEIPT_LEVELS: readonly ReceiptLevel[] = ['server', 'delivered', 'read', 'played'];
function toReceipt(value: string | null): ReceiptLevel | null {
  return RECEIPT_LEVELS.find((level) => level === value) ?? null;
}
