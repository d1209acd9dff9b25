/**
 * `contacts.export` and `subscribers.export` on the main thread: the export itself (reading and
 * formatting up to 100,000 rows, about 2 s) runs in the CSV worker on its own connection, so the
 * main thread stays free for the engine and the other API calls meanwhile. Exports may run side
 * by side, and beside an import (they read a snapshot).
 */
import type { Clock } from '../clock';
import { notFound } from '../errors';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import type { CsvExport } from './csv-export';
import { defaultCsvWorkerFile, runCsvWorker } from './csv-worker-runner';
import type { ExportRequest } from './csv-export';

export interface ExportServiceDeps {
  dbPath: string;
  /** The main connection: only for checks before the worker starts. */
  store: Store;
  clock: Clock;
  logger: Logger;
  /** SettingsService fits. */
  settings: { get(): { timeZone: string } };
  /** Default: csv-worker.js next to the running bundle. */
  workerFile?: string;
}

export interface ExportService {
  contacts(input: { search: string }): Promise<CsvExport>;
  subscribers(input: { sequenceId: number }): Promise<CsvExport>;
}

export function createExportService(deps: ExportServiceDeps): ExportService {
  const workerFile = deps.workerFile ?? defaultCsvWorkerFile();

  async function run(request: ExportRequest): Promise<CsvExport> {
    const message = await runCsvWorker(
      workerFile,
      { dbPath: deps.dbPath, job: { kind: 'export', request, now: deps.clock.now(), timeZone: deps.settings.get().timeZone } },
      deps.logger,
    );
    if (message.type !== 'exported') throw new Error(`The export worker answered ${message.type}.`);
    return message.result;
  }

  return {
    contacts: ({ search }) => run({ kind: 'contacts', search }),
    subscribers: async ({ sequenceId }) => {
      // Answered here at once rather than after starting a thread.
      if (!deps.store.sequences.exists(sequenceId)) throw notFound('Sequence', sequenceId);
      return run({ kind: 'subscribers', sequenceId });
    },
  };
}
