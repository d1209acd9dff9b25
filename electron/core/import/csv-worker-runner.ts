/**
 * Main-thread side of one CSV worker job: start the worker thread, pass its progress on, and settle
 * with its final word — or with an error: an AppError as the worker raised it (the owner reads
 * it), anything else as a plain Error after logging the worker's details.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ImportProgress } from '../../../shared/domain';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { CsvWorkerData, CsvWorkerMessage } from './worker-protocol';

export type CsvWorkerOutcome = Extract<CsvWorkerMessage, { type: 'imported' | 'exported' }>;

export function defaultCsvWorkerFile(): string {
  // Bundled, this module lives in dist-electron/main.js (or headless.js, bench.js), beside csv-worker.js.
  return path.join(__dirname, 'csv-worker.js');
}

export function runCsvWorker(
  workerFile: string,
  data: CsvWorkerData,
  logger: Logger,
  onProgress: (progress: ImportProgress) => void = () => undefined,
): Promise<CsvWorkerOutcome> {
  return new Promise<CsvWorkerOutcome>((resolve, reject) => {
    let settled = false;
    const worker = new Worker(workerFile, { workerData: data });
    const fail = (error: Error, details: Record<string, unknown>): void => {
      if (settled) return;
      settled = true;
      if (!(error instanceof AppError)) logger.error('CSV worker failed', { job: data.job.kind, ...details });
      reject(error);
    };

    worker.on('message', (message: CsvWorkerMessage) => {
      if (message.type === 'progress') {
        onProgress(message.progress);
      } else if (message.type === 'failed') {
        const { error } = message;
        fail(error === null ? new Error(`The ${data.job.kind} failed.`) : new AppError(error.code, error.message, error.field), { detail: message.detail });
      } else if (!settled) {
        // The worker has said its last word; it ends on its own once it closed its connection.
        settled = true;
        resolve(message);
      }
    });
    worker.on('error', (error) => fail(new Error(`The ${data.job.kind} stopped: ${error.message}`), { error: error.stack ?? error.message }));
    worker.on('exit', (code) => fail(new Error(`The ${data.job.kind} worker stopped unexpectedly (exit code ${code}).`), { code }));
  });
}
