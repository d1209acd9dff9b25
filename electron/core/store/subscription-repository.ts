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
import {
  ANY_NAME_MATCH,
  indexable,
  indexedMatches,
  indexedSearchOf,
  scanCondition,
  searchParamsOf,
  searchTermsOf,
  type IndexedSearch,
  type SearchParams,
} from './contact-search';

interface SubscriberRow {
  id: number;
  contact_id: number;
  sequence_id: number;
  phone: string | null;
  name: string;
  status: string;
  end_reason: string | null;
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

/** A subscription's progress as a recompute reads it: plain values, the stored position unresolved. */
export interface ProgressRow {
  id: number;
  subscribedAt: number;
  lastSentMessageId: number | null;
  /** `last_sent_position` as stored; counts only when the last message was deleted (see STATE). */
  storedPosition: number;
  lastSentAt: number | null;
  nextMessageId: number | null;
  nextDueAt: number | null;
}

type ProgressTuple = [number, number, number | null, number, number | null, number | null, number | null];

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

export interface ReceivedAhead {
  /** Messages with a delivery (any status) after the progress, plus the open one. */
  received: Set<number>;
  /** The message of the delivery being sent or waiting for a retry, if any. */
  openMessageId: number | null;
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

interface PageParams extends SearchParams {
  sequenceId: number;
  status: string | null;
  limit: number;
  offset: number;
}

const SUBSCRIBER_COLUMNS = `
  s.id, s.contact_id, s.sequence_id, c.phone, c.name, s.status, s.end_reason, s.source, s.subscribed_at,
  s.last_sent_at, s.next_due_at, s.sent_count,
  lm.id AS last_id, lm.name AS last_name, lm.position AS last_position,
  nm.id AS next_id, nm.name AS next_name, nm.position AS next_position`;
const SUBSCRIBER_JOINS = `
  JOIN contacts c ON c.id = s.contact_id
  LEFT JOIN messages lm ON lm.id = s.last_sent_message_id
  LEFT JOIN messages nm ON nm.id = s.next_message_id`;
const SUBSCRIBER = `SELECT ${SUBSCRIBER_COLUMNS} FROM subscriptions s ${SUBSCRIBER_JOINS}`;

// The progress is where the last message sent sits NOW (a reorder moves it; nothing rewrites the
// stored copy for that), or the stored position once that message was deleted (see
// `shiftForDeletedMessage`). Read this way, the progress is right the moment an edit commits,
// whether or not the recompute of its sequence has reached the row yet.
const STATE = `
  SELECT s.id, s.contact_id, s.sequence_id, s.status, s.subscribed_at, s.last_sent_message_id,
         COALESCE(lm.position, s.last_sent_position) AS last_sent_position,
         s.last_sent_at, s.next_message_id, s.next_due_at
  FROM subscriptions s LEFT JOIN messages lm ON lm.id = s.last_sent_message_id`;

const ORDER: Record<SubscriberSort, (dir: string) => string> = {
  name: (dir) => `c.name_key ${dir}, s.id ${dir}`,
  phone: (dir) => `c.phone ${dir}, s.id ${dir}`,
  status: (dir) => `s.status ${dir}, s.id ${dir}`,
  subscribedAt: (dir) => `s.subscribed_at ${dir}, s.id ${dir}`,
  lastSentAt: (dir) => `s.last_sent_at ${dir}, s.id ${dir}`,
  // Rows without a next message sort after the others in ascending order (matches the index).
  nextDueAt: (dir) => `s.next_due_at IS NULL ${dir}, s.next_due_at ${dir}, s.id ${dir}`,
};

/**
 * The sort's keys as named columns (k1, k2), and the order over them: for a page taken from a
 * materialised set of matches (`pageStatement` with a total).
 */
const SORT_KEYS: Record<SubscriberSort, { columns: string; order: (dir: string) => string }> = {
  name: { columns: 'c.name_key AS k1', order: (dir) => `k1 ${dir}, id ${dir}` },
  phone: { columns: 'c.phone AS k1', order: (dir) => `k1 ${dir}, id ${dir}` },
  status: { columns: 's.status AS k1', order: (dir) => `k1 ${dir}, id ${dir}` },
  subscribedAt: { columns: 's.subscribed_at AS k1', order: (dir) => `k1 ${dir}, id ${dir}` },
  lastSentAt: { columns: 's.last_sent_at AS k1', order: (dir) => `k1 ${dir}, id ${dir}` },
  nextDueAt: { columns: 's.next_due_at IS NULL AS k1, s.next_due_at AS k2', order: (dir) => `k1 ${dir}, k2 ${dir}, id ${dir}` },
};

const SEARCH = scanCondition('c');
const LIVE = `('active', 'paused')`;

export class SubscriptionRepository {
  private readonly selectById;
  private readonly selectState;
  private readonly selectProgressSlice;
  private readonly updateNextDue;
  private readonly selectLiveCount;
  private readonly selectReceivedAhead;
  private readonly selectLive;
  private readonly insertRow;
  private readonly insertRows;
  private readonly updateState;
  private readonly updateNext;
  private readonly deleteRow;
  private readonly selectByContact;
  private readonly selectMemberships;
  private readonly placeAfterDeleted;
  private readonly shiftOrphaned;
  private readonly countDeliveriesOf;
  private readonly selectMessageAt;
  private readonly anyNameMatch;
  private readonly selectAllOfSequence;
  private readonly pages = new Map<string, Statement<[PageParams], SubscriberRow & { total?: number }>>();
  private readonly walks = new Map<string, Statement<[PageParams & { walkRows: number }], SubscriberRow>>();
  private readonly counts = new Map<string, Statement<[PageParams & { cap?: number }], { n: number }>>();

  constructor(private readonly db: SqliteDatabase) {
    this.selectById = db.prepare<[number], SubscriberRow>(`${SUBSCRIBER} WHERE s.id = ?`);
    this.selectState = db.prepare<[number], StateRow>(`${STATE} WHERE s.id = ?`);
    // Keyset pages over subscriptions_sequence_status (sequence_id, status, rowid): no sort, no
    // skipping. Arrays, not objects: creating an object per row was the costliest part of reading 100,000.
    this.selectProgressSlice = db
      .prepare<[{ sequenceId: number; status: string; afterId: number; limit: number }], ProgressTuple>(
        `SELECT id, subscribed_at, last_sent_message_id, last_sent_position, last_sent_at, next_message_id, next_due_at
         FROM subscriptions
         WHERE sequence_id = @sequenceId AND status = @status AND id > @afterId ORDER BY id LIMIT @limit`,
      )
      .raw();
    this.updateNextDue = db.prepare<[number | null, number, number]>("UPDATE subscriptions SET next_due_at = CASE WHEN status = 'active' THEN ? END, updated_at = ? WHERE id = ?");
    this.selectLiveCount = db.prepare<[{ sequenceId: number; cap: number }], { n: number }>(
      `SELECT COUNT(*) AS n FROM (SELECT 1 FROM subscriptions WHERE sequence_id = @sequenceId AND status IN ${LIVE} LIMIT @cap)`,
    );
    // Deliveries of messages that now sit after the subscription's progress: only a reorder that
    // moved a received message forward makes these, so the result is small.
    this.selectReceivedAhead = db.prepare<
      [{ sequenceId: number; status: string; afterId: number; lastId: number }],
      { subscription_id: number; message_id: number; open: number }
    >(
      `SELECT d.subscription_id, d.message_id, d.status IN ('claimed', 'retrying') AS open
       FROM subscriptions s
       LEFT JOIN messages lm ON lm.id = s.last_sent_message_id
       JOIN deliveries d ON d.subscription_id = s.id
       JOIN messages m ON m.id = d.message_id
       WHERE s.sequence_id = @sequenceId AND s.status = @status AND s.id > @afterId AND s.id <= @lastId
         AND (m.position > COALESCE(lm.position, s.last_sent_position) OR d.status IN ('claimed', 'retrying'))`,
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
    // `WHERE true`: SQLite needs it to read ON CONFLICT after INSERT … SELECT as the upsert clause.
    this.insertRows = db.prepare<[Omit<NewSubscription, 'contactId'> & { contactIds: string; now: number }]>(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, next_message_id, next_due_at,
                                  created_at, updated_at)
       SELECT ids.value, @sequenceId, 'active', @source, @subscribedAt, @nextMessageId, @nextDueAt, @now, @now
       FROM json_each(@contactIds) ids WHERE true
       ON CONFLICT (contact_id, sequence_id) WHERE status IN ${LIVE} DO NOTHING`,
    );
    // Only active subscriptions have a due time (migration 0006): the engine's due counts read the
    // index alone and rely on it, so every write here keeps it, whatever a caller passes. (A
    // trigger refusing a violation measured 20-100 % slower per update.)
    this.updateState = db.prepare<[NextMessage & { id: number; status: SubscriptionStatus; now: number }]>(
      `UPDATE subscriptions SET status = @status, next_message_id = @nextMessageId,
              next_due_at = CASE WHEN @status = 'active' THEN @nextDueAt END, updated_at = @now
       WHERE id = @id`,
    );
    this.updateNext = db.prepare<[NextMessage & { id: number; now: number }]>(
      `UPDATE subscriptions SET next_message_id = @nextMessageId, next_due_at = CASE WHEN status = 'active' THEN @nextDueAt END,
              updated_at = @now
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
    this.selectAllOfSequence = db.prepare<[number], SubscriberRow & { attributes: string }>(
      `SELECT ${SUBSCRIBER_COLUMNS}, c.attributes FROM subscriptions s ${SUBSCRIBER_JOINS}
       WHERE s.sequence_id = ? ORDER BY s.subscribed_at, s.id`,
    );
    this.placeAfterDeleted = db.prepare<[{ messageId: number; position: number }]>(
      'UPDATE subscriptions SET last_sent_position = @position - 1 WHERE last_sent_message_id = @messageId',
    );
    // `last_sent_position > 0` repeats the partial index's condition, so SQLite can use it.
    this.shiftOrphaned = db.prepare<[{ sequenceId: number; position: number }]>(
      `UPDATE subscriptions SET last_sent_position = last_sent_position - 1
       WHERE sequence_id = @sequenceId AND last_sent_message_id IS NULL AND last_sent_position > 0
         AND last_sent_position >= @position`,
    );
    this.countDeliveriesOf = db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM deliveries WHERE message_id = ?');
    this.anyNameMatch = db.prepare<[{ nameMatch: string }], { 1: number }>(ANY_NAME_MATCH);
    this.selectMessageAt = db.prepare<[number, number], { id: number }>('SELECT id FROM messages WHERE sequence_id = ? AND position = ?');
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

  /**
   * Up to `limit` subscriptions of the sequence in `status` with an id above `afterId`, by id:
   * one batch of a recompute (the live ones are the ones a message edit affects).
   */
  progressSlice(sequenceId: number, status: 'active' | 'paused', afterId: number, limit: number): ProgressRow[] {
    return this.selectProgressSlice.all({ sequenceId, status, afterId, limit }).map(
      ([id, subscribedAt, lastSentMessageId, storedPosition, lastSentAt, nextMessageId, nextDueAt]) => ({
        id,
        subscribedAt,
        lastSentMessageId,
        storedPosition,
        lastSentAt,
        nextMessageId,
        nextDueAt,
      }),
    );
  }

  /** How many active and paused subscriptions the sequence has, counting no further than `cap`. */
  countLive(sequenceId: number, cap: number): number {
    return this.selectLiveCount.get({ sequenceId, cap })?.n ?? 0;
  }

  /**
   * For the subscriptions of a slice (`status`, ids in (afterId, lastId]): the messages each has a
   * delivery for although they sit after its progress, and the message of its open delivery (being
   * sent or waiting for a retry; at most one), wherever it sits. Subscriptions with neither are absent.
   */
  receivedAhead(sequenceId: number, status: 'active' | 'paused', afterId: number, lastId: number): Map<number, ReceivedAhead> {
    const bySubscription = new Map<number, ReceivedAhead>();
    for (const row of this.selectReceivedAhead.all({ sequenceId, status, afterId, lastId })) {
      let ahead = bySubscription.get(row.subscription_id);
      if (ahead === undefined) {
        ahead = { received: new Set(), openMessageId: null };
        bySubscription.set(row.subscription_id, ahead);
      }
      ahead.received.add(row.message_id);
      if (row.open === 1) ahead.openMessageId = row.message_id;
    }
    return bySubscription;
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

  /**
   * `insertActive` for many contacts at once, all with the same start (an import): one statement
   * instead of one per contact. Contacts already live in the sequence are left alone. Returns how
   * many were subscribed.
   */
  insertActiveMany(contactIds: readonly number[], subscription: Omit<NewSubscription, 'contactId'>, now: number): number {
    if (contactIds.length === 0) return 0;
    return this.insertRows.run({ ...subscription, contactIds: JSON.stringify(contactIds), now }).changes;
  }

  setState(id: number, status: SubscriptionStatus, next: NextMessage, now: number): void {
    this.updateState.run({ id, status, ...next, now });
  }

  setNext(id: number, next: NextMessage, now: number): void {
    this.updateNext.run({ id, ...next, now });
  }

  /** `setNext` when only the due time changed: leaves the next message (its index, its foreign key) alone. */
  setNextDue(id: number, nextDueAt: number | null, now: number): void {
    this.updateNextDue.run(nextDueAt, now, id);
  }

  /** Deletes the subscription and, by cascade, its deliveries. False when no such subscription. */
  delete(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }

  /**
   * Call BEFORE deleting the message at `position`: every later message moves up one place, and
   * so does the progress of everyone who reached it. Someone whose last message is the deleted one
   * ends up "after the message before it", so its successor is still their next.
   *
   * Only the stored positions that will be read need writing: those of subscriptions whose last
   * message is this one (the link to it is about to go), and of those whose last message was
   * deleted before (they have no link, only the stored place). Everyone else's progress is read
   * from where their last message sits (see STATE), which the renumbering moves by itself; so a
   * deletion touches a handful of rows, not the whole sequence.
   *
   * Returns how many subscriptions this touches: their stored place, or their history (the
   * deliveries of the message go with it).
   */
  shiftForDeletedMessage(sequenceId: number, position: number): number {
    const message = this.selectMessageAt.get(sequenceId, position);
    const orphaned = this.shiftOrphaned.run({ sequenceId, position }).changes;
    if (message === undefined) return orphaned;
    this.placeAfterDeleted.run({ messageId: message.id, position });
    return orphaned + (this.countDeliveriesOf.get(message.id)?.n ?? 0);
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
   * How the page is found depends on how many rows there are (see `Strategy`): the subscriptions
   * in the filter are counted from an index first (only up to "small" when searching). Without a
   * search that is the total. A search of a small set reads it all. In a large one, a search the
   * trigram indexes can answer starts from its matches (or from a short walk of the sort's index
   * when matches are plentiful); a shorter one scans the contacts' name index.
   */
  list(query: SubscriberListQuery): { rows: Subscriber[]; total: number } {
    const terms = searchTermsOf(query.search);
    const params: PageParams = {
      sequenceId: query.sequenceId,
      status: query.status,
      ...searchParamsOf(terms),
      limit: query.limit,
      offset: query.offset,
    };
    const filtered = query.status !== null;
    const inFilter: Shape = { filtered, search: 'none', strategy: 'subscriptions' };
    const searching = terms.term !== '';
    // Without a search this count is the total; with one, only "is it small?" matters, and
    // counting no further than that is cheaper (100,000 index entries cost ~2 ms).
    const inFilterCount = searching ? this.count(inFilter, params, SMALL_SET + 1) : this.count(inFilter, params);
    if (inFilterCount === 0) return { rows: [], total: 0 };
    const small = inFilterCount <= SMALL_SET;
    const sortsOnContact = query.sort === 'name' || query.sort === 'phone';

    if (!searching) {
      const shape: Shape = { filtered, search: 'none', strategy: sortsOnContact ? (small ? 'subscriptions-first' : 'contacts-first') : 'subscriptions' };
      return { rows: this.pageStatement(shape, query.sort, query.direction).all(params).map(toSubscriber), total: inFilterCount };
    }
    if (small) return this.countThenPage({ filtered, search: 'scan', strategy: 'subscriptions-first' }, params, query);

    // A large filter. Plenty of matches for the depth asked: walking the sort's index should meet a
    // page's worth of them early, checking each row it passes. But matches are not always spread
    // evenly (an import sorted by name or number puts them side by side), so the walk covers a
    // bounded prefix of the order only: the first matches in a prefix are the first matches
    // overall; too few there, and the matches are collected and sorted instead.
    const reach = query.offset + query.limit;
    const walkRows = WALK_FACTOR * reach;
    const mayWalk = !sortsOnContact && walkRows <= WALK_ROWS_MAX;
    if (indexable(terms)) {
      const search = indexedSearchOf(terms, () => this.anyNameMatch.get({ nameMatch: params.nameMatch }) !== undefined);
      const matches: Shape = { filtered, search, strategy: 'matches-first' };
      if (mayWalk) {
        const walked = this.walkStatement(filtered, query.sort, query.direction).all({ ...params, walkRows });
        if (walked.length === query.limit) return { rows: walked.map(toSubscriber), total: this.count(matches, params) };
      } else if (query.sort === 'name') {
        // Name order: with plenty of matches, reading the contacts' name index in order (index
        // entries only, no rows) reaches the page long before the end.
        const total = this.count(matches, params);
        if (total === 0 || query.offset >= total) return { rows: [], total };
        const shape: Shape = total >= WALK_FACTOR * reach ? { filtered, search: 'scan', strategy: 'contacts-first' } : matches;
        return { rows: this.pageStatement(shape, query.sort, query.direction).all(params).map(toSubscriber), total };
      }
      // The matches found once, giving the page and (window function) their number together.
      const collected = this.pageStatement(matches, query.sort, query.direction, true).all(params);
      const total = collected[0]?.total ?? this.count(matches, params);
      return { rows: collected.map(toSubscriber), total };
    }

    // Too short for the trigram indexes: counted by scanning the contacts' name index.
    const scanned: Shape = { filtered, search: 'scan', strategy: 'contacts-first' };
    const total = this.count(scanned, params);
    if (total === 0 || query.offset >= total) return { rows: [], total };
    if (mayWalk && total >= WALK_FACTOR * reach) {
      const walked = this.walkStatement(filtered, query.sort, query.direction).all({ ...params, walkRows });
      if (walked.length === Math.min(query.limit, total - query.offset)) return { rows: walked.map(toSubscriber), total };
    }
    // (In name order this reads the contacts' name index in order, and stops at the page.)
    return { rows: this.pageStatement(scanned, query.sort, query.direction).all(params).map(toSubscriber), total };
  }

  /** Counts the shape's rows, then reads the page the same way. */
  private countThenPage(shape: Shape, params: PageParams, query: SubscriberListQuery): { rows: Subscriber[]; total: number } {
    const total = this.count(shape, params);
    if (total === 0 || query.offset >= total) return { rows: [], total };
    return { rows: this.pageStatement(shape, query.sort, query.direction).all(params).map(toSubscriber), total };
  }

  /** Rows of the shape, or `Math.min(rows, cap)` when a cap is given. */
  private count(shape: Shape, params: PageParams, cap?: number): number {
    const key = `${shapeKey(shape)}|${cap === undefined ? 'all' : 'capped'}`;
    let statement = this.counts.get(key);
    if (statement === undefined) {
      const rows = `FROM ${from(shape, false)} WHERE ${where(shape)}`;
      statement = this.db.prepare<[PageParams & { cap?: number }], { n: number }>(
        cap === undefined ? `SELECT COUNT(*) AS n ${rows}` : `SELECT COUNT(*) AS n FROM (SELECT 1 ${rows} LIMIT @cap)`,
      );
      this.counts.set(key, statement);
    }
    return statement.get(cap === undefined ? params : { ...params, cap })?.n ?? 0;
  }

  /**
   * The page among the first `walkRows` subscriptions of the filter in the sort's order (read from
   * the sort's index), checking each against the search.
   */
  private walkStatement(filtered: boolean, sort: SubscriberSort, direction: 'asc' | 'desc'): Statement<[PageParams & { walkRows: number }], SubscriberRow> {
    const key = `${filtered ? 'status' : '-'}|${sort}|${direction}`;
    let statement = this.walks.get(key);
    if (statement === undefined) {
      const order = ORDER[sort](direction === 'desc' ? 'DESC' : 'ASC');
      const prefix = where({ filtered, search: 'none', strategy: 'subscriptions' });
      statement = this.db.prepare<[PageParams & { walkRows: number }], SubscriberRow>(
        `SELECT ${SUBSCRIBER_COLUMNS}
         FROM (SELECT s.id FROM subscriptions s WHERE ${prefix} ORDER BY ${order} LIMIT @walkRows) walked
         CROSS JOIN subscriptions s ON s.id = walked.id ${SUBSCRIBER_JOINS}
         WHERE ${SEARCH}
         ORDER BY ${order} LIMIT @limit OFFSET @offset`,
      );
      this.walks.set(key, statement);
    }
    return statement;
  }

  /**
   * The page of the shape in the order asked. With `withTotal`, each row also carries the number of
   * rows the shape has: the rows are found once into a materialised set (with their sort keys,
   * often from an index alone), then counted and the page taken from it. (A window function
   * over the same rows sorted them twice: ~17 % slower for a search with 10,000 matches.)
   */
  private pageStatement(shape: Shape, sort: SubscriberSort, direction: 'asc' | 'desc', withTotal = false): Statement<[PageParams], SubscriberRow & { total?: number }> {
    const key = `${shapeKey(shape)}|${sort}|${direction}|${withTotal ? 'total' : '-'}`;
    let statement = this.pages.get(key);
    if (statement === undefined) {
      const dir = direction === 'desc' ? 'DESC' : 'ASC';
      const order = ORDER[sort](dir);
      const sortsOnContact = sort === 'name' || sort === 'phone';
      // Deferred join: the page's ids are found first, over the narrowest rows possible (often an
      // index alone), and only the rows on the page are joined to contacts and messages, so a
      // deep offset skips index entries rather than joined rows. CROSS JOIN keeps the page outside.
      const page = withTotal
        ? `WITH hits AS MATERIALIZED (SELECT s.id AS id, ${SORT_KEYS[sort].columns} FROM ${from(shape, sortsOnContact)} WHERE ${where(shape)})
           SELECT ${SUBSCRIBER_COLUMNS}, page.total
           FROM (SELECT id, (SELECT COUNT(*) FROM hits) AS total FROM hits ORDER BY ${SORT_KEYS[sort].order(dir)} LIMIT @limit OFFSET @offset) page`
        : `SELECT ${SUBSCRIBER_COLUMNS}
           FROM (SELECT s.id FROM ${from(shape, sortsOnContact)} WHERE ${where(shape)} ORDER BY ${order} LIMIT @limit OFFSET @offset) page`;
      statement = this.db.prepare<[PageParams], SubscriberRow & { total?: number }>(
        `${page}
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
/** A search walks the sort's index when it matches at least this many times the rows it must reach… */
const WALK_FACTOR = 20;
/** …looking at no more rows than this (WALK_FACTOR × the rows to reach), so a walk costs at most a few ms. */
const WALK_ROWS_MAX = 20_000;

/**
 * Which table drives the query (CROSS JOIN fixes SQLite's loop order, so the plan does not hinge
 * on statistics the file may not have):
 * - `subscriptions`: the sequence's own indexes (status, subscribed, last sent, next due) give
 *   the order and the count; contacts are not read.
 * - `subscriptions-first`: the sequence's subscriptions, each joined to its contact (small
 *   sequences, or a search whose matches are plentiful, walking the sort's index).
 * - `contacts-first`: scan the covering index contacts_name_key (in name order, which is also the
 *   name sort) and probe subscriptions_contact (contact_id, sequence_id, status, subscribed_at)
 *   for each contact. For name/phone sorts of large sequences, and for searches too short for the
 *   trigram indexes.
 * - `matches-first`: the contacts the trigram indexes match (contact-search.ts), each probing
 *   subscriptions_contact; only they are read, so a search costs what it finds, not what the
 *   sequence holds. The probe index carries status and subscribed time: counting, the status
 *   filter and the default sort never read a subscription row.
 */
type Strategy = 'subscriptions' | 'subscriptions-first' | 'contacts-first' | 'matches-first';

/** How a search is applied: none, `instr` on each row read, or from the trigram indexes. */
type SearchMode = 'none' | 'scan' | IndexedSearch;

interface Shape {
  search: SearchMode;
  filtered: boolean;
  strategy: Strategy;
}

function shapeKey(shape: Shape): string {
  return `${shape.strategy}|${shape.search}|${shape.filtered ? 'status' : '-'}`;
}

/** The FROM clause; `withContact` joins the contact where the strategy would not (for a name or phone sort). */
function from(shape: Shape, withContact: boolean): string {
  switch (shape.strategy) {
    case 'subscriptions':
      return 'subscriptions s';
    case 'subscriptions-first':
      return 'subscriptions s CROSS JOIN contacts c ON c.id = s.contact_id';
    case 'contacts-first':
      return 'contacts c CROSS JOIN subscriptions s INDEXED BY subscriptions_contact ON s.contact_id = c.id';
    case 'matches-first': {
      if (shape.search === 'none' || shape.search === 'scan') throw new Error('matches-first needs an indexed search');
      const matches = `(${indexedMatches(shape.search)}) m CROSS JOIN subscriptions s INDEXED BY subscriptions_contact ON s.contact_id = m.id`;
      return withContact ? `${matches} CROSS JOIN contacts c ON c.id = s.contact_id` : matches;
    }
  }
}

function where(shape: Shape): string {
  const parts = ['s.sequence_id = @sequenceId'];
  if (shape.filtered) parts.push('s.status = @status');
  // The indexed searches filtered already, in FROM.
  if (shape.search === 'scan') parts.push(SEARCH);
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
    endReason: row.end_reason,
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
