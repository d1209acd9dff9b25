/**
 * Entry point of the CSV worker thread (bundled on its own to dist-electron/csv-worker.js): runs
 * one import or one export, then ends.
 *
 * It opens its OWN connection to the database file — a better-sqlite3 connection belongs to the
 * thread that opened it — so parsing 100,000 rows, the long write transaction of an import, or
 * reading and formatting 100,000 rows for an export never block the main thread. WAL lets the main
 * connection keep reading meanwhile; a write on the main connection waits (busy_timeout) while an
 * import commits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../errors';
import { openStore, type Store } from '../store/store';
import { CsvExporter } from './csv-export';
import { runPhoneHelper, startPhoneHelper, type PhoneHelperData } from './phone-helper';
import { runImport } from './run-import';
import type { CsvJob, CsvWorkerData, CsvWorkerMessage } from './worker-protocol';

/** 64 MB: 100,000 contacts and their subscriptions with all indexes take about 40 MB of pages. */
const CACHE_KIB = 64 * 1024;

function main(port: NonNullable<typeof parentPort>, data: CsvWorkerData): void {
  const send = (message: CsvWorkerMessage): void => port.postMessage(message);
  let store: Store | null = null;
  try {
    store = openStore(data.dbPath);
    // An import writes every row and its index entries in one transaction: with SQLite's default
    // 2 MB page cache it would spill dirty pages to the WAL half-way and read them back. This
    // connection lives for one job only, so a larger cache costs nothing afterwards.
    store.db.pragma(`cache_size = -${CACHE_KIB}`);
    send(run(store, data.job, send));
  } catch (error) {
    send({
      type: 'failed',
      error: error instanceof AppError ? error.toApiError() : null,
      detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  } finally {
    store?.close();
  }
}

function run(store: Store, job: CsvJob, send: (message: CsvWorkerMessage) => void): CsvWorkerMessage {
  if (job.kind === 'import') {
    const cancelFlag = new Int32Array(job.cancelFlag);
    // Started first, so it loads while the file is parsed; this file is its entry point too.
    const phoneHelper = startPhoneHelper(__filename, job.env.defaultCountry);
    try {
      const result = runImport(store, job.input, job.env, {
        onProgress: (progress) => send({ type: 'progress', progress }),
        isCancelled: () => Atomics.load(cancelFlag, 0) === 1,
        phoneHelper,
      });
      return { type: 'imported', result };
    } finally {
      phoneHelper.close();
    }
  }
  const exporter = new CsvExporter(store, { now: job.now, timeZone: job.timeZone });
  // One read transaction: every read comes from the same snapshot, whatever commits meanwhile.
  const result = store.db.transaction(() => exporter.export(job.request)).deferred();
  return { type: 'exported', result };
}

if (parentPort === null) throw new Error('csv-worker.js runs only as a worker thread.');
if (isPhoneHelper(workerData)) runPhoneHelper(workerData);
else main(parentPort, workerData as CsvWorkerData);

function isPhoneHelper(data: unknown): data is PhoneHelperData {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'phone-helper';
}
