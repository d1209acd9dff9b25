/**
 * One CSV import from text to committed rows, synchronously, on whatever connection it is given.
 * The CSV worker runs it on its own connection (csv-worker.ts); tests call it directly.
 *
 * Phases, each reported through `onProgress`:
 * 1. parsing    — size and encoding checks, rows split with their line numbers (progress: characters);
 * 2. validating — phones normalised, rows mapped, duplicates merged, and each chunk of rows written
 *                 as soon as it is read, inside the ONE immediate transaction (progress: rows);
 * 3. writing    — what needs the whole file: contacts already saved, merges into contacts this file
 *                 created, subscriptions, search indexes, the commit (progress: contacts).
 * `isCancelled` is polled between chunks of every phase. Once it says yes the import stops; from
 * phase 2 on it throws inside the transaction, so SQLite rolls back every row already written: a
 * cancelled or failed import leaves the database exactly as it was.
 */
import type { ImportProgress, ImportResult } from '../../../shared/domain';
import { notFound } from '../errors';
import { tryNormalizePhone } from '../services/phone';
import type { Store } from '../store/store';
import { resolveMapping } from './column-mapping';
import { parseCsv } from './csv-rows';
import { checkCsvText } from './csv-text';
import { errorReportCsv } from './error-report';
import { ImportCancelled } from './import-cancelled';
import type { ImportEnvironment, ImportInput } from './worker-protocol';
import { ProgressReporter } from './import-progress';
import { ContactCollector, rawPhoneOf, type ImportCandidate, type NormalisePhone } from './import-rows';
import { helpedNormaliser, type PhoneHelper } from './phone-helper';
import type { CsvRow } from './csv-rows';
import type { ResolvedMapping } from './column-mapping';
import { writeImport, type ImportRows } from './import-writer';

export interface RunImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  isCancelled?: () => boolean;
  /** A thread on the other core that checks the phone numbers while the rows before them are written (phone-helper.ts). */
  phoneHelper?: PhoneHelper;
}

export function runImport(store: Store, input: ImportInput, env: ImportEnvironment, options: RunImportOptions = {}): ImportResult {
  const progress = new ProgressReporter(input.importId, options.onProgress ?? (() => undefined));
  const checkCancelled = (): void => {
    if (options.isCancelled?.() === true) throw new ImportCancelled();
  };
  let totalRows = 0;

  try {
    if (input.sequenceId !== null && !store.sequences.exists(input.sequenceId)) {
      throw notFound('Sequence', input.sequenceId);
    }
    checkCancelled();

    progress.report('parsing', 0, input.csvText.length);
    const text = checkCsvText(input.csvText);
    const parsed = parseCsv(text, {
      hasHeader: input.hasHeader,
      onChunk: (processed, total) => {
        checkCancelled();
        progress.report('parsing', processed, total);
      },
    });
    const mapping = resolveMapping(parsed.columns, input.mapping);
    totalRows = parsed.rows.length;
    checkCancelled();

    // Phones are checked (on the helper's core when there is one) while the rows before them are
    // written: the validating phase runs through the rows, each chunk written as it is read.
    progress.report('validating', 0, totalRows);
    const rows = parsed.rows;
    const normalise = phoneNormaliser(rows, mapping, env.defaultCountry, options.phoneHelper);
    const collector = new ContactCollector(mapping, normalise);
    let nextRow = 0;
    const importRows: ImportRows = {
      nextChunk() {
        if (nextRow >= rows.length) return null;
        checkCancelled();
        progress.report('validating', nextRow, totalRows);
        const contacts: ImportCandidate[] = [];
        for (const end = Math.min(rows.length, nextRow + CHUNK_ROWS); nextRow < end; nextRow++) {
          const row = rows[nextRow];
          if (row === undefined) break;
          normalise.at(nextRow);
          const contact = collector.add(row);
          if (contact !== null) contacts.push(contact);
        }
        return contacts;
      },
      mergedAfterFirstRow: collector.mergedAfterFirstRow,
    };

    const { skipped: refused, ...written } = writeImport(store, importRows, {
      sequenceId: input.sequenceId,
      fileName: input.fileName,
      env,
      onChunk: (processed, total) => {
        checkCancelled();
        progress.report('writing', processed, total);
      },
    });

    progress.report('done', collector.contactCount, collector.contactCount);
    const skipped = [...collector.skipped, ...refused].sort((a, b) => a.line - b.line);
    return {
      importId: input.importId,
      status: 'completed',
      totalRows,
      ...written,
      mergedDuplicates: collector.mergedDuplicates,
      skipped,
      errorReportCsv: errorReportCsv(skipped),
    };
  } catch (error) {
    if (!(error instanceof ImportCancelled)) throw error;
    progress.report('cancelled', 0, totalRows);
    return {
      importId: input.importId,
      status: 'cancelled',
      totalRows,
      created: 0,
      updated: 0,
      mergedDuplicates: 0,
      subscribed: 0,
      alreadySubscribed: 0,
      skipped: [],
      errorReportCsv: errorReportCsv([]),
    };
  }
}

/** Checks every phone here, or takes the helper's answers, which it gives in file order (phone-helper.ts). */
function phoneNormaliser(rows: readonly CsvRow[], mapping: ResolvedMapping, defaultCountry: string, helper: PhoneHelper | undefined): RowNormaliser {
  if (helper === undefined || rows.length < HELPER_MIN_ROWS) {
    const normalise: NormalisePhone = (raw) => tryNormalizePhone(raw, defaultCountry);
    return Object.assign(normalise, { at: () => undefined });
  }
  const raws = rows.map((row) => rawPhoneOf(row, mapping));
  helper.check(raws);
  return helpedNormaliser(helper, raws, defaultCountry);
}

type RowNormaliser = NormalisePhone & { at(index: number): void };

/** Rows read and written per step: what the progress and a Cancel wait for at most. */
const CHUNK_ROWS = 2000;

/** Below this, handing numbers to another thread costs more than it saves. */
const HELPER_MIN_ROWS = 5_000;
