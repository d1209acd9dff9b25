/**
 * Writing CSV files a shop owner opens in Excel, LibreOffice or Google Sheets.
 *
 * - Quoting follows RFC 4180 (papaparse's `unparse`): a cell with a comma, a quote, a line break or
 *   edge spaces is quoted, quotes inside doubled, rows end with CRLF.
 * - Formula injection (OWASP "CSV Injection", CWE-1236): a spreadsheet evaluates a cell that starts
 *   with `=`, `+`, `-` or `@` — also after leading spaces, and after a tab or line break — so a
 *   contact named `=HYPERLINK("http://evil", "click")` would become a live link in the owner's
 *   sheet. Such cells get a leading single quote, which makes every spreadsheet treat them as text.
 *   This also applies to E.164 phone numbers (`'+4915112345678`): Excel would otherwise read them as
 *   numbers and drop the `+`. The import strips that quote again (see `unescapeFormula`), so an
 *   exported file imports back unchanged.
 * - The text starts with a UTF-8 byte order mark: without it Excel opens the file in the machine's
 *   legacy code page and mangles every name with an umlaut.
 */
import Papa from 'papaparse';

/** A cell spreadsheets would evaluate. Full-width variants count: some locales convert them. */
const FORMULA_START = /^(?:[\t\r\n\0]|[ \u00a0]*[=+\-@\uff1d\uff0b\uff0d\uff20])/;

export const UTF8_BOM = '\ufeff';

export function isFormulaLike(cell: string): boolean {
  return FORMULA_START.test(cell);
}

/** The inverse of the export's neutralisation: `'=1+2` → `=1+2`; anything else unchanged. */
export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") && isFormulaLike(cell.slice(1)) ? cell.slice(1) : cell;
}

/** A whole CSV file: BOM, header row, then one line per row. Every cell is text. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const config = { escapeFormulae: FORMULA_START, newline: '\r\n', quotes: false };
  // `unparse` writes an empty row for `{ fields, data: [] }`; a header alone is a one-row table.
  const body = rows.length === 0 ? Papa.unparse([[...header]], config) : Papa.unparse({ fields: [...header], data: rows.map((row) => [...row]) }, config);
  return UTF8_BOM + body + '\r\n';
}
