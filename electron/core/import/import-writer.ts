/**
 * Phase 3 of an import: every contact and subscription written in ONE immediate transaction, so
 * the import is all or nothing. `onChunk` runs between chunks INSIDE the transaction; whatever it
 * throws (ImportCancelled, when the owner cancels) rolls back every row written so far.
 *
 * - A phone already in the database updates that contact: a non-empty name replaces the stored
 *   one, attributes are merged (the file's values win) — ContactRepository.upsertByPhone.
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
  onChunk?: (processed: number) => void;
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

export function writeImport(store: Store, contacts: readonly ImportCandidate[], options: WriteOptions): WriteCounts {
  const { sequenceId, env } = options;
  const consentNote = `Imported from ${options.fileName}`;
  return store.write(() =>
    // The search indexes of new contacts, and the subscriptions, are written in bulk at the end:
    // a statement per row cost about a second more for 100,000 contacts (DESIGN.md §7: < 5 s).
    store.contacts.withBatchedIndexing(() => {
      const counts: WriteCounts = { created: 0, updated: 0, subscribed: 0, alreadySubscribed: 0, skipped: [] };
      const next = sequenceId === null ? null : firstDue(store.messages.listBySequence(sequenceId), env.now, { ...env.schedule, now: env.now });
      const toSubscribe: number[] = [];
      const existing = store.contacts.idsByPhone(contacts.map((contact) => contact.phone));
      const fresh = contacts.filter((contact) => !existing.has(contact.phone));
      const optedOut = sequenceId === null ? new Map<string, number>() : store.contacts.optedOutByPhone([...existing.keys()]);

      // Contacts already saved are merged one by one (name, attributes, the attribute limit).
      contacts.forEach((contact, i) => {
        if (options.onChunk && i % CHUNK_CONTACTS === 0) options.onChunk(i);
        if (!existing.has(contact.phone)) return;
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

      // New ones are created together (one statement; no merge can fail for them).
      options.onChunk?.(contacts.length - fresh.length);
      const created = store.contacts.insertMany(fresh, 'import', consentNote, env.now);
      counts.created += created.length;
      if (sequenceId !== null && next !== null) toSubscribe.push(...created);

      if (sequenceId !== null && next !== null) {
        // One candidate per phone, so each contact at most once: whoever was not subscribed now already was.
        counts.subscribed = store.subscriptions.insertActiveMany(toSubscribe, { sequenceId, source: 'import', subscribedAt: env.now, ...next }, env.now);
        counts.alreadySubscribed = toSubscribe.length - counts.subscribed;
      }
      return counts;
    }),
  );
}
