/**
 * `contacts.export` and `subscribers.export`: the people as a CSV file the owner opens in a
 * spreadsheet (cells neutralised against formula injection, see csv-write.ts).
 *
 * - Columns: phone and name, then one column per attribute (every key any exported contact has, in
 *   alphabetical order); for subscribers also their place in the sequence first. Times are ISO 8601
 *   in the business time zone. An exported contacts file imports back as it is.
 * - Rows are read by one query each (the repositories' iterators), in the order of the paged views
 *   (contacts by name, subscribers by subscription time), with the contacts' attributes. The CSV worker runs an export
 *   inside one read transaction, so everything comes from the same snapshot; running it there keeps
 *   100,000 rows of reading and formatting off the main thread (export-service.ts).
 * - File names carry the business date: `contacts-2026-11-25.csv`,
 *   `subscribers-welcome-series-2026-11-25.csv`.
 */
import type { z } from 'zod';
import type { CsvExportSchema } from '../../../shared/contract';
import type { Contact } from '../../../shared/domain';
import { notFound } from '../errors';
import type { Store } from '../store/store';
import { toCsv } from './csv-write';
import { zonedIsoFormatter } from './zoned-iso';

export type CsvExport = z.output<typeof CsvExportSchema>;

export type ExportRequest = { kind: 'contacts'; search: string } | { kind: 'subscribers'; sequenceId: number };

export interface ExportContext {
  /** For the date in the file name. */
  now: number;
  /** Business time zone: times in the file and the date in its name. */
  timeZone: string;
}

export class CsvExporter {
  constructor(
    private readonly store: Store,
    private readonly context: ExportContext,
  ) {}

  export(request: ExportRequest): CsvExport {
    return request.kind === 'contacts' ? this.contacts(request) : this.subscribers(request);
  }

  contacts(input: { search: string }): CsvExport {
    const contacts = [...this.store.contacts.iterate(input.search)];
    const keys = attributeKeys(contacts);
    const header = ['Phone', 'Name', ...attributeHeaders(keys, ['Phone', 'Name'])];
    const rows = contacts.map((contact) => [contact.phone ?? '', contact.name, ...keys.map((key) => contact.attributes[key] ?? '')]);
    return { fileName: `contacts-${this.today()}.csv`, csv: toCsv(header, rows), rowCount: rows.length };
  }

  subscribers(input: { sequenceId: number }): CsvExport {
    const { store } = this;
    const sequenceName = store.sequences.nameOf(input.sequenceId);
    if (sequenceName === undefined) throw notFound('Sequence', input.sequenceId);
    const subscribers = [...store.subscriptions.iterateBySequence(input.sequenceId)];
    const keys = attributeKeys(subscribers);
    const fixed = ['Phone', 'Name', 'Status', 'Subscribed at', 'Last message', 'Last sent at', 'Next message', 'Next due at', 'Messages sent'];
    const header = [...fixed, ...attributeHeaders(keys, fixed)];
    const iso = zonedIsoFormatter(this.context.timeZone);
    const rows = subscribers.map((s) => [
      s.phone ?? '',
      s.name,
      s.status,
      iso(s.subscribedAt),
      s.lastSentMessage?.name ?? '',
      iso(s.lastSentAt),
      s.nextMessage?.name ?? '',
      iso(s.nextDueAt),
      String(s.sentCount),
      ...keys.map((key) => s.attributes[key] ?? ''),
    ]);
    return { fileName: `subscribers-${slug(sequenceName, input.sequenceId)}-${this.today()}.csv`, csv: toCsv(header, rows), rowCount: rows.length };
  }

  /** The business date, YYYY-MM-DD. */
  private today(): string {
    return zonedIsoFormatter(this.context.timeZone)(this.context.now).slice(0, 10);
  }
}

function attributeKeys(items: ReadonlyArray<Pick<Contact, 'attributes'>>): string[] {
  const keys = new Set<string>();
  for (const { attributes } of items) for (const key of Object.keys(attributes)) keys.add(key);
  return [...keys].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }) || (a < b ? -1 : 1));
}

/** An attribute called like a fixed column ("name") gets a distinct header, so columns stay unambiguous. */
function attributeHeaders(keys: readonly string[], fixed: readonly string[]): string[] {
  const taken = new Set(fixed.map((column) => column.toLowerCase()));
  return keys.map((key) => (taken.has(key.toLowerCase()) ? `${key} (attribute)` : key));
}

/** "Welcome Series: Ölkur!" → "welcome-series-olkur"; a name with no letters or digits → "sequence-7". */
export function slug(name: string, id: number): string {
  const text = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return text === '' ? `sequence-${id}` : text;
}
