/**
 * Contacts: one row per person. A person has a phone number (E.164, unique), a WhatsApp id, or
 * both (migration 0007): a customer who wrote in over WhatsApp from a privacy id (`…@lid`) whose
 * number stayed hidden is kept by that id alone, with no phone, until one is learned.
 *
 * Identities (the inbound handling's lookups): `findByPhone`, `findByWhatsappId` and `findByLid`
 * find the contact holding an identifier; `setIdentity` adds what a message revealed;
 * `mergeInto` folds two records that turned out to be one person into one (subscriptions and
 * inbound messages move over, the other record goes), so nobody is ever stored twice.
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

interface IdentityRow extends ContactRow {
  whatsapp_lid: string | null;
  whatsapp_checked_at: number | null;
  name_key: string;
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
  /** E.164; null only for a contact that has no phone yet (known by a WhatsApp id). */
  phone: string | null;
  name: string;
  attributes: Attributes;
}

/** A contact created from a message the customer sent (the inbound handling). */
export interface NewInboundContact {
  /** E.164, or null for a WhatsApp privacy id whose number stayed hidden. */
  phone: string | null;
  whatsappId: string | null;
  whatsappLid: string | null;
  name: string;
  consentNote: string;
  /** When they wrote: the consent's time. */
  consentAt: number;
  /** The inbound message that is the consent record. */
  consentInboundId: number;
}

/** Who a contact is, for matching a message to them: every identifier they are known by. */
export interface ContactIdentity {
  id: number;
  phone: string | null;
  whatsappId: string | null;
  whatsappLid: string | null;
  whatsappStatus: 'on' | 'not-on' | null;
  name: string;
  optedOutAt: number | null;
  createdAt: number;
}

/** Identifiers to record on a contact; a field left out (undefined) keeps the stored value. */
export interface IdentityUpdate {
  /** Only ever added: a contact's phone is changed by the owner (`update`), never by a message. */
  phone?: string;
  whatsappId?: string;
  whatsappLid?: string;
  /** 'on' with the time: they wrote from WhatsApp, so they are on it. */
  onWhatsAppAt?: number;
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
const IDENTITY_COLUMNS = `${COLUMNS}, whatsapp_lid, whatsapp_checked_at, name_key`;

/** Why a live subscription of the record merged away ends: the same person is already live there. */
const MERGED_DUPLICATE = 'Ended when two records of the same person were merged: they stay subscribed once.';

const ORDER: Record<ContactListQuery['sort'], (dir: string) => string> = {
  name: (dir) => `name_key ${dir}, id ${dir}`,
  // Contacts without a phone (NULL) tie: the id orders them, so pages neither overlap nor skip.
  phone: (dir) => `phone ${dir}, id ${dir}`,
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
  private readonly selectIdentityById;
  private readonly selectIdentityByPhone;
  private readonly selectIdentityByWhatsappId;
  private readonly selectIdentityByLid;
  private readonly insertInboundRow;
  private readonly updateIdentity;
  private readonly updateMerged;
  private readonly updateOptedOut;
  private readonly clearWhatsApp;
  private readonly endDuplicateSubscriptions;
  private readonly endLiveSubscriptions;
  private readonly moveSubscriptions;
  private readonly moveInbound;
  private readonly selectOptedOutByPhone;
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
    // A new number is a new WhatsApp identity: the cached id and the privacy id go with the old
    // one. A contact known only by a WhatsApp id that is given a phone keeps that id: it still
    // reaches the same person.
    this.updateRow = db.prepare<[{ id: number; phone: string | null; name: string; nameKey: string; attributes: string; now: number }]>(
      `UPDATE contacts
       SET whatsapp_id = CASE WHEN phone IS NULL OR phone IS @phone THEN whatsapp_id END,
           whatsapp_status = CASE WHEN phone IS NULL OR phone IS @phone THEN whatsapp_status END,
           whatsapp_checked_at = CASE WHEN phone IS NULL OR phone IS @phone THEN whatsapp_checked_at END,
           whatsapp_lid = CASE WHEN phone IS NULL OR phone IS @phone THEN whatsapp_lid END,
           phone = @phone, name = @name, name_key = @nameKey, attributes = @attributes, updated_at = @now
       WHERE id = @id`,
    );
    this.selectIdentityById = db.prepare<[number], IdentityRow>(`SELECT ${IDENTITY_COLUMNS} FROM contacts WHERE id = ?`);
    this.selectIdentityByPhone = db.prepare<[string], IdentityRow>(`SELECT ${IDENTITY_COLUMNS} FROM contacts WHERE phone = ?`);
    this.selectIdentityByWhatsappId = db.prepare<[string], IdentityRow>(`SELECT ${IDENTITY_COLUMNS} FROM contacts WHERE whatsapp_id = ?`);
    this.selectIdentityByLid = db.prepare<[string], IdentityRow>(`SELECT ${IDENTITY_COLUMNS} FROM contacts WHERE whatsapp_lid = ?`);
    this.insertInboundRow = db.prepare<
      [{ phone: string | null; whatsappId: string | null; whatsappLid: string | null; whatsappStatus: string | null; checkedAt: number | null } & {
        name: string;
        nameKey: string;
        consentNote: string;
        consentAt: number;
        consentInboundId: number;
        now: number;
      }]
    >(
      `INSERT INTO contacts (phone, whatsapp_id, whatsapp_lid, whatsapp_status, whatsapp_checked_at, name, name_key, source,
                             consent_note, consent_at, consent_inbound_id, created_at, updated_at)
       VALUES (@phone, @whatsappId, @whatsappLid, @whatsappStatus, @checkedAt, @name, @nameKey, 'inbound',
               @consentNote, @consentAt, @consentInboundId, @now, @now)`,
    );
    this.updateIdentity = db.prepare<
      [{ id: number; phone: string | null; whatsappId: string | null; whatsappLid: string | null; whatsappStatus: string | null; checkedAt: number | null; now: number }]
    >(
      `UPDATE contacts SET phone = @phone, whatsapp_id = @whatsappId, whatsapp_lid = @whatsappLid, whatsapp_status = @whatsappStatus,
                           whatsapp_checked_at = @checkedAt, updated_at = @now
       WHERE id = @id`,
    );
    this.updateMerged = db.prepare<
      [{ id: number; name: string; nameKey: string; attributes: string; optedOutAt: number | null; now: number }]
    >(
      `UPDATE contacts SET name = @name, name_key = @nameKey, attributes = @attributes, opted_out_at = @optedOutAt, updated_at = @now
       WHERE id = @id`,
    );
    this.clearWhatsApp = db.prepare<[{ id: number; now: number }]>(
      `UPDATE contacts SET whatsapp_id = NULL, whatsapp_lid = NULL, whatsapp_status = NULL, whatsapp_checked_at = NULL, updated_at = @now
       WHERE id = @id AND phone IS NOT NULL`,
    );
    this.updateOptedOut = db.prepare<[{ id: number; at: number | null; now: number }]>(
      'UPDATE contacts SET opted_out_at = @at, updated_at = @now WHERE id = @id',
    );
    // The same person live in the same sequence under both records: the kept record's subscription
    // stays; the other's ends, so moving it over cannot break "one live subscription per sequence".
    this.endDuplicateSubscriptions = db.prepare<[{ keep: number; gone: number; reason: string; now: number }]>(
      `UPDATE subscriptions SET status = 'unsubscribed', end_reason = @reason, next_message_id = NULL, next_due_at = NULL, updated_at = @now
       WHERE contact_id = @gone AND status IN ('active', 'paused')
         AND sequence_id IN (SELECT sequence_id FROM subscriptions WHERE contact_id = @keep AND status IN ('active', 'paused'))`,
    );
    this.endLiveSubscriptions = db.prepare<[{ id: number; reason: string; now: number }]>(
      `UPDATE subscriptions SET status = 'unsubscribed', end_reason = @reason, next_message_id = NULL, next_due_at = NULL, updated_at = @now
       WHERE contact_id = @id AND status IN ('active', 'paused')`,
    );
    this.moveSubscriptions = db.prepare<[{ keep: number; gone: number }]>('UPDATE subscriptions SET contact_id = @keep WHERE contact_id = @gone');
    this.moveInbound = db.prepare<[{ keep: number; gone: number }]>('UPDATE inbound_messages SET contact_id = @keep WHERE contact_id = @gone');
    this.selectOptedOutByPhone = db.prepare<[string], { phone: string; opted_out_at: number }>(
      'SELECT phone, opted_out_at FROM contacts WHERE phone IN (SELECT value FROM json_each(?)) AND opted_out_at IS NOT NULL',
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
    // Rows as JSON arrays [phone, name, name_key, attributes]; the key keeps the file's order, so
    // the new ids are consecutive in that order. jsonb_each, not json_each: it hands each row to
    // `->>` as SQLite's binary JSON, where json_each would turn every row back into text for `->>`
    // to parse again (about 10 % of a 100,000-row import's SQLite work, counted with callgrind).
    this.insertRows = db.prepare<[{ rows: string; source: string; consentNote: string; now: number }]>(
      `INSERT INTO contacts (phone, name, name_key, attributes, source, consent_note, consent_at, created_at, updated_at)
       SELECT value ->> 0, value ->> 1, value ->> 2, value -> 3, @source, @consentNote, @now, @now, @now
       FROM jsonb_each(@rows) ORDER BY key`,
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

  /** The contact holding this phone (E.164), with every identifier it is known by. */
  identityByPhone(phone: string): ContactIdentity | undefined {
    const row = this.selectIdentityByPhone.get(phone);
    return row && toIdentity(row);
  }

  /** The contact WhatsApp messages go to at this id (`…@c.us` or `…@lid`). */
  identityByWhatsappId(whatsappId: string): ContactIdentity | undefined {
    const row = this.selectIdentityByWhatsappId.get(whatsappId);
    return row && toIdentity(row);
  }

  /** The contact whose messages came from this WhatsApp privacy id. */
  identityByLid(lid: string): ContactIdentity | undefined {
    const row = this.selectIdentityByLid.get(lid);
    return row && toIdentity(row);
  }

  identityById(id: number): ContactIdentity | undefined {
    const row = this.selectIdentityById.get(id);
    return row && toIdentity(row);
  }

  /**
   * Creates a contact for a customer who wrote in (source 'inbound'), with the message as the
   * consent record. Throws on an identifier another contact holds (UNIQUE): look up first.
   */
  insertFromInbound(contact: NewInboundContact, now: number): number {
    const nameKey = foldForSearch(contact.name);
    const onWhatsApp = contact.whatsappId !== null;
    const result = this.insertInboundRow.run({
      phone: contact.phone,
      whatsappId: contact.whatsappId,
      whatsappLid: contact.whatsappLid,
      whatsappStatus: onWhatsApp ? 'on' : null,
      checkedAt: onWhatsApp ? contact.consentAt : null,
      name: contact.name,
      nameKey,
      consentNote: contact.consentNote,
      consentAt: contact.consentAt,
      consentInboundId: contact.consentInboundId,
      now,
    });
    const id = Number(result.lastInsertRowid);
    this.index(id, nameKey, contact.phone);
    return id;
  }

  /**
   * Records identifiers a message revealed (a phone behind a privacy id, the privacy id of a
   * phone contact, the id they wrote from). Throws on an identifier another contact holds
   * (UNIQUE): merge those first. False when no such contact.
   */
  setIdentity(id: number, update: IdentityUpdate, now: number): boolean {
    const current = this.selectIdentityById.get(id);
    if (current === undefined) return false;
    const phone = current.phone ?? update.phone ?? null;
    const on = update.onWhatsAppAt !== undefined;
    this.updateIdentity.run({
      id,
      phone,
      whatsappId: update.whatsappId ?? current.whatsapp_id,
      whatsappLid: update.whatsappLid ?? current.whatsapp_lid,
      whatsappStatus: on ? 'on' : current.whatsapp_status,
      checkedAt: update.onWhatsAppAt ?? current.whatsapp_checked_at,
      now,
    });
    if (phone !== current.phone && !this.isUnindexed(id)) {
      this.unindexPhone.run(id, current.phone);
      this.indexPhone.run(id, phone);
    }
    return true;
  }

  /**
   * Folds the contact `goneId` into `keepId`: they are the same person (a privacy id WhatsApp has
   * since tied to a number, say). The kept record keeps its own values and takes the other's
   * where it has none (name, phone, WhatsApp ids; attributes merged, its own win, within the
   * limit); opted out if either was (the later opt-out counts). Subscriptions and inbound
   * messages move over — a live subscription in a sequence the kept record is live in too ends
   * instead — and the other record is deleted. Runs inside the caller's transaction.
   *
   * An opted-out person gets nothing more: when the merged record is opted out, every live
   * subscription it has (its own or moved over) ends as 'unsubscribed', as STOP ends them, with
   * `optOutEndReason(optedOutAt)` as the reason. Answers the merged opt-out and how many ended.
   */
  mergeInto(keepId: number, goneId: number, now: number, optOutEndReason: (optedOutAt: number) => string): { optedOutAt: number | null; ended: number } {
    if (keepId === goneId) throw new Error(`Cannot merge contact ${keepId} into itself.`);
    const keep = this.selectIdentityById.get(keepId);
    const gone = this.selectIdentityById.get(goneId);
    if (keep === undefined || gone === undefined) throw new Error(`Cannot merge contact ${goneId} into ${keepId}: one of them does not exist.`);
    this.endDuplicateSubscriptions.run({ keep: keepId, gone: goneId, reason: MERGED_DUPLICATE, now });
    this.moveSubscriptions.run({ keep: keepId, gone: goneId });
    this.moveInbound.run({ keep: keepId, gone: goneId });
    // Deleted before the kept record takes its identifiers: they are unique.
    if (!this.delete(goneId)) throw new Error(`Contact ${goneId} vanished while being merged.`);

    const ownAttributes = toAttributes(keep.attributes);
    const merged = { ...toAttributes(gone.attributes), ...ownAttributes };
    const attributes = Object.keys(merged).length <= PEOPLE_LIMITS.attributesMax ? merged : ownAttributes;
    const name = keep.name.trim() === '' ? gone.name : keep.name;
    const optedOutAt = keep.opted_out_at === null || gone.opted_out_at === null ? (keep.opted_out_at ?? gone.opted_out_at) : Math.max(keep.opted_out_at, gone.opted_out_at);
    const nameKey = foldForSearch(name);
    this.updateMerged.run({ id: keepId, name, nameKey, attributes: JSON.stringify(attributes), optedOutAt, now });
    const ended = optedOutAt === null ? 0 : this.endLiveSubscriptions.run({ id: keepId, reason: optOutEndReason(optedOutAt), now }).changes;
    if (nameKey !== keep.name_key && !this.isUnindexed(keepId)) {
      this.unindexName.run(keepId, keep.name_key);
      this.indexName.run(keepId, nameKey);
    }
    const update: IdentityUpdate = {};
    if (gone.phone !== null) update.phone = gone.phone;
    if (keep.whatsapp_id === null && gone.whatsapp_id !== null) update.whatsappId = gone.whatsapp_id;
    if (keep.whatsapp_lid === null && gone.whatsapp_lid !== null) update.whatsappLid = gone.whatsapp_lid;
    if (keep.whatsapp_status !== 'on' && gone.whatsapp_status === 'on' && gone.whatsapp_checked_at !== null) update.onWhatsAppAt = gone.whatsapp_checked_at;
    this.setIdentity(keepId, update, now);
    return { optedOutAt, ended };
  }

  /**
   * Drops the contact's WhatsApp identity (id, privacy id, lookup cache): it turned out to belong
   * to another contact's number. Only for a contact with a phone (it must keep an identifier). False
   * when nothing was written.
   */
  forgetWhatsApp(id: number, now: number): boolean {
    return this.clearWhatsApp.run({ id, now }).changes === 1;
  }

  /** Opts the contact out of every message from the shop (at `at`), or back in (null). False when no such contact. */
  setOptedOut(id: number, at: number | null, now: number): boolean {
    return this.updateOptedOut.run({ id, at, now }).changes === 1;
  }

  /** Of these phones (E.164), those whose contact opted out, with when: for refusing to subscribe them in bulk. */
  optedOutByPhone(phones: readonly string[]): Map<string, number> {
    if (phones.length === 0) return new Map();
    return new Map(this.selectOptedOutByPhone.all(JSON.stringify(phones)).map((row) => [row.phone, row.opted_out_at]));
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
    this.index(id, nameKey, contact.phone);
    return id;
  }

  /** Indexes a contact just created, or leaves it to the running batch. */
  private index(id: number, nameKey: string, phone: string | null): void {
    if (this.unindexedAbove !== null) {
      this.createdInBatch++;
      return;
    }
    this.indexName.run(id, nameKey);
    this.indexPhone.run(id, phone);
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

function toIdentity(row: IdentityRow): ContactIdentity {
  return {
    id: row.id,
    phone: row.phone,
    whatsappId: row.whatsapp_id,
    whatsappLid: row.whatsapp_lid,
    whatsappStatus: row.whatsapp_status === 'on' || row.whatsapp_status === 'not-on' ? row.whatsapp_status : null,
    name: row.name,
    optedOutAt: row.opted_out_at,
    createdAt: row.created_at,
  };
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
