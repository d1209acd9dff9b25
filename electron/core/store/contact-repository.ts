/**
 * Contacts: one row per phone number (E.164, unique).
 *
 * Free of the event bus and of services on purpose: the CSV import runs these methods from a
 * worker thread on its own connection. Phone numbers must already be normalised
 * (services/phone.ts); the table's CHECK refuses anything that is not E.164.
 */
import type { Statement } from 'better-sqlite3';
import { PEOPLE_LIMITS } from '../../../shared/contract';
import type { Contact } from '../../../shared/domain';
import { validation } from '../errors';
import type { SqliteDatabase } from './database';
import { toAttributes, toContactSource, type ContactSource } from './row-values';
import { foldForSearch, phoneDigitsOf } from './search-key';

interface ContactRow {
  id: number;
  phone: string;
  name: string;
  attributes: string;
  opted_out_at: number | null;
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

interface PageParams {
  term: string;
  digits: string;
  limit: number;
  offset: number;
}

const COLUMNS = 'id, phone, name, attributes, opted_out_at, source, created_at, updated_at';

const ORDER: Record<ContactListQuery['sort'], (dir: string) => string> = {
  name: (dir) => `name_key ${dir}, id ${dir}`,
  // Unique: no tiebreak needed.
  phone: (dir) => `phone ${dir}`,
  // Ids grow with every insert: the order of creation, even if the clock was set back meanwhile.
  createdAt: (dir) => `id ${dir}`,
};

/** Matches when the folded name contains the folded term, or the phone contains the term's digits. */
const SEARCH = `(instr(name_key, @term) > 0 OR (@digits <> '' AND instr(phone, @digits) > 0))`;

export class ContactRepository {
  private readonly selectById;
  private readonly selectByPhone;
  private readonly insertRow;
  private readonly updateRow;
  private readonly deleteRow;
  private readonly countAll;
  private readonly countMatching;
  private readonly selectAllInOrder;
  private readonly selectMatchingInOrder;
  private readonly pages = new Map<string, Statement<[PageParams], ContactRow>>();

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
           phone = @phone, name = @name, name_key = @nameKey, attributes = @attributes, updated_at = @now
       WHERE id = @id`,
    );
    this.deleteRow = db.prepare<[number]>('DELETE FROM contacts WHERE id = ?');
    this.countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM contacts');
    this.countMatching = db.prepare<[{ term: string; digits: string }], { n: number }>(
      `SELECT COUNT(*) AS n FROM contacts WHERE ${SEARCH}`,
    );
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
    const result = this.insertRow.run({
      phone: contact.phone,
      name: contact.name,
      nameKey: foldForSearch(contact.name),
      attributes: JSON.stringify(contact.attributes),
      source: contact.source,
      consentNote: contact.consentNote,
      now,
    });
    return Number(result.lastInsertRowid);
  }

  /** Replaces phone, name and attributes. False when no such contact. Throws on a phone taken by another contact (UNIQUE). */
  update(id: number, edit: ContactEdit, now: number): boolean {
    const result = this.updateRow.run({
      id,
      phone: edit.phone,
      name: edit.name,
      nameKey: foldForSearch(edit.name),
      attributes: JSON.stringify(edit.attributes),
      now,
    });
    return result.changes === 1;
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
    this.update(current.id, { phone: current.phone, name: name === '' ? current.name : name, attributes }, now);
    return { id: current.id, created: false };
  }

  /** Deletes the contact; its subscriptions and their deliveries go by cascade. False when no such contact. */
  delete(id: number): boolean {
    return this.deleteRow.run(id).changes === 1;
  }

  /** One page in the order asked, with the number of contacts matching the search. */
  list(query: ContactListQuery): { rows: Contact[]; total: number } {
    const term = foldForSearch(query.search.trim());
    const params = { term, digits: phoneDigitsOf(term), limit: query.limit, offset: query.offset };
    const rows = this.pageStatement(term !== '', query.sort, query.direction).all(params);
    const total = term === '' ? this.countAll.get() : this.countMatching.get({ term: params.term, digits: params.digits });
    return { rows: rows.map(toContact), total: total?.n ?? 0 };
  }

  /**
   * Every contact matching the search (all when blank), in name order, one at a time (for the CSV
   * export). While iterating, the connection runs nothing else.
   */
  *iterate(search: string): Generator<Contact> {
    const term = foldForSearch(search.trim());
    const rows = term === '' ? this.selectAllInOrder.iterate() : this.selectMatchingInOrder.iterate({ term, digits: phoneDigitsOf(term) });
    for (const row of rows) yield toContact(row);
  }

  /** Statements are prepared once per shape (search or not × sort × direction), on first use. */
  private pageStatement(searching: boolean, sort: ContactListQuery['sort'], direction: 'asc' | 'desc'): Statement<[PageParams], ContactRow> {
    const key = `${searching ? 's' : '-'}:${sort}:${direction}`;
    let statement = this.pages.get(key);
    if (statement === undefined) {
      const dir = direction === 'desc' ? 'DESC' : 'ASC';
      statement = this.db.prepare<[PageParams], ContactRow>(
        `SELECT ${COLUMNS} FROM contacts ${searching ? `WHERE ${SEARCH}` : ''}
         ORDER BY ${ORDER[sort](dir)} LIMIT @limit OFFSET @offset`,
      );
      this.pages.set(key, statement);
    }
    return statement;
  }
}

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    phone: row.phone,
    name: row.name,
    attributes: toAttributes(row.attributes),
    optedOutAt: row.opted_out_at,
    source: toContactSource(row.source),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
