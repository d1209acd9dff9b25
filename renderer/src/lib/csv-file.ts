/**
 * The import dialog's first look at a CSV file, in the renderer: read it (refusing what the core
 * would refuse anyway, with the same words, before sending megabytes), and parse the first rows
 * for the column-mapping preview.
 *
 * The preview follows the core's reading of the file (electron/core/import/csv-rows.ts) so the
 * column names shown here are the names the mapping sends: delimiter guessed among comma,
 * semicolon and tab; blank rows ignored; header cells trimmed; a blank header cell, and every
 * column of a file without header, named "Column N".
 */
import Papa from 'papaparse';
import { PEOPLE_LIMITS } from '../../../shared/contract';
import { formatBytes } from './format';

export const WRONG_ENCODING_MESSAGE = "This file isn't UTF-8 text. In Excel, save it as 'CSV UTF-8' and pick it again.";

export type ReadResult = { ok: true; text: string } | { ok: false; error: string };

/** Size check before reading: a 50 MB file is refused without loading it. */
export function checkCsvSize(fileName: string, sizeBytes: number): string | null {
  if (sizeBytes === 0) return `“${fileName}” is empty.`;
  if (sizeBytes > PEOPLE_LIMITS.csvBytesMax) {
    return `“${fileName}” is ${formatBytes(sizeBytes)}; CSV files can be at most ${formatBytes(PEOPLE_LIMITS.csvBytesMax)}. Split it into smaller files.`;
  }
  return null;
}

/** The file's bytes as text, or why they cannot be imported (wrong encoding, empty). */
export function decodeCsv(fileName: string, bytes: Uint8Array): ReadResult {
  let text: string;
  try {
    // fatal: bytes that are not UTF-8 (Windows-1252 umlauts, UTF-16) throw instead of becoming "�".
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // The decoder's only failure is invalid UTF-8, which is exactly what the message says.
    return { ok: false, error: WRONG_ENCODING_MESSAGE };
  }
  if (text.includes('\0')) return { ok: false, error: WRONG_ENCODING_MESSAGE };
  if (text.trim() === '') return { ok: false, error: `“${fileName}” has no rows: the file is empty.` };
  return { ok: true, text };
}

export interface CsvPreview {
  /** Column names as the import mapping refers to them. */
  columns: string[];
  /** Up to `maxRows` data rows (not the header). */
  rows: string[][];
}

export function columnLabel(index: number): string {
  return `Column ${index + 1}`;
}

export function previewCsv(text: string, hasHeader: boolean, maxRows = 20): CsvPreview {
  const parsed = Papa.parse<string[]>(text.startsWith('\ufeff') ? text.slice(1) : text, {
    delimitersToGuess: [',', ';', '\t'],
    skipEmptyLines: 'greedy',
    preview: maxRows + 1,
  });
  const all = parsed.data.filter((cells) => cells.some((cell) => cell.trim() !== ''));
  const header = hasHeader ? (all[0] ?? []) : null;
  const rows = (hasHeader ? all.slice(1) : all).slice(0, maxRows);
  const width = Math.max(header?.length ?? 0, ...rows.map((row) => row.length));
  const columns = Array.from({ length: width }, (_, i) => header?.[i]?.trim() || columnLabel(i));
  return { columns, rows };
}

const PHONE_HEADERS = /phone|mobile|number|whats ?app|tel|handy|cell|nummer|numero|número|móvil|movil/i;
const NAME_HEADERS = /^(full ?name|name|contact|customer|kunde|nombre|nom)$/i;
const FIRST_NAME = /^(first ?name|given ?name|vorname|forename)$/i;
const PHONE_LIKE = /^\+?[\d\s().\-/]{6,}$/;

/** The column that most likely holds the phone number: by its header, else by what its cells look like. */
export function guessPhoneColumn(preview: CsvPreview): string | null {
  const byHeader = preview.columns.find((column) => PHONE_HEADERS.test(column) && !/name/i.test(column));
  if (byHeader) return byHeader;
  const index = preview.columns.findIndex((_, i) => {
    const cells = preview.rows.map((row) => row[i]?.trim() ?? '').filter((cell) => cell !== '');
    return cells.length > 0 && cells.filter((cell) => PHONE_LIKE.test(cell)).length / cells.length >= 0.8;
  });
  return index >= 0 ? (preview.columns[index] ?? null) : null;
}

export function guessNameColumn(preview: CsvPreview): string | null {
  return preview.columns.find((column) => NAME_HEADERS.test(column.trim())) ?? preview.columns.find((column) => FIRST_NAME.test(column.trim())) ?? null;
}

/** A column header as an attribute name the contract accepts: "E-Mail (work)" → "e-mail work". */
export function attributeNameFor(column: string): string {
  const cleaned = column
    .toLowerCase()
    .replace(/[^a-z0-9_.\- ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, PEOPLE_LIMITS.attributeKeyMax)
    .trim();
  return cleaned || 'attribute';
}

/** `^[A-Za-z0-9_-]{8,64}$`, as `contacts.import` wants its importId. */
export function newImportId(): string {
  return `imp_${crypto.randomUUID().replace(/-/g, '')}`;
}
