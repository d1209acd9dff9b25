/**
 * The inbound log (`inbound_messages`, migration 0007) and the subscription changes a customer's
 * message makes: the inbox, and what the inbound handling (inbound/inbound-service.ts) reads and
 * writes inside its one transaction per message.
 *
 * - A message is stored once per (provider, provider's message id): `insert` answers undefined for
 *   a repeat (a webhook the gateway retried, a WhatsApp message seen again after a reconnect).
 * - `actions` is the JSON array of what the message did (shared/schemas/inbound.ts); it is parsed
 *   again when read, so a hand-edited row fails loudly instead of showing nonsense.
 * - Subscriptions a message ends (STOP, stop-on-reply) get their `end_reason` and lose their
 *   next message and due time, so the engine's due index no longer holds them. Only live
 *   (active or paused) rows are ended: one that completed meanwhile stays completed.
 * - The inbox search reads every row (it is a log of a shop's conversations, not 100,000 rows a
 *   day): names and message text folded like the contacts search (accents, case), phone numbers
 *   by their digits.
 */
import { z } from 'zod';
import { InboundActionSchema, type inboundProviders } from '../../../shared/contract';
import type { InboundAction, InboundMessage } from '../../../shared/domain';
import type { SqliteDatabase } from './database';
import { toSubscriptionStatus } from './row-values';
import { foldForSearch, phoneDigitsOf } from './search-key';

export type InboundProvider = (typeof inboundProviders)[number];

export interface NewInboundMessage {
  channel: 'whatsapp' | 'sms';
  provider: InboundProvider;
  providerMessageId: string;
  /** At least one of the two is given (the table's CHECK). */
  fromPhone: string | null;
  fromWhatsappId: string | null;
  body: string;
  receivedAt: number;
}

/** A stored message as the inbound handling re-reads it (a repeat). */
export interface StoredInbound {
  id: number;
  contactId: number | null;
  actions: InboundAction[];
}

/** A message whose STOP/START confirmation is recorded as being sent, with what sending it again takes. */
export interface ConfirmationBeingSent extends StoredInbound {
  channel: 'whatsapp' | 'sms';
  provider: InboundProvider;
  /** As stored (the confirmation's idempotency key is derived from it). */
  providerMessageId: string;
  fromPhone: string | null;
  fromWhatsappId: string | null;
}

export interface LiveSubscription {
  id: number;
  sequenceId: number;
  sequenceName: string;
  status: 'active' | 'paused';
  stopOnReply: boolean;
}

export interface InboxQuery {
  search: string;
  offset: number;
  limit: number;
}

interface InboxRow {
  id: number;
  channel: string;
  provider: string;
  from_phone: string | null;
  from_whatsapp_id: string | null;
  contact_id: number | null;
  contact_name: string | null;
  body: string;
  received_at: number;
  actions: string;
}

interface SearchParams {
  term: string;
  digits: string;
}

const ActionsSchema = z.array(InboundActionSchema);

/** SQL function folding text like `foldForSearch` (the message text has no stored folded copy). */
const FOLD_FUNCTION = 'seqa_fold';

const INBOX_FROM = `FROM inbound_messages m LEFT JOIN contacts c ON c.id = m.contact_id`;
const INBOX_SEARCH = `(@term = ''
  OR instr(c.name_key, @term) > 0
  OR instr(${FOLD_FUNCTION}(m.body), @term) > 0
  OR (@digits <> '' AND (instr(m.from_phone, @digits) > 0 OR instr(c.phone, @digits) > 0)))`;

export class InboundRepository {
  private readonly insertRow;
  private readonly selectByProviderId;
  private readonly updateOutcome;
  private readonly updateActions;
  private readonly selectActions;
  private readonly selectOtherFrom;
  private readonly selectPage;
  private readonly selectCount;
  private readonly selectLive;
  private readonly updateEnded;
  private readonly selectCompleted;
  private readonly selectSince;
  private readonly selectMaybeSending;

  constructor(db: SqliteDatabase) {
    db.function(FOLD_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? foldForSearch(text) : null));
    this.insertRow = db.prepare<[NewInboundMessage & { now: number }]>(
      `INSERT INTO inbound_messages (channel, provider, provider_message_id, from_phone, from_whatsapp_id, body, received_at, created_at)
       VALUES (@channel, @provider, @providerMessageId, @fromPhone, @fromWhatsappId, @body, @receivedAt, @now)
       ON CONFLICT (provider, provider_message_id) DO NOTHING`,
    );
    this.selectByProviderId = db.prepare<[string, string], { id: number; contact_id: number | null; actions: string }>(
      'SELECT id, contact_id, actions FROM inbound_messages WHERE provider = ? AND provider_message_id = ?',
    );
    this.updateOutcome = db.prepare<[{ id: number; contactId: number | null; actions: string }]>(
      'UPDATE inbound_messages SET contact_id = @contactId, actions = @actions WHERE id = @id',
    );
    this.updateActions = db.prepare<[{ id: number; actions: string }]>('UPDATE inbound_messages SET actions = @actions WHERE id = @id');
    this.selectActions = db.prepare<[number], { actions: string }>('SELECT actions FROM inbound_messages WHERE id = ?');
    this.selectOtherFrom = db.prepare<[number, number], { 1: number }>(
      'SELECT 1 FROM inbound_messages WHERE contact_id = ? AND id <> ? LIMIT 1',
    );
    this.selectPage = db.prepare<[SearchParams & { limit: number; offset: number }], InboxRow>(
      `SELECT m.id, m.channel, m.provider, m.from_phone, m.from_whatsapp_id, m.contact_id, c.name AS contact_name, m.body,
              m.received_at, m.actions
       ${INBOX_FROM} WHERE ${INBOX_SEARCH}
       ORDER BY m.received_at DESC, m.id DESC LIMIT @limit OFFSET @offset`,
    );
    this.selectCount = db.prepare<[SearchParams], { n: number }>(`SELECT COUNT(*) AS n ${INBOX_FROM} WHERE ${INBOX_SEARCH}`);
    this.selectLive = db.prepare<[number], { id: number; sequence_id: number; name: string; status: string; stop_on_reply: number }>(
      `SELECT s.id, s.sequence_id, q.name, s.status, q.stop_on_reply
       FROM subscriptions s JOIN sequences q ON q.id = s.sequence_id
       WHERE s.contact_id = ? AND s.status IN ('active', 'paused')
       ORDER BY s.id`,
    );
    this.updateEnded = db.prepare<[{ id: number; status: 'unsubscribed' | 'stopped'; reason: string; now: number }]>(
      `UPDATE subscriptions SET status = @status, end_reason = @reason, next_message_id = NULL, next_due_at = NULL, updated_at = @now
       WHERE id = @id AND status IN ('active', 'paused')`,
    );
    this.selectCompleted = db.prepare<[number, number], { 1: number }>(
      "SELECT 1 FROM subscriptions WHERE contact_id = ? AND sequence_id = ? AND status = 'completed' LIMIT 1",
    );
    this.selectSince = db.prepare<[{ contactId: number; since: number; exceptId: number }], { body: string; received_at: number }>(
      `SELECT body, received_at FROM inbound_messages
       WHERE contact_id = @contactId AND received_at >= @since AND id <> @exceptId
       ORDER BY received_at DESC, id DESC`,
    );
    // A narrowing only (the schema decides): rows in the shape released before the state was
    // explicit never mark a send in progress, so only a stored state 'sending' is one.
    this.selectMaybeSending = db.prepare<[], { id: number; contact_id: number | null; channel: string; provider: string; provider_message_id: string; from_phone: string | null; from_whatsapp_id: string | null; actions: string }>(
      `SELECT id, contact_id, channel, provider, provider_message_id, from_phone, from_whatsapp_id, actions FROM inbound_messages m
       WHERE instr(m.actions, '"confirmation"') > 0
         AND EXISTS (SELECT 1 FROM json_each(m.actions) a
                     WHERE json_extract(a.value, '$.kind') = 'confirmation'
                       AND json_extract(a.value, '$.state') = 'sending')
       ORDER BY id`,
    );
  }

  /** Stores the message; undefined (nothing written) when this provider's message id is stored already. */
  insert(message: NewInboundMessage, now: number): number | undefined {
    const result = this.insertRow.run({ ...message, now });
    return result.changes === 1 ? Number(result.lastInsertRowid) : undefined;
  }

  findByProviderId(provider: InboundProvider, providerMessageId: string): StoredInbound | undefined {
    const row = this.selectByProviderId.get(provider, providerMessageId);
    return row && { id: row.id, contactId: row.contact_id, actions: toActions(row.actions) };
  }

  /** Records whom the message is from and what it did. */
  setOutcome(id: number, contactId: number | null, actions: readonly InboundAction[]): void {
    this.updateOutcome.run({ id, contactId, actions: JSON.stringify(actions) });
  }

  /**
   * Records the state of the message's STOP/START confirmation (sent after the commit): replaces
   * the confirmation action it has (there is one per message: "being sent", then how it went),
   * else adds it. False when no such message.
   */
  setConfirmation(id: number, confirmation: Extract<InboundAction, { kind: 'confirmation' }>): boolean {
    const row = this.selectActions.get(id);
    if (row === undefined) return false;
    const actions = toActions(row.actions);
    const at = actions.findIndex((action) => action.kind === 'confirmation');
    if (at === -1) actions.push(confirmation);
    else actions[at] = confirmation;
    this.updateActions.run({ id, actions: JSON.stringify(actions) });
    return true;
  }

  /** The messages whose confirmation is recorded as being sent (state 'sending'), oldest first. */
  confirmationsBeingSent(): ConfirmationBeingSent[] {
    return this.selectMaybeSending
      .all()
      .map((row) => ({
        id: row.id,
        contactId: row.contact_id,
        channel: row.channel === 'whatsapp' ? ('whatsapp' as const) : ('sms' as const),
        provider: toProvider(row.provider),
        providerMessageId: row.provider_message_id,
        fromPhone: row.from_phone,
        fromWhatsappId: row.from_whatsapp_id,
        actions: toActions(row.actions),
      }))
      .filter((row) => row.actions.some((action) => action.kind === 'confirmation' && action.state === 'sending'));
  }

  /** Whether the contact has a stored message other than `exceptId`: the first message is the one that auto-subscribes. */
  hasOtherFrom(contactId: number, exceptId: number): boolean {
    return this.selectOtherFrom.get(contactId, exceptId) !== undefined;
  }

  /** The inbox: newest first, with the contact's name, searched by name, phone or text. */
  list(query: InboxQuery): { rows: InboundMessage[]; total: number } {
    const term = foldForSearch(query.search.trim());
    const params: SearchParams = { term, digits: phoneDigitsOf(term) };
    const rows = this.selectPage.all({ ...params, limit: query.limit, offset: query.offset });
    return { rows: rows.map(toInboundMessage), total: this.selectCount.get(params)?.n ?? 0 };
  }

  /** The contact's active and paused subscriptions, with whether their sequence stops on a reply. */
  liveSubscriptionsOf(contactId: number): LiveSubscription[] {
    return this.selectLive.all(contactId).map((row) => {
      const status = toSubscriptionStatus(row.status);
      if (status !== 'active' && status !== 'paused') throw new Error(`Subscription ${row.id} is ${status}, not live.`);
      return { id: row.id, sequenceId: row.sequence_id, sequenceName: row.name, status, stopOnReply: row.stop_on_reply !== 0 };
    });
  }

  /** Ends a live subscription with the reason the timeline shows. False when it was not live. */
  endSubscription(id: number, status: 'unsubscribed' | 'stopped', reason: string, now: number): boolean {
    return this.updateEnded.run({ id, status, reason, now }).changes === 1;
  }

  /**
   * The contact's other messages written at or after `since`, newest first: a STOP or START that
   * arrives late (a retried webhook, WhatsApp's history) is weighed against what they wrote after it.
   */
  messagesFromSince(contactId: number, since: number, exceptId: number): Array<{ body: string; receivedAt: number }> {
    return this.selectSince.all({ contactId, since, exceptId }).map((row) => ({ body: row.body, receivedAt: row.received_at }));
  }

  /** Whether the contact has completed the sequence (auto-subscription does not start them again). */
  hasCompleted(contactId: number, sequenceId: number): boolean {
    return this.selectCompleted.get(contactId, sequenceId) !== undefined;
  }
}

function toActions(json: string): InboundAction[] {
  const parsed = ActionsSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`The actions of an inbound message in the database are not understood: ${json.slice(0, 200)}`);
  return parsed.data;
}

function toInboundMessage(row: InboxRow): InboundMessage {
  return {
    id: row.id,
    channel: row.channel === 'whatsapp' ? 'whatsapp' : 'sms',
    provider: toProvider(row.provider),
    fromPhone: row.from_phone,
    fromWhatsappId: row.from_whatsapp_id,
    contactId: row.contact_id,
    contactName: row.contact_id === null ? null : row.contact_name,
    body: row.body,
    receivedAt: row.received_at,
    actions: toActions(row.actions),
  };
}

function toProvider(value: string): InboundProvider {
  switch (value) {
    case 'whatsapp':
    case 'smsgate':
    case 'twilio':
    case 'test':
      return value;
    default:
      throw new Error(`Unknown inbound provider in the database: ${value}`);
  }
}
