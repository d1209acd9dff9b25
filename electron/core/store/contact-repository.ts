/**
 * Contacts: one row per phone number (E.164, unique).
 *
 * Free of the event bus and of services on purpose: the CSV import runs these methods from a
 * worker thread on its own connection. Phone numbers must already be normalised
 * (services/phone.ts); the table's CHECK refuses anything that is not E.164.
 *
 * The only writer of `contacts`: every insert, delete and change of name or phone also updates
 * the trigram search indexes (migration 0004 says why this is not left to triggers). Writing
 * contacts any other way would leave the search, and `PRAGMA integrity_check`, wrong.
 * A bulk writer (the CSV import) wraps its work in `withBatchedIndexing`: the contacts it creates
 * are indexed together at the end, by one INSERT … SELECT per index, which FTS5 does several
 * times faster than a statement per row (100,000 contacts: ~0.25 s instead of ~0.8 s).
 */
import type { Statement } from 'better-sqlite3';
import { PEOPLE_LIMITS } from '../../../shared/contract';
import type { Contact } from '../../../shared/domain';
import { validation } from '../errors';
import type { SqliteDatabase } from './database';
import { toAttributes, toContactSource, type ContactSource } from './row-values';
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
import { foldForSearch } from './search-key';

interface ContactRow {
  id: number;
  /** Null for a customer known only by a WhatsApp privacy id (migration 0007). */
  phone: string | null;
  name: string;
  attributes: string;
  opted_out_at: number | null;
  whatsapp_id: string | null;
  whatsapp_status: string | null;
  source: string;
  created_at: number;
  updated_at: number;
}

export type Attributes = Record<string, string>;

export interface NewContact {
  /** E.164. */
  phone: string;
  name: string;
  attributes: Attributes;
  source: ContactSource;
  /** How they came in, in words ("Added by hand", "Imported from customers.csv"). */
  consentNote: string;
}

export interface ContactEdit {
  phone: string;
  name: string;
  attributes: Attributes;
}

export interface ContactMerge {
  /** E.164. */
  phone: string;
  /** Replaces the stored name when given and not blank. */
  name?: string | undefined;
  /** Merged into the stored attributes (given keys win). */
  attributes?: Attributes | undefined;
  /** Used only when the contact is created. */
  source: ContactSource;
  consentNote: string;
}

export interface ContactListQuery {
  search: string;
  sort: 'name' | 'phone' | 'createdAt';
  direction: 'asc' | 'desc';
  offset: number;
  limit: number;
}

interface PageParams extends SearchParams {
  limit: number;
  offset: number;
}

/** How a list query finds its rows: all of them, by reading each (scan), or from the search indexes. */
type SearchMode = 'none' | 'scan' | IndexedSearch;

const COLUMNS = 'id, phone, name, attributes, opted_out_at, whatsapp_id, whatsapp_status, source, created_at, updated_at';

const ORDER: Record<ContactListQuery['sort'], (dir: string) => string> = {
  name: (dir) => `name_key ${dir}, id ${dir}`,
  // Unique: no tiebreak needed.
  phone: (dir) => `phone ${dir}`,
  // Ids grow with every insert: the order of creation, even if the clock was set back meanwhile.
  createdAt: (dir) => `id ${dir}`,
};

/** Matches when the folded name contains the folded term, or the phone contains the term's digits. */
const SEARCH = scanCondition('contacts');

export class ContactRepository {
  private readonly selectById;
  private readonly selectByPhone;
  private readonly insertRow;
  private readonly updateRow;
  private readonly deleteRow;
  private readonly selectKeys;
  private readonly indexName;
  private readonly unindexName;
  private readonly indexPhone;
  private readonly unindexPhone;
  private readonly countAll;
  private readonly anyNameMatch;
  private readonly counts = new Map<SearchMode, Statement<[SearchParams], { n: number }>>();
  private readonly selectAllInOrder;
  private readonly selectMatchingInOrder;
  private readonly pages = new Map<string, Statement<[PageParams], ContactRow>>();
  private readonly selectMaxId;
  private readonly insertRows;
  private readonly selectIdsByPhone;
  private readonly countAbove;
  private readonly indexNamesAbove;
  private readonly indexPhonesAbove;
  /** While batching: contacts with an id above this are created by the batch and not indexed yet. */
  private unindexedAbove: number | null = null;
  private createdInBatch = 0;

  constructor(private readonly db: SqliteDatabase) {
    this.selectById = db.prepare<[number], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE id = ?`);
    this.selectByPhone = db.prepare<[string], ContactRow>(`SELECT ${COLUMNS} FROM contacts WHERE phone = ?`);
    this.insertRow = db.prepare<
      [{ phone: string; name: string; nameKey: string; attributes: string; source: string; consentNote: string; now: number }]
    >(
      `INSERT INTO contacts (phone, name, name_key, attributes, source, consent_note, consent_at, created_at, updated_at)
       VALUES (@phone, @name, @nameKey, @attributes, @source, @consentNote, @now, @now, @now)`,
    );
    // A new number is a new WhatsApp identity: the cached id goes with the old one.
    this.updateRow = db.prepare<[{ id: number; phone: string; name: string; nameKey: string; attributes: string; now: number }]>(
      `UPDATE contacts
       SET whatsapp_id = CASE WHEN phone = @phone THEN whatsapp_id END,
           whatsapp_status = CASE WHEN phone = @phone THEN whatsapp_status END,
           whatsapp_checked_at = CASE WHEN phone = @phone THEN whatsapp_checked_at END,
           phone = @phone, name = @name, name_key = @nameKey, attributes = @attributes, updated_at = @now
       WHERE id = @id`,
    );
    this.deleteRow = db.prepare<[number]>('DELETE FROM contacts WHERE id = ?');
    this.selectKeys = db.prepare<[number], { name_key: string; phone: string | null }>('SELECT name_key, phone FROM contacts WHERE id = ?');
    // External-content FTS5: a row is removed from the index with the exact values it was indexed with.
    this.indexName = db.prepare<[number, string]>('INSERT INTO contacts_name_search (rowid, name_key) VALUES (?, ?)');
    this.unindexName = db.prepare<[number, string]>(
      "INSERT INTO contacts_name_search (contacts_name_search, rowid, name_key) VALUES ('delete', ?, ?)",
    );
    this.indexPhone = db.prepare<[number, string | null]>('INSERT INTO contacts_phone_search (rowid, phone) VALUES (?, ?)');
    this.unindexPhone = db.prepare<[number, string | null]>(
      "INSERT INTO contacts_phone_search (contacts_phone_search, rowid, phone) VALUES ('delete', ?, ?)",
    );
    // Rows as JSON arrays [phone, name, name_key, attributes]; json_each's key keeps the file's order,
    // so the new ids are consecutive in that order.
    this.insertRows = db.prepare<[{ rows: string; source: string; consentNote: string; now: number }]>(
      `INSERT INTO contacts (phone, name, name_key, attributes, source, consent_note, consent_at, created_at, updated_at)
       SELECT value ->> 0, value ->> 1, value ->> 2, value -> 3, @source, @consentNote, @now, @now, @now
       FROM json_each(@rows) ORDER BY key`,
    );
    this.selectIdsByPhone = db.prepare<[string], { id: number; phone: string }>(
      'SELECT id, phone FROM contacts WHERE phone IN (SELECT value FROM json_each(?))',
    );
    this.countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM contacts');
    this.selectMaxId = db.prepare<[], { id: number }>('SELECT COALESCE(MAX(id), 0) AS id FROM contacts');
    this.countAbove = db.prepare<[number], { n: number }>('SELECT COUNT(*) AS n FROM contacts WHERE id > ?');
    this.indexNamesAbove = db.prepare<[number]>('INSERT INTO contacts_name_search (rowid, name_key) SELECT id, name_key FROM contacts WHERE id > ?');
    this.indexPhonesAbove = db.prepare<[number]>('INSERT INTO contacts_phone_search (rowid, phone) SELECT id, phone FROM contacts WHERE id > ?');
    this.anyNameMatch = db.prepare<[{ nameMatch: string }], { 1: number }>(ANY_NAME_MATCH);
    this.selectAllInOrder = db.prepare<[], ContactRow>(`SELECT ${COLUMNS} FROM contacts ORDER BY name_key, id`);
    this.selectMatchingInOrder = db.prepare<[{ term: string; digits: string }], ContactRow>(
      `SELECT ${COLUMNS} FROM contacts WHERE ${SEARCH} ORDER BY name_key, id`,
    );
  }

  findById(id: number): Contact | undefined {
    const row = this.selectById.get(id);
    return row && toContact(row);
  }

  /** `phone` in E.164. */
  findByPhone(phone: string): Contact | undefined {
    const row = this.selectByPhone.get(phone);
    return row && toContact(row);
  }

  insert(contact: NewContact, now: number): number {
    const nameKey = foldForSearch(contact.name);
    const result = this.insertRow.run({
      phone: contact.phone,
      name: contact.name,
      nameKey,
      attributes: JSON.stringify(contact.attributes),
      source: contact.source,
      consentNote: contact.consentNote,
      now,
    });
    const id = Number(result.lastInsertRowid);
    if (this.unindexedAbove !== null) {
      this.createdInBatch++;
      return id;
    }
    this.indexName.run(id, nameKey);
    this.indexPhone.run(id, contact.phone);
    return id;
  }

  /** The ids of the contacts that have these phones (E.164), by phone; phones nobody has are absent. */
  idsByPhone(phones: readonly string[]): Map<string, number> {
    return new Map(this.selectIdsByPhone.all(JSON.stringify(phones)).map((row) => [row.phone, row.id]));
  }

  /**
   * Creates these contacts (none of whose phones may exist yet) with one statement, and returns
   * their ids in the same order. Only inside `withBatchedIndexing`, which indexes them when the
   * batch ends: one INSERT … SELECT is several times faster than a statement per row (the CSV
   * import of 100,000 contacts).
   */
  insertMany(contacts: readonly Omit<NewContact, 'source' | 'consentNote'>[], source: ContactSource, consentNote: string, now: number): number[] {
    if (this.unindexedAbove === null) throw new Error('insertMany must run inside withBatchedIndexing.');
    if (contacts.length === 0) return [];
    const rows = contacts.map((contact) => [contact.phone, contact.name, foldForSearch(contact.name), contact.attributes]);
    const result = this.insertRows.run({ rows: JSON.stringify(rows), source, consentNote, now });
    if (result.changes !== contacts.length) throw new Error(`Inserted ${result.changes} of ${contacts.length} contacts.`);
    this.createdInBatch += contacts.length;
    const first = Number(result.lastInsertRowid) - contacts.length + 1;
    // The batch's final count check (withBatchedIndexing) would catch ids that were not consecutive.
    return contacts.map((_, index) => first + index);
  }

  /** Replaces phone, name and attributes. False when no such contact. Throws on a phone taken by another contact (UNIQUE). */
  update(id: number, edit: ContactEdit, now: number): boolean {
    const before = this.selectKeys.get(id);
    if (before === undefined) return false;
    const nameKey = foldForSearch(edit.name);
    this.updateRow.run({ id, phone: edit.phone, name: edit.name, nameKey, attributes: JSON.stringify(edit.attributes), now });
    // Created by the running batch: indexed with its final values when the batch ends.
    if (this.isUnindexed(id)) return true;
    // Only what changed is re-indexed: a merge that adds attributes costs no index work.
    if (before.name_key !== nameKey) {
      this.unindexName.run(id, before.name_key);
      this.indexName.run(id, nameKey);
    }
    if (before.phone !== edit.phone) {
      this.unindexPhone.run(id, before.phone);
      this.indexPhone.run(id, edit.phone);
    }
    return true;
  }

  /**
   * Creates the contact with this phone, or merges into the one that has it: a non-blank name
   * replaces the stored one, attributes are merged (given keys win). Throws a VALIDATION AppError
   * when the merge would exceed the attribute limit.
   */
  upsertByPhone(merge: ContactMerge, now: number): { id: number; created: boolean } {
    const name = merge.name?.trim() ?? '';
    const current = this.selectByPhone.get(merge.phone);
    if (current === undefined) {
      const id = this.insert(
        { phone: merge.phone, name, attributes: merge.attributes ?? {}, source: merge.source, consentNote: merge.consentNote },
        now,
      );
      return { id, created: true };
    }
    const attributes = { ...toAttributes(current.attributes), ...merge.attributes };
    if (Object.keys(attributes).length > PEOPLE_LIMITS.attributesMax) {
      throw validation(`At most ${PEOPLE_LIMITS.attributesMax} attributes per contact`, 'attributes');
    }
    this.update(current.id, { phone: merge.phone, name: name === '' ? current.name : name, attributes }, now);
    return { id: current.id, created: false };
  }

  /** Deletes the contact; its subscriptions and their deliveries go by cascade. False when no such contact. */
  delete(id: number): boolean {
    const before = this.selectKeys.get(id);
    if (before === undefined) return false;
    this.deleteRow.run(id);
    if (this.isUnindexed(id)) {
      this.createdInBatch--;
      return true;
    }
    this.unindexName.run(id, before.name_key);
    this.unindexPhone.run(id, before.phone);
    return true;
  }

  /**
   * Runs `work`, which must be synchronous and run inside the caller's transaction, with the
   * search indexes of the contacts it CREATES fed once when it ends (changes to existing
   * contacts are indexed as they happen). If `work` throws, nothing is indexed and the caller's
   * transaction must roll back, as it does when the error reaches `Store.write`.
   *
   * New contacts are told apart by id: SQLite gives a new row max(id) + 1, so everything the batch
   * creates lies above the largest id at its start. That is checked before indexing (a count of
   * rows above it); if it ever did not hold, the batch throws rather than leave the search wrong.
   */
  withBatchedIndexing<T>(work: () => T): T {
    if (!this.db.inTransaction) throw new Error('withBatchedIndexing must run inside a transaction.');
    if (this.unindexedAbove !== null) throw new Error('withBatchedIndexing cannot be nested.');
    const above = this.selectMaxId.get()?.id ?? 0;
    this.unindexedAbove = above;
    this.createdInBatch = 0;
    try {
      const result = work();
      const created = this.countAbove.get(above)?.n ?? 0;
      if (created !== this.createdInBatch) {
        throw new Error(`The batch created ${this.createdInBatch} contacts but ${created} have ids above ${above}; not indexing them.`);
      }
      if (created > 0) {
        this.indexNamesAbove.run(above);
        this.indexPhonesAbove.run(above);
      }
      return result;
    } finally {
      this.unindexedAbove = null;
    }
  }

  private isUnindexed(id: number): boolean {
    return this.unindexedAbove !== null && id > this.unindexedAbove;
  }

  /**
   * One page in the order asked, with the number of contacts matching the search. A search of
   * three characters or more is answered from the trigram indexes (contact-search.ts).
   */
  list(query: ContactListQuery): { rows: Contact[]; total: number } {
    const terms = searchTermsOf(query.search);
    const search = searchParamsOf(terms);
    const mode: SearchMode =
      terms.term === ''
        ? 'none'
        : !indexable(terms)
          ? 'scan'
          : indexedSearchOf(terms, () => this.anyNameMatch.get({ nameMatch: search.nameMatch }) !== undefined);
    const rows = this.pageStatement(mode, query.sort, query.direction).all({ ...search, limit: query.limit, offset: query.offset });
    const total = mode === 'none' ? this.countAll.get() : this.countStatement(mode).get(search);
    return { rows: rows.map(toContact), total: total?.n ?? 0 };
  }

  /**
   * Every contact matching the search (all when blank), in name order, one at a time (for the CSV
   * export). While iterating, the connection runs nothing else.
   */
  *iterate(search: string): Generator<Contact> {
    const { term, digits } = searchTermsOf(search);
    const rows = term === '' ? this.selectAllInOrder.iterate() : this.selectMatchingInOrder.iterate({ term, digits });
    for (const row of rows) yield toContact(row);
  }

  /** Statements are prepared once per shape (search mode × sort × direction), on first use. */
  private pageStatement(mode: SearchMode, sort: ContactListQuery['sort'], direction: 'asc' | 'desc'): Statement<[PageParams], ContactRow> {
    const key = `${mode}:${sort}:${direction}`;
    let statement = this.pages.get(key);
    if (statement === undefined) {
      const dir = direction === 'desc' ? 'DESC' : 'ASC';
      statement = this.db.prepare<[PageParams], ContactRow>(
        `SELECT ${COLUMNS} FROM contacts ${whereOf(mode)} ORDER BY ${ORDER[sort](dir)} LIMIT @limit OFFSET @offset`,
      );
      this.pages.set(key, statement);
    }
    return statement;
  }

  private countStatement(mode: Exclude<SearchMode, 'none'>): Statement<[SearchParams], { n: number }> {
    let statement = this.counts.get(mode);
    if (statement === undefined) {
      statement =
        mode === 'scan'
          ? this.db.prepare<[SearchParams], { n: number }>(`SELECT COUNT(*) AS n FROM contacts WHERE ${SEARCH}`)
          : this.db.prepare<[SearchParams], { n: number }>(`SELECT COUNT(*) AS n FROM (${indexedMatches(mode)})`);
      this.counts.set(mode, statement);
    }
    return statement;
  }
}

function whereOf(mode: SearchMode): string {
  switch (mode) {
    case 'none':
      return '';
    case 'scan':
      return `WHERE ${SEARCH}`;
    default:
      return `WHERE id IN (${indexedMatches(mode)})`;
  }
}

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    phone: row.phone,
    name: row.name,
    attributes: toAttributes(row.attributes),
    optedOutAt: row.opted_out_at,
    whatsappId: row.whatsapp_id,
    whatsappStatus: row.whatsapp_status === 'on' || row.whatsapp_status === 'not-on' ? row.whatsapp_status : null,
    source: toContactSource(row.source),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
