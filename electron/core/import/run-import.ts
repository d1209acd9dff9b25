/**
 * One CSV import from text to committed rows, synchronously, on whatever connection it is given.
 * The CSV worker runs it on its own connection (csv-worker.ts); tests call it directly.
 *
 * Phases, each reported through `onProgress`:
 * 1. parsing    — size and encoding checks, rows split with their line numbers (progress: characters);
 * 2. validating — phones normalised, rows mapped, duplicates merged (progress: rows);
 * 3. writing    — everything in ONE immediate transaction (progress: contacts).
 * `isCancelled` is polled between chunks of every phase. Once it says yes the import stops; during
 * phase 3 it throws inside the transaction, so SQLite rolls back every row already written: a
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
import { collectContacts, rawPhoneOf, type NormalisePhone } from './import-rows';
import { sharedNormaliser, type PhoneHelper } from './phone-helper';
import type { CsvRow } from './csv-rows';
import type { ResolvedMapping } from './column-mapping';
import { writeImport } from './import-writer';

export interface RunImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  isCancelled?: () => boolean;
  /** A thread on the other core that checks the second half of the phone numbers (phone-helper.ts). */
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

    progress.report('validating', 0, totalRows);
    const collected = collectContacts(parsed.rows, mapping, phoneNormaliser(parsed.rows, mapping, env.defaultCountry, options.phoneHelper), (processed) => {
      checkCancelled();
      progress.report('validating', processed, totalRows);
    });
    checkCancelled();

    const total = collected.contacts.length;
    progress.report('writing', 0, total);
    const { skipped: refused, ...written } = writeImport(store, collected.contacts, {
      sequenceId: input.sequenceId,
      fileName: input.fileName,
      env,
      onChunk: (processed) => {
        checkCancelled();
        progress.report('writing', processed, total);
      },
    });

    progress.report('done', total, total);
    const skipped = [...collected.skipped, ...refused].sort((a, b) => a.line - b.line);
    return {
      importId: input.importId,
      status: 'completed',
      totalRows,
      ...written,
      mergedDuplicates: collected.mergedDuplicates,
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

/** Checks every phone here, or the first half here and the second half on the helper's core. */
function phoneNormaliser(rows: readonly CsvRow[], mapping: ResolvedMapping, defaultCountry: string, helper: PhoneHelper | undefined): NormalisePhone {
  if (helper === undefined || rows.length < HELPER_MIN_ROWS) return (raw) => tryNormalizePhone(raw, defaultCountry);
  const share = rows.slice(Math.floor(rows.length / 2)).map((row) => rawPhoneOf(row, mapping));
  helper.check(share);
  return sharedNormaliser(helper, new Set(share), defaultCountry);
}

/** Below this, handing numbers to another thread costs more than it saves. */
const HELPER_MIN_ROWS = 5_000;
