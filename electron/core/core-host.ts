/**
 * The core as the shells hold it: a CoreApp that can be RESTARTED in place, which restoring a
 * backup needs (the database file is replaced under it). The shells bind their transport once, to
 * the host's `handlers` and `events`, and never see the restart:
 * - `handlers` delegate every contract method to the CoreApp running now; a call that arrives
 *   while a restore runs waits for it and then goes to the new one.
 * - `events` is ONE EventBus for the host's whole life. Each CoreApp keeps its own bus (its
 *   engine and recompute runner listen there and die with it); the host forwards everything from
 *   the current one, so the window's subscriptions survive a restart.
 * - `current` is the running CoreApp (e.g. `host.current.engine.resumedFromSleep()`), and
 *   `onRestart` tells who holds on to it that it was replaced.
 *
 * A restore (`backups.restore`, backup/restore.ts has the file steps, backup/carry-over.ts why
 * nothing goes out twice): the backup is copied and checked while the core still runs (a bad one
 * changes nothing), the core stops (the engine aborts its send in flight; the store closes), the
 * live database is kept as a "before restore" backup, what it knew about sends since the backup
 * is carried into the copy, the copy replaces the live file, and a new CoreApp opens on it — its
 * start-up recovery settles every `claimed` delivery as after a crash. Then every view refreshes
 * (`data.changed` with every table). If anything fails before the swap, the old database is
 * opened again, untouched.
 *
 * Daily backups are on by default here (a bare CoreApp, as tests use, has them off).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  methodNames,
  tableNames,
  type EventName,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
  type RestoreResult,
} from '../../shared/contract';
import { openCoreApp, DATABASE_FILE_NAME, MEDIA_DIR_NAME, type CoreApp, type CoreAppOptions } from './app';
import { BACKUPS_DIR_NAME, listBackupFiles } from './backup/backup-files';
import { carryOver, type CarryOverReport } from './backup/carry-over';
import { keepSafetyCopy, prepareCandidate, removeLeftoverCandidates, swapIn } from './backup/restore';
import { systemClock } from './clock';
import { AppError, errorMessage } from './errors';
import { EventBus } from './events';
import { consoleLogger } from './logger';
import type { ApiHandlers } from './services/api-handlers';
import { detectMachineCountry } from './services/settings-service';

export type CoreHostOptions = CoreAppOptions;

export interface CoreHost {
  /** Every contract method, bound to whichever CoreApp runs now. */
  readonly handlers: ApiHandlers;
  /** Every event of every CoreApp the host runs, on one bus. */
  readonly events: EventBus;
  readonly dataDir: string;
  /** The CoreApp running now. Throws while none could be opened after a failed restore. */
  readonly current: CoreApp;
  /** Called with the new CoreApp after each restart. Returns the unsubscribe. */
  onRestart(listener: (core: CoreApp) => void): () => void;
  /** What `backups.restore` does (the UI confirms first). */
  restore(backupId: string): Promise<RestoreResult>;
  /** Idempotent: stops the current CoreApp; `closed` settles when it has. */
  close(): void;
  readonly closed: Promise<void>;
}

const REOPEN_FAILED = 'The app could not open its data after restoring a backup. Restart the app; if this keeps happening, look at the logs.';

export function openCoreHost(options: CoreHostOptions): CoreHost {
  const dataDir = path.resolve(options.dataDir);
  const logger = options.logger ?? consoleLogger;
  const clock = options.clock ?? systemClock;
  const livePath = path.join(dataDir, DATABASE_FILE_NAME);
  const backupsDir = path.join(dataDir, BACKUPS_DIR_NAME);
  const machine = {
    timeZone: options.machineTimeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
    country: options.machineCountry ?? detectMachineCountry(),
  };
  const events = new EventBus();
  const forward = events.emit.bind(events) as (event: EventName, payload: unknown) => void;
  const restartListeners = new Set<(core: CoreApp) => void>();

  let core: CoreApp | null = null;
  let unbind: () => void = () => undefined;
  let restoring: Promise<RestoreResult> | null = null;
  let closing = false;
  let closed: Promise<void> | null = null;

  const open = (): CoreApp => {
    const app = openCoreApp({
      ...options,
      dataDir,
      dataSafety: { ...options.dataSafety, dailyBackups: options.dataSafety?.dailyBackups ?? true, restore: (id) => restore(id) },
    });
    unbind = app.events.onAny(forward);
    core = app;
    return app;
  };

  const stopCurrent = async (): Promise<void> => {
    const app = core;
    if (app === null) return;
    unbind();
    core = null;
    app.close();
    await app.closed;
  };

  const restore = (backupId: string): Promise<RestoreResult> => {
    if (restoring !== null) return Promise.reject(new AppError('CONFLICT', 'A backup is being restored already. Wait for it to finish.'));
    if (closing) return Promise.reject(new AppError('CONFLICT', 'The app is shutting down.'));
    const run = runRestore(backupId);
    restoring = run;
    return run.finally(() => {
      restoring = null;
    });
  };

  const runRestore = async (backupId: string): Promise<RestoreResult> => {
    const restored = listBackupFiles(backupsDir).find((backup) => backup.id === backupId);
    if (restored === undefined) throw new AppError('NOT_FOUND', 'This backup no longer exists. Refresh the list and choose another one.');
    // Checked before anything stops: a backup that cannot be restored changes nothing.
    const candidate = prepareCandidate(path.join(backupsDir, restored.id), dataDir, logger);
    logger.info('Restoring a backup', { backup: restored.id });
    try {
      await stopCurrent();
    } catch (error) {
      // The store is closed either way (CoreApp.close closes it at once); only a straggler failed to settle.
      logger.warn('Something did not stop cleanly before the restore', { error: errorMessage(error) });
    }

    let report: CarryOverReport;
    let safetyCopy: RestoreResult['safetyCopy'];
    try {
      const safety = await keepSafetyCopy(livePath, backupsDir, clock, logger);
      safetyCopy = safety?.backup ?? null;
      report = carryOver(candidate.store, safety?.readable === true ? safety.path : null, { clock, logger, machine, mediaDir: path.join(dataDir, MEDIA_DIR_NAME) });
      candidate.close();
      swapIn(candidate.path, livePath);
    } catch (error) {
      candidate.discard();
      logger.error('Restoring a backup failed before the database was replaced; reopening it as it was', { backup: restored.id, error: errorMessage(error) });
      reopen();
      throw new AppError('INTERNAL', 'The backup could not be restored, and nothing was changed. Check that the disk has free space, then try again.');
    }
    reopen();
    logger.info('Backup restored', { backup: restored.id, safetyCopy: safetyCopy?.id ?? null, ...report });
    events.dataChanged(...tableNames);
    return {
      restored,
      safetyCopy,
      carriedOver: { sent: report.sent, inFlight: report.inFlight, optedOut: report.optedOut, ended: report.ended },
      pausedSubscriptions: report.paused,
      sendingPaused: report.sendingPaused,
    };
  };

  const reopen = (): void => {
    try {
      const app = open();
      for (const listener of restartListeners) listener(app);
    } catch (error) {
      logger.error('The core could not be opened again after a restore', { error: errorMessage(error) });
    }
  };

  const running = (): CoreApp => {
    if (core === null) throw new AppError('INTERNAL', REOPEN_FAILED);
    return core;
  };

  const delegate = <M extends MethodName>(method: M) =>
    async (input: ParsedInput<M>): Promise<MethodOutput<M>> => {
      // Waits for a restore that is running (its outcome is the restore caller's business).
      if (restoring !== null) await restoring.catch(() => undefined);
      const handler = running().handlers[method] as (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
      return handler(input);
    };
  const handlers = Object.fromEntries(methodNames.map((method) => [method, delegate(method)])) as unknown as ApiHandlers;

  removeLeftoverCandidates(dataDir, listDir(dataDir));
  open();

  return {
    handlers,
    events,
    dataDir,
    get current() {
      return running();
    },
    onRestart(listener) {
      restartListeners.add(listener);
      return () => restartListeners.delete(listener);
    },
    restore,
    close() {
      if (closed !== null) return;
      closing = true;
      // A restore in flight finishes first (stopping half-way could leave no core to close).
      closed = (restoring ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => stopCurrent());
    },
    get closed() {
      return closed ?? Promise.resolve();
    },
  };
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    // Not there yet: openCoreApp creates it.
    return [];
  }
}
