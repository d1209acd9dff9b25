/**
 * `contacts.import` and `contacts.cancelImport` on the main thread.
 *
 * The import itself runs in the CSV worker thread (csv-worker.ts) with its own database
 * connection, so the app never freezes: this side only starts it, relays its progress as throttled
 * `import.progress` events, forwards a cancel through a shared memory flag the worker polls
 * between chunks (Atomics), and announces `data.changed` once it committed. One import at a time:
 * a second one would only queue behind the first one's write lock.
 *
 * The worker is its own bundle, dist-electron/csv-worker.js beside the app's bundles
 * (esbuild.config.mjs); tests build it into a temp folder first (test-worker-build.ts).
 */
import type { ImportProgress, ImportResult, TableName } from '../../../shared/domain';
import type { Clock } from '../clock';
import { AppError, notFound } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { ScheduleContext } from '../schedule/timing-rules';
import type { Store } from '../store/store';
import { defaultCsvWorkerFile, runCsvWorker } from './csv-worker-runner';
import type { ImportInput } from './worker-protocol';

export interface ImportServiceDeps {
  /** The database file; the worker opens its own connection to it. */
  dbPath: string;
  /** The main connection: only for checks before the worker starts. */
  store: Store;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** Read when an import starts (SettingsService fits). */
  settings: { get(): { defaultCountry: string }; scheduleContext(): ScheduleContext };
  /** Default: csv-worker.js next to the running bundle. */
  workerFile?: string;
  /** Least time between two relayed progress events of the same phase (default 200 ms). */
  progressIntervalMs?: number;
}

export interface ImportService {
  /** Resolves when the import committed or was cancelled; rejects (AppError) when it failed. */
  run(input: ImportInput): Promise<ImportResult>;
  cancel(importId: string): { cancelled: boolean };
  /** Cancels a running import and waits until its worker has finished. */
  close(): Promise<void>;
}

interface Running {
  importId: string;
  cancelFlag: Int32Array;
  finished: Promise<unknown>;
}

export function createImportService(deps: ImportServiceDeps): ImportService {
  const workerFile = deps.workerFile ?? defaultCsvWorkerFile();
  const intervalMs = deps.progressIntervalMs ?? 200;
  let running: Running | null = null;

  async function run(input: ImportInput): Promise<ImportResult> {
    if (running !== null) throw new AppError('CONFLICT', 'An import is already running. Wait for it to finish or cancel it.');
    if (input.sequenceId !== null && !deps.store.sequences.exists(input.sequenceId)) {
      throw notFound('Sequence', input.sequenceId);
    }
    const cancelBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const relay = throttledProgress(deps.events, intervalMs);
    const outcome = runCsvWorker(
      workerFile,
      {
        dbPath: deps.dbPath,
        job: {
          kind: 'import',
          input,
          env: { now: deps.clock.now(), defaultCountry: deps.settings.get().defaultCountry, schedule: deps.settings.scheduleContext() },
          cancelFlag: cancelBuffer,
        },
      },
      deps.logger,
      // The final word (done, cancelled or failed) is said below, once, with the outcome.
      (progress) => {
        if (progress.phase !== 'done' && progress.phase !== 'cancelled') relay(progress);
      },
    );
    const current: Running = { importId: input.importId, cancelFlag: new Int32Array(cancelBuffer), finished: outcome.catch(() => undefined) };
    running = current;
    try {
      const message = await outcome;
      if (message.type !== 'imported') throw new Error(`The import worker answered ${message.type}.`);
      const { result } = message;
      const phase = result.status === 'completed' ? 'done' : 'cancelled';
      relay({ importId: input.importId, phase, processed: result.totalRows, total: result.totalRows }, true);
      if (result.status === 'completed') deps.events.dataChanged(...changedTables(input));
      return result;
    } catch (error) {
      relay({ importId: input.importId, phase: 'failed', processed: 0, total: 0 }, true);
      throw error;
    } finally {
      if (running === current) running = null;
    }
  }

  function cancel(importId: string): { cancelled: boolean } {
    if (running === null || running.importId !== importId) return { cancelled: false };
    Atomics.store(running.cancelFlag, 0, 1);
    return { cancelled: true };
  }

  async function close(): Promise<void> {
    const current = running;
    if (current === null) return;
    Atomics.store(current.cancelFlag, 0, 1);
    await current.finished;
  }

  return { run, cancel, close };
}

function changedTables(input: ImportInput): TableName[] {
  return input.sequenceId === null ? ['contacts'] : ['contacts', 'subscriptions', 'sequences'];
}

/**
 * The worker reports about every 1%; the renderer needs a few updates a second at most. A new
 * phase, and the final word, always go through.
 */
function throttledProgress(events: EventBus, intervalMs: number): (progress: ImportProgress, force?: boolean) => void {
  let lastPhase: ImportProgress['phase'] | null = null;
  let lastAt = -Infinity;
  return (progress, force = false) => {
    const now = performance.now();
    if (!force && progress.phase === lastPhase && now - lastAt < intervalMs) return;
    lastPhase = progress.phase;
    lastAt = now;
    events.emit('import.progress', progress);
  };
}
