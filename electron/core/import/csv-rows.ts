/**
 * Splitting a CSV file's text into rows (papaparse), remembering where each row starts in the file.
 *
 * - Delimiter: guessed from the first rows among comma, semicolon (Excel in most of Europe) and
 *   tab; a one-column file falls back to comma. The line break (CRLF, LF or CR) is guessed too.
 * - Line numbers are what a text editor shows: 1-based, counting the header and blank lines. A
 *   quoted field may span several lines ("Street 1⏎Berlin"), so a row's number is the line it
 *   STARTS on, found by counting line breaks in the text before the row (papaparse's `cursor`
 *   tells where each row ends, hence where the next one starts). Any of CRLF, LF or CR counts as
 *   one break: Excel writes LF inside quoted cells of a CRLF file, and editors show both.
 * - Blank rows (every cell empty) are ignored: they are not contacts and not errors.
 * - A quote that is never closed swallows the rest of the file, so nothing after it can be trusted:
 *   the whole file is refused, naming the line. A stray quote inside a field (`"abc"def`) only spoils
 *   its own row, which is reported as a bad row.
 */
import Papa from 'papaparse';
import { PEOPLE_LIMITS } from '../../../shared/contract';
import { AppError, validation } from '../errors';

export interface CsvRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  cells: string[];
  /** The row's text as it appears in the file, without its line break. */
  raw: string;
  /** Why the row could not be read reliably, or null. */
  problem: string | null;
}

export interface ParsedCsv {
  /** Column names the mapping refers to: header cells, or `Column 1`, `Column 2`… without a header. */
  columns: string[];
  /** Data rows (not the header, not blank rows), in file order. */
  rows: CsvRow[];
}

export interface ParseOptions {
  hasHeader: boolean;
  /** Called every few thousand rows: characters read so far out of the total. May throw to stop. */
  onChunk?: (processedChars: number, totalChars: number) => void;
}

const CHUNK_ROWS = 2000;

export function columnLabel(index: number): string {
  return `Column ${index + 1}`;
}

export function parseCsv(text: string, options: ParseOptions): ParsedCsv {
  const { delimiter, linebreak } = detectFormat(text);
  const rows: CsvRow[] = [];
  let header: string[] | null = null;
  let width = 0;

  let rowStart = 0;
  let line = 1;
  let countedTo = 0;
  let stopped: unknown = null;

  Papa.parse<string[]>(text, {
    delimiter,
    newline: linebreak,
    skipEmptyLines: false,
    step: (result, parser) => {
      const start = rowStart;
      const end = result.meta.cursor;
      rowStart = end;
      line += countLineBreaks(text, countedTo, start);
      countedTo = start;
      const raw = stripLineBreak(text.slice(start, end));

      try {
        if (result.errors.some((error) => error.code === 'MissingQuotes')) {
          throw validation(
            `Line ${line}: a quoted field starts here but its closing quote is missing, so the rest of the file cannot be read. ` +
              'Check the quotes in this row.',
            'csvText',
          );
        }
        const cells = result.data;
        if (cells.every((cell) => cell.trim() === '')) return;
        if (options.hasHeader && header === null) {
          header = cells;
          return;
        }
        if (rows.length >= PEOPLE_LIMITS.csvRowsMax) {
          throw new AppError(
            'TOO_LARGE',
            `This file has more than ${PEOPLE_LIMITS.csvRowsMax.toLocaleString('en-US')} rows; ` +
              `import at most ${PEOPLE_LIMITS.csvRowsMax.toLocaleString('en-US')} at a time. Split it into smaller files.`,
            'csvText',
          );
        }
        const malformed = result.errors.some((error) => error.type === 'Quotes');
        rows.push({
          line,
          cells,
          raw,
          problem: malformed ? 'The quotes in this row are malformed (a quote inside a field must be doubled: "").' : null,
        });
        width = Math.max(width, cells.length);
        if (options.onChunk && rows.length % CHUNK_ROWS === 0) options.onChunk(end, text.length);
      } catch (error) {
        // papaparse would swallow an exception thrown from `step`; carry it out ourselves.
        stopped = error;
        parser.abort();
      }
    },
  });
  if (stopped !== null) throw stopped;

  const columns = header === null ? Array.from({ length: width }, (_, i) => columnLabel(i)) : headerColumns(header);
  if (rows.length === 0) {
    throw validation(
      header === null ? 'The file has no rows to import.' : 'The file has only a header row and no contacts to import.',
      'csvText',
    );
  }
  return { columns, rows };
}

function detectFormat(text: string): { delimiter: string; linebreak: '\r\n' | '\n' | '\r' } {
  const preview = Papa.parse<string[]>(text, {
    delimitersToGuess: [',', ';', '\t'],
    skipEmptyLines: 'greedy',
    preview: 20,
  });
  const { delimiter, linebreak } = preview.meta;
  return { delimiter: delimiter || ',', linebreak: linebreak === '\r\n' || linebreak === '\r' ? linebreak : '\n' };
}

/** Header cells, trimmed; a blank header cell is named like a column of a file without header. */
function headerColumns(header: readonly string[]): string[] {
  return header.map((cell, i) => cell.trim() || columnLabel(i));
}

/** Line breaks in text[from, to): CRLF, LF and a lone CR each count once. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === 10) count++;
    else if (code === 13 && text.charCodeAt(i + 1) !== 10) count++;
  }
  return count;
}

function stripLineBreak(raw: string): string {
  if (raw.endsWith('\r\n')) return raw.slice(0, -2);
  if (raw.endsWith('\n') || raw.endsWith('\r')) return raw.slice(0, -1);
  return raw;
}
