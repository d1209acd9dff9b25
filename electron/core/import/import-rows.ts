/**
 * From parsed CSV rows to the contacts to write: each row's phone normalised, its name and
 * attributes read from the mapped columns; rows that cannot become a contact are set aside with
 * their line and a reason; rows repeating a phone seen earlier in the file merge into it.
 *
 * Merging: the later row's non-empty name and attribute values win; empty cells never erase what an
 * earlier row said (a blank cell in a spreadsheet means "don't know", not "delete").
 */
import { PEOPLE_LIMITS, type ImportRowErrorSchema } from '../../../shared/contract';
import type { z } from 'zod';
import type { ResolvedMapping } from './column-mapping';
import type { CsvRow } from './csv-rows';
import { unescapeFormula } from './csv-write';

export type ImportRowError = z.output<typeof ImportRowErrorSchema>;

/** The phone normaliser as the import needs it: E.164, or the reason the number was refused. */
export type NormalisePhone = (raw: string) => { ok: true; phone: string } | { ok: false; reason: string };

export interface ImportCandidate {
  /** E.164 */
  phone: string;
  /** Empty when no row gave one. */
  name: string;
  /** Only non-empty values. */
  attributes: Record<string, string>;
  /** Where the phone first appears in the file, for a report if writing refuses it. */
  line: number;
  raw: string;
}

/** Excel shows long numbers like this when the column was not formatted as text: digits are lost. */
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?e\+?\d+$/i;

/**
 * The rows read one at a time, so an import can write the contacts of one chunk of rows while the
 * next chunk's phones are still being checked (run-import.ts). A row repeating a phone of an
 * earlier row merges into that row's candidate — the same object `add` returned for it — so a
 * writer that saved the candidate already finds it among `mergedAfterFirstRow` and saves it again.
 */
export class ContactCollector {
  readonly skipped: ImportRowError[] = [];
  mergedDuplicates = 0;
  /** Candidates that took values from a later row after `add` first returned them. */
  readonly mergedAfterFirstRow = new Set<ImportCandidate>();
  private readonly byPhone = new Map<string, ImportCandidate>();

  constructor(
    private readonly mapping: ResolvedMapping,
    private readonly normalisePhone: NormalisePhone,
  ) {}

  /** The row's contact when its phone is new to the file; null when the row was set aside or merged into an earlier one. */
  add(row: CsvRow): ImportCandidate | null {
    const read = readRow(row, this.mapping, this.normalisePhone);
    if ('reason' in read) {
      this.skipped.push({ line: row.line, reason: read.reason, raw: row.raw });
      return null;
    }
    const earlier = this.byPhone.get(read.phone);
    if (earlier === undefined) {
      this.byPhone.set(read.phone, read);
      return read;
    }
    this.mergedDuplicates++;
    if (read.name !== '') earlier.name = read.name;
    Object.assign(earlier.attributes, read.attributes);
    this.mergedAfterFirstRow.add(earlier);
    return null;
  }

  /** How many distinct phones the rows so far brought. */
  get contactCount(): number {
    return this.byPhone.size;
  }
}

/** A cell as the import reads it: trimmed, a neutralised formula prefix taken off again. */
function cellOf(row: CsvRow, index: number): string {
  return unescapeFormula((row.cells[index] ?? '').trim()).trim();
}

/** The phone cell of a row, exactly as the normaliser will be asked about it. */
export function rawPhoneOf(row: CsvRow, mapping: ResolvedMapping): string {
  return cellOf(row, mapping.phone);
}

function readRow(row: CsvRow, mapping: ResolvedMapping, normalisePhone: NormalisePhone): ImportCandidate | { reason: string } {
  if (row.problem !== null) return { reason: row.problem };
  const cell = (index: number): string => cellOf(row, index);

  const rawPhone = rawPhoneOf(row, mapping);
  if (rawPhone === '') return { reason: 'No phone number.' };
  if (SCIENTIFIC.test(rawPhone)) {
    return {
      reason: `The phone number reads "${rawPhone}": the spreadsheet turned it into a rounded number. Format the phone column as text and save the file again.`,
    };
  }
  if (rawPhone.length > PEOPLE_LIMITS.phoneInputMax) return { reason: `"${shorten(rawPhone)}" is too long for a phone number.` };
  const phone = normalisePhone(rawPhone);
  if (!phone.ok) return { reason: phone.reason };

  const name = mapping.name === null ? '' : cell(mapping.name);
  if (name.length > PEOPLE_LIMITS.contactNameMax) {
    return { reason: `The name is longer than ${PEOPLE_LIMITS.contactNameMax} characters.` };
  }

  const attributes: Record<string, string> = {};
  for (const { index, attribute } of mapping.attributes) {
    const value = cell(index);
    if (value === '') continue;
    if (value.length > PEOPLE_LIMITS.attributeValueMax) {
      return { reason: `"${attribute}" is longer than ${PEOPLE_LIMITS.attributeValueMax} characters.` };
    }
    attributes[attribute] = value;
  }
  return { phone: phone.phone, name, attributes, line: row.line, raw: row.raw };
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
