/**
 * The writing side of an import: every contact and subscription written in ONE immediate
 * transaction, so the import is all or nothing. The contacts arrive chunk by chunk (`rows`), each
 * chunk written as it comes, so the phones of the next chunk can be checked meanwhile on the
 * other core (run-import.ts). Whatever `nextChunk` or `onChunk` throws (ImportCancelled, when the
 * owner cancels) rolls back every row written so far.
 *
 * - A phone new to the shop creates a contact, with the chunk's other new ones in one statement.
 *   Should a later row of the file repeat it, the contact is saved again with every row's values
 *   once the file is read (ImportRows.mergedAfterFirstRow).
 * - A phone already in the database updates that contact, after the whole file is read so its
 *   rows are merged first: a non-empty name replaces the stored one, attributes are merged (the
 *   file's values win) — ContactRepository.upsertByPhone.
 * - With a sequence, every contact is subscribed (source 'import') unless it already has a live
 *   (active or paused) subscription there, which is counted and left alone. The first message and
 *   its due time follow the same rule as subscribers.add (`firstDue`); everyone imported at once
 *   subscribes at the same instant, so they are computed once.
 * - A contact who opted out of the shop's messages (replied STOP) is never subscribed by an
 *   import (as by hand): their name and attributes are still updated, and the row is listed with
 *   the reason and the date. Who opted out is read for the whole file in one query.
 */
import { AppError } from '../errors';
import type { Store } from '../store/store';
import type { ImportEnvironment } from './worker-protocol';
import type { ImportCandidate, ImportRowError } from './import-rows';
import { firstDue } from '../services/subscription-progress';
import { formatDay } from '../inbound/opt-out-wording';

export interface WriteOptions {
  sequenceId: number | null;
  fileName: string;
  env: ImportEnvironment;
  /** Called between steps once the file is read: contacts written so far, of all the file's contacts. */
  onChunk?: (processed: number, total: number) => void;
}

/** The file's contacts as the import reads them (run-import.ts). */
export interface ImportRows {
  /** The contacts of the next chunk of rows whose phone is new to the file, in file order; null once the file is read. */
  nextChunk(): readonly ImportCandidate[] | null;
  /** Contacts handed out by `nextChunk` that later rows added values to. */
  readonly mergedAfterFirstRow: ReadonlySet<ImportCandidate>;
}

export interface WriteCounts {
  created: number;
  updated: number;
  subscribed: number;
  alreadySubscribed: number;
  /** Rows refused only once compared with the stored contact (too many attributes, opted out). */
  skipped: ImportRowError[];
}

const CHUNK_CONTACTS = 1000;

export function writeImport(store: Store, rows: ImportRows, options: WriteOptions): WriteCounts {
  const { sequenceId, env } = options;
  const consentNote = `Imported from ${options.fileName}`;
  return store.write(() =>
    // The search indexes of new contacts, and the subscriptions, are written in bulk at the end:
    // a statement per row cost about a second more for 100,000 contacts (DESIGN.md §7: < 5 s).
    store.contacts.withBatchedIndexing(() => {
      const counts: WriteCounts = { created: 0, updated: 0, subscribed: 0, alreadySubscribed: 0, skipped: [] };
      const next = sequenceId === null ? null : firstDue(store.messages.listBySequence(sequenceId), env.now, { ...env.schedule, now: env.now });
      const created = new Map<ImportCandidate, number>();
      const existing: ImportCandidate[] = [];

      for (let chunk = rows.nextChunk(); chunk !== null; chunk = rows.nextChunk()) {
        const known = store.contacts.idsByPhone(chunk.map((contact) => contact.phone));
        const fresh: ImportCandidate[] = [];
        for (const contact of chunk) (known.has(contact.phone) ? existing : fresh).push(contact);
        // New ones are created together (one statement; no merge can fail for them).
        const ids = store.contacts.insertMany(fresh, 'import', consentNote, env.now);
        ids.forEach((id, i) => {
          const contact = fresh[i];
          if (contact !== undefined) created.set(contact, id);
        });
      }
      const total = created.size + existing.length;
      options.onChunk?.(created.size, total);
      for (const contact of rows.mergedAfterFirstRow) {
        const id = created.get(contact);
        if (id !== undefined) store.contacts.update(id, { phone: contact.phone, name: contact.name, attributes: contact.attributes }, env.now);
      }
      counts.created = created.size;

      const toSubscribe: number[] = [];
      const optedOut = sequenceId === null ? new Map<string, number>() : store.contacts.optedOutByPhone(existing.map((contact) => contact.phone));
      // Contacts already saved are merged one by one (name, attributes, the attribute limit).
      existing.forEach((contact, i) => {
        if (options.onChunk && i % CHUNK_CONTACTS === 0) options.onChunk(created.size + i, total);
        let written: { id: number; created: boolean };
        try {
          written = store.contacts.upsertByPhone(
            { phone: contact.phone, name: contact.name, attributes: contact.attributes, source: 'import', consentNote },
            env.now,
          );
        } catch (error) {
          // The merge is checked before anything is written, so skipping the row is safe.
          if (!(error instanceof AppError && error.code === 'VALIDATION')) throw error;
          counts.skipped.push({ line: contact.line, reason: `${error.message} (after merging with the saved contact).`, raw: contact.raw });
          return;
        }
        if (written.created) counts.created++;
        else counts.updated++;

        if (sequenceId === null || next === null) return;
        const optedOutAt = optedOut.get(contact.phone);
        if (optedOutAt !== undefined) {
          counts.skipped.push({
            line: contact.line,
            reason: `Updated, but not subscribed: this person opted out — they replied STOP on ${formatDay(optedOutAt, env.schedule.timeZone)} and can write START to allow messages again.`,
            raw: contact.raw,
          });
          return;
        }
        toSubscribe.push(written.id);
      });

      if (sequenceId !== null && next !== null) {
        options.onChunk?.(total, total);
        toSubscribe.push(...created.values());
        // One candidate per phone, so each contact at most once: whoever was not subscribed now already was.
        counts.subscribed = store.subscriptions.insertActiveMany(toSubscribe, { sequenceId, source: 'import', subscribedAt: env.now, ...next }, env.now);
        counts.alreadySubscribed = toSubscribe.length - counts.subscribed;
      }
      return counts;
    }),
  );
}
