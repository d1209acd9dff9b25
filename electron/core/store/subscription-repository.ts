/**
 * Subscriptions: a contact's place in a sequence.
 *
 * The subscribers view is paged in SQL (LIMIT/OFFSET and a separate COUNT), and every sort the API
 * offers ends with the id, so pages never overlap or skip rows when values tie. The sorts by
 * status, subscribed, last-sent and next-due time walk an index of migration 0002; name and phone
 * sorts walk contacts in order (see `Strategy` for how a query picks its plan).
 *
 * Free of the event bus and of services: the CSV import calls `findLive`/`insertActive` from a
 * worker thread on its own connection.
 */
import type { Statement } from 'better-sqlite3';
import type { SubscriptionStatus } from '../../../shared/contract';
import type { Subscriber } from '../../../shared/domain';
import type { SqliteDatabase } from './database';
import { toAttributes, toSubscriptionSource, toSubscriptionStatus, type SubscriptionSource } from './row-values';
import { foldForSearch, phoneDigitsOf } from './search-key';

interface SubscriberRow {
  id: number;
  contact_id: number;
  sequence_id: number;
  phone: string;
  name: string;
  status: string;
  source: string;
  subscribed_at: number;
  last_sent_at: number | null;
  next_due_at: number | null;
  sent_count: number;
  last_id: number | null;
  last_name: string | null;
  last_position: number | null;
  next_id: number | null;
  next_name: string | null;
  next_position: number | null;
}

interface StateRow {
  id: number;
  contact_id: number;
  sequence_id: number;
  status: string;
  subscribed_at: number;
  last_sent_message_id: number | null;
  last_sent_position: number;
  last_sent_at: number | null;
  next_message_id: number | null;
  next_due_at: number | null;
}

/** The raw progress of a subscription, as the progress rules and the state transitions need it. */
export interface SubscriptionState {
  id: number;
  contactId: number;
  sequenceId: number;
  status: SubscriptionStatus;
  subscribedAt: number;
  lastSentMessageId: number | null;
  /** Position of the last message sent, in the sequence's current order; 0 when nothing was sent. */
  lastSentPosition: number;
  lastSentAt: number | null;
  nextMessageId: number | null;
  nextDueAt: number | null;
}

export interface NextMessage {
  nextMessageId: number | null;
  nextDueAt: number | null;
}

export interface NewSubscription extends NextMessage {
  contactId: number;
  sequenceId: number;
  source: SubscriptionSource;
  subscribedAt: number;
}

export type SubscriberSort = 'name' | 'phone' | 'status' | 'subscribedAt' | 'lastSentAt' | 'nextDueAt';

export interface SubscriberListQuery {
  sequenceId: number;
  search: string;
  status: SubscriptionStatus | null;
  sort: SubscriberSort;
  direction: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface Membership {
  subscriptionId: number;
  sequenceId: number;
  sequenceName: string;
  status: SubscriptionStatus;
}

interface PageParams {
  sequenceId: number;
  status: string | null;
  term: string;
  digits: string;
  limit: number;
  offset: number;
}

const SUBSCRIBER_COLUMNS = `
  s.id, s.contact_id, s.sequence_id, c.phone, c.name, s.status, s.source, s.subscribed_at,
  s.last_sent_at, s.next_due_at, s.sent_count,
  lm.id AS last_id, lm.name AS last_name, lm.position AS last_position,
  nm.id AS next_id, nm.name AS next_name, nm.position AS next_position`;
const SUBSCRIBER_JOINS = `
  JOIN contacts c ON c.id = s.contact_id
  LEFT JOIN messages lm ON lm.id = s.last_sent_message_id
  LEFT JOIN messages nm ON nm.id = s.next_message_id`;
const SUBSCRIBER = `SELECT ${SUBSCRIBER_COLUMNS} FROM subscriptions s ${SUBSCRIBER_JOINS}`;

const STATE = `
  SELECT id, contact_id, sequence_id, status, subscribed_at, last_sent_message_id, last_sent_position,
         last_sent_at, next_message_id, next_due_at
  FROM subscriptions`;

const ORDER: Record<SubscriberSort, (dir: string) => string> = {
  name: (dir) => `c.name_key ${dir}, s.id ${dir}`,
  phone: (dir) => `c.phone ${dir}, s.id ${dir}`,
  status: (dir) => `s.status ${dir}, s.id ${dir}`,
  subscribedAt: (dir) => `s.subscribed_at ${dir}, s.id ${dir}`,
  lastSentAt: (dir) => `s.last_sent_at ${dir}, s.id ${dir}`,
  // Rows without a next message sort after the others in ascending order (matches the index).
  nextDueAt: (dir) => `s.next_due_at IS NULL ${dir}, s.next_due_at ${dir}, s.id ${dir}`,
};

const SEARCH = `(instr(c.name_key, @term) > 0 OR (@digits <> '' AND instr(c.phone, @digits) > 0))`;
const LIVE = `('active', 'paused')`;

export class SubscriptionRepository {
  private readonly selectById;
  private readonly selectState;
  private readonly selectLiveStates;
  private readonly selectLive;
  private readonly insertRow;
  private readonly updateState;
  private readonly updateNext;
  private readonly deleteRow;
  private readonly selectByContact;
  private readonly selectMemberships;
  private readonly syncPositions;
  private readonly shiftPositions;
  private readonly selectAllOfSequence;
  private readonly pages = new Map<string, Statement<[PageParams], SubscriberRow>>();
  private readonly counts = new Map<string, Statement<[PageParams], { n: number }>>();

  constructor(private readonly db: SqliteDatabase) {
    this.selectById = db.prepare<[number], SubscriberRow>(`${SUBSCRIBER} WHERE s.id = ?`);
    this.selectState = db.prepare<[number], StateRow>(`${STATE} WHERE id = ?`);
    this.selectLiveStates = db.prepare<[number], StateRow>(
      `${STATE} WHERE sequence_id = ? AND status IN ${LIVE} ORDER BY id`,
    );
    this.selectLive = db.prepare<[number, number], { id: number; status: string }>(
      `SELECT id, status FROM subscriptions WHERE contact_id = ? AND sequence_id = ? AND status IN ${LIVE}`,
    );
    // DO NOTHING on the live index: "already subscribed" is an answer, not an error, for imports.
    this.insertRow = db.prepare<[NewSubscription & { now: number }]>(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, next_message_id, next_due_at,
                                  created_at, updated_at)
       VALUES (@contactId, @sequenceId, 'active', @source, @subscribedAt, @nextMessageId, @nextDueAt, @now, @now)
       ON CONFLICT (contact_id, sequence_id) WHERE status IN ${LIVE} DO NOTHING`,
    );
    this.updateState = db.prepare<[NextMessage & { id: number; status: SubscriptionStatus; now: number }]>(
      `UPDATE subscriptions SET status = @status, next_message_id = @nextMessageId, next_due_at = @nextDueAt,
              updated_at = @now
       WHERE id = @id`,
    );
    this.updateNext = db.prepare<[NextMessage & { id: number; now: number }]>(
      `UPDATE subscriptions SET next_message_id = @nextMessageId, next_due_at = @nextDueAt, updated_at = @now
       WHERE id = @id`,
    );
    this.deleteRow = db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?');
    this.selectByContact = db.prepare<[number], SubscriberRow & { sequence_name: string }>(
      `SELECT q.name AS sequence_name, sub.* FROM (${SUBSCRIBER} WHERE s.contact_id = ?) sub
       JOIN sequences q ON q.id = sub.sequence_id
       ORDER BY q.name_key, sub.subscribed_at DESC, sub.id DESC`,
    );
    this.selectMemberships = db.prepare<[string], { contact_id: number; id: number; sequence_id: number; name: string; status: string }>(
      `SELECT s.contact_id, s.id, s.sequence_id, q.name, s.status
       FROM subscriptions s JOIN sequences q ON q.id = s.sequence_id
       WHERE s.contact_id IN (SELECT value FROM json_each(?))
       ORDER BY q.name_key, s.subscribed_at DESC, s.id DESC`,
    );
    this.syncPositions = db.prepare<[number]>(
      `UPDATE subscriptions
       SET last_sent_position = (SELECT position FROM messages WHERE id = last_sent_message_id)
       WHERE sequence_id = ? AND last_sent_message_id IS NOT NULL
         AND last_sent_position <> (SELECT position FROM messages WHERE id = last_sent_message_id)`,
    );
    this.selectAllOfSequence = db.prepare<[number], SubscriberRow & { attributes: string }>(
      `SELECT ${SUBSCRIBER_COLUMNS}, c.attributes FROM subscriptions s ${SUBSCRIBER_JOINS}
       WHERE s.sequence_id = ? ORDER BY s.subscribed_at, s.id`,
    );
    this.shiftPositions = db.prepare<[{ sequenceId: number; position: number }]>(
      `UPDATE subscriptions SET last_sent_position = last_sent_position - 1
       WHERE sequence_id = @sequenceId AND last_sent_position >= @position`,
    );
  }

  /** The subscriber as the API shows it (with contact and message names). */
  findById(id: number): Subscriber | undefined {
    const row = this.selectById.get(id);
    return row && toSubscriber(row);
  }

  findState(id: number): SubscriptionState | undefined {
    const row = this.selectState.get(id);
    return row && toState(row);
  }

  /** The active and paused subscriptions of a sequence: the ones its message edits affect. */
  liveStates(sequenceId: number): SubscriptionState[] {
    return this.selectLiveStates.all(sequenceId).map(toState);
  }

  /** The contact's active or paused subscription to the sequence, if any. */
  findLive(contactId: number, sequenceId: number): { id: number; status: SubscriptionStatus } | undefined {
    const row = this.selectLive.get(contactId, sequenceId);
    return row && { id: row.id, status: toSubscriptionStatus(row.status) };
  }

  /** Inserts an active subscription; undefined (and nothing written) when the contact already has a live one in that sequence. */
  insertActive(subscription: NewSubscription, now: number): number | undefined {
    const result = this.insertRow.run({ ...subscription, now });
    return result.changes === 1 ? Number(result.lastInsertRowid) : undefined;
  }

  setState(id: number, status: SubscriptionStatus, next: NextMessage, now: number): void {
    this.updateState.run({ id, status, ...next, now });
  }

  setNext(id: number, next: NextMessage, now: number): void {
    this.updateNext.run({ id, ...next, now });
  }

  /** Deletes the subscription and, by cascade, its deliveries. False when no such subscription. */
  delete(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }

  /**
   * Brings `last_sent_position` in line with where the last message sent now sits (after a
   * reorder or a renumbering). Subscriptions whose last message was deleted keep their position.
   */
  syncLastSentPositions(sequenceId: number): void {
    this.syncPositions.run(sequenceId);
  }

  /**
   * Call BEFORE deleting the message at `position`: every later message moves up one place, and
   * so does the progress of everyone who reached it. Someone whose last message is the deleted one
   * ends up "after the message before it", so its successor is still their next. Returns how many
   * subscriptions had reached the message.
   */
  shiftForDeletedMessage(sequenceId: number, position: number): number {
    return this.shiftPositions.run({ sequenceId, position }).changes;
  }

  /**
   * Every subscriber of the sequence with the contact's attributes, in subscription order, one at
   * a time (for the CSV export). While iterating, the connection runs nothing else.
   */
  *iterateBySequence(sequenceId: number): Generator<Subscriber & { attributes: Record<string, string> }> {
    for (const row of this.selectAllOfSequence.iterate(sequenceId)) yield { ...toSubscriber(row), attributes: toAttributes(row.attributes) };
  }

  /** Every subscription of the contact, with its sequence's name, by sequence name then newest first. */
  listByContact(contactId: number): Array<Subscriber & { sequenceName: string }> {
    return this.selectByContact.all(contactId).map((row) => ({ ...toSubscriber(row), sequenceName: row.sequence_name }));
  }

  /** The sequences each of these contacts is or was in (every subscription, live or ended). */
  membershipsOf(contactIds: readonly number[]): Map<number, Membership[]> {
    const byContact = new Map<number, Membership[]>(contactIds.map((id) => [id, []]));
    if (contactIds.length === 0) return byContact;
    for (const row of this.selectMemberships.all(JSON.stringify(contactIds))) {
      byContact.get(row.contact_id)?.push({
        subscriptionId: row.id,
        sequenceId: row.sequence_id,
        sequenceName: row.name,
        status: toSubscriptionStatus(row.status),
      });
    }
    return byContact;
  }

  /**
   * One page of a sequence's subscribers, with the number of rows matching the search and filter.
   * How the page is found depends on how many rows there are (see `Strategy`): first the
   * subscriptions in the filter are counted from an index (cheap), then the search, if any, is
   * counted, then the page is read the cheapest way for those numbers.
   */
  list(query: SubscriberListQuery): { rows: Subscriber[]; total: number } {
    const term = foldForSearch(query.search.trim());
    const params: PageParams = {
      sequenceId: query.sequenceId,
      status: query.status,
      term,
      digits: phoneDigitsOf(term),
      limit: query.limit,
      offset: query.offset,
    };
    const filtered = query.status !== null;
    const inFilter = this.count({ filtered, searching: false, strategy: 'subscriptions' }, params);
    if (inFilter === 0) return { rows: [], total: 0 };
    const small = inFilter <= SMALL_SET;
    const sortsOnContact = query.sort === 'name' || query.sort === 'phone';

    let shape: Shape;
    let total: number;
    if (term === '') {
      total = inFilter;
      shape = { filtered, searching: false, strategy: sortsOnContact ? (small ? 'subscriptions-first' : 'contacts-first') : 'subscriptions' };
    } else {
      const countShape: Shape = { filtered, searching: true, strategy: small ? 'subscriptions-first' : 'contacts-first' };
      total = this.count(countShape, params);
      if (total === 0 || query.offset >= total) return { rows: [], total };
      // Plenty of matches for the depth asked: walking the sort's index meets a page's worth of
      // them long before the end. Few matches: collect them all from contacts and sort those.
      const walk = !small && !sortsOnContact && total >= WALK_FACTOR * (query.offset + query.limit);
      shape = walk ? { filtered, searching: true, strategy: 'subscriptions-first' } : countShape;
    }
    const rows = this.pageStatement(shape, query.sort, query.direction).all(params);
    return { rows: rows.map(toSubscriber), total };
  }

  private count(shape: Shape, params: PageParams): number {
    const key = `${where(shape)}|${shape.strategy}`;
    let statement = this.counts.get(key);
    if (statement === undefined) {
      statement = this.db.prepare<[PageParams], { n: number }>(`SELECT COUNT(*) AS n FROM ${from(shape)} WHERE ${where(shape)}`);
      this.counts.set(key, statement);
    }
    return statement.get(params)?.n ?? 0;
  }

  private pageStatement(shape: Shape, sort: SubscriberSort, direction: 'asc' | 'desc'): Statement<[PageParams], SubscriberRow> {
    const key = `${where(shape)}|${shape.strategy}|${sort}|${direction}`;
    let statement = this.pages.get(key);
    if (statement === undefined) {
      const order = ORDER[sort](direction === 'desc' ? 'DESC' : 'ASC');
      // Deferred join: the page's ids are found first, over the narrowest rows possible (often an
      // index alone), and only the rows on the page are joined to contacts and messages, so a
      // deep offset skips index entries rather than joined rows. CROSS JOIN keeps the page outside.
      statement = this.db.prepare<[PageParams], SubscriberRow>(
        `SELECT ${SUBSCRIBER_COLUMNS}
         FROM (SELECT s.id FROM ${from(shape)} WHERE ${where(shape)} ORDER BY ${order} LIMIT @limit OFFSET @offset) page
         CROSS JOIN subscriptions s ON s.id = page.id ${SUBSCRIBER_JOINS}
         ORDER BY ${order}`,
      );
      this.pages.set(key, statement);
    }
    return statement;
  }
}

/** Up to this many rows in the filter, reading them all and sorting is cheaper than anything clever. */
const SMALL_SET = 5000;
/** A search walks the sort's index when it matches at least this many times the rows it must reach. */
const WALK_FACTOR = 20;

/**
 * Which table drives the query (CROSS JOIN fixes SQLite's loop order, so the plan does not hinge
 * on statistics the file may not have):
 * - `subscriptions`: the sequence's own indexes (status, subscribed, last sent, next due) give
 *   the order and the count; contacts are not read.
 * - `subscriptions-first`: the sequence's subscriptions, each joined to its contact (small
 *   sequences, or a search whose matches are plentiful, walking the sort's index).
 * - `contacts-first`: scan the covering index contacts_name_key (in name order, which is also the
 *   name sort) and probe subscriptions_contact (contact_id, sequence_id) for each contact. Wins
 *   for searches with few matches and for name/phone sorts of large sequences.
 */
type Strategy = 'subscriptions' | 'subscriptions-first' | 'contacts-first';

interface Shape {
  searching: boolean;
  filtered: boolean;
  strategy: Strategy;
}

function from(shape: Shape): string {
  switch (shape.strategy) {
    case 'subscriptions':
      return 'subscriptions s';
    case 'subscriptions-first':
      return 'subscriptions s CROSS JOIN contacts c ON c.id = s.contact_id';
    case 'contacts-first':
      return 'contacts c CROSS JOIN subscriptions s INDEXED BY subscriptions_contact ON s.contact_id = c.id';
  }
}

function where(shape: Shape): string {
  const parts = ['s.sequence_id = @sequenceId'];
  if (shape.filtered) parts.push('s.status = @status');
  if (shape.searching) parts.push(SEARCH);
  return parts.join(' AND ');
}

function toSubscriber(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    contactId: row.contact_id,
    sequenceId: row.sequence_id,
    phone: row.phone,
    name: row.name,
    status: toSubscriptionStatus(row.status),
    source: toSubscriptionSource(row.source),
    subscribedAt: row.subscribed_at,
    lastSentMessage: messageRef(row.last_id, row.last_name, row.last_position),
    lastSentAt: row.last_sent_at,
    nextMessage: messageRef(row.next_id, row.next_name, row.next_position),
    nextDueAt: row.next_due_at,
    sentCount: row.sent_count,
  };
}

function messageRef(id: number | null, name: string | null, position: number | null): Subscriber['nextMessage'] {
  return id === null || name === null || position === null ? null : { id, name, position };
}

function toState(row: StateRow): SubscriptionState {
  return {
    id: row.id,
    contactId: row.contact_id,
    sequenceId: row.sequence_id,
    status: toSubscriptionStatus(row.status),
    subscribedAt: row.subscribed_at,
    lastSentMessageId: row.last_sent_message_id,
    lastSentPosition: row.last_sent_position,
    lastSentAt: row.last_sent_at,
    nextMessageId: row.next_message_id,
    nextDueAt: row.next_due_at,
  };
}
