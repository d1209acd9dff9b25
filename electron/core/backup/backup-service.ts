/**
 * Backups of the database while the app runs: SQLite's online backup API copies the live file in
 * small steps between other work (sending goes on; writes meanwhile are folded into the copy), to
 * a temporary name in `<dataDir>/backups/`, flushed to disk, then renamed into place — a listed
 * backup is always a whole one. One backup at a time; after each, the retention rule
 * (retention.ts) removes the ones it no longer keeps.
 *
 * The daily backup: checked shortly after start and then every hour, taken when the business
 * day has none yet. The app may be closed at the usual time of day, so "once a day, whenever it
 * runs" rather than at a fixed hour.
 *
 * Only the database is copied. Attachments live in `<dataDir>/media/` under their content hash
 * and are never deleted, so every backup's media rows still find their files.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync, fsyncSync, closeSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Backup, BackupKind } from '../../../shared/contract';
import type { Clock } from '../clock';
import type { TimerHandle, Timers } from '../engine/timers';
import { AppError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import type { Store } from '../store/store';
import { backupFileName, listBackupFiles, parseBackupFileName, PARTIAL_PREFIX } from './backup-files';
import { backupsToRemove } from './retention';

export const DAILY_CHECK_INTERVAL_MS = 60 * 60_000;
export const FIRST_DAILY_CHECK_MS = 60_000;

export interface BackupServiceDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  backupsDir: string;
  /** The business time zone: what "today" and "this week" mean for the daily backup and retention. */
  timeZone(): string;
}

export class BackupService {
  private running: Promise<unknown> = Promise.resolve();
  private timer: { timers: Timers; handle: TimerHandle } | null = null;
  private stopped = false;

  constructor(private readonly deps: BackupServiceDeps) {
    mkdirSync(deps.backupsDir, { recursive: true });
    removePartials(deps.backupsDir, deps.logger);
  }

  list(): { backups: Backup[]; folder: string } {
    return { backups: listBackupFiles(this.deps.backupsDir), folder: this.deps.backupsDir };
  }

  /** Takes a backup now (after any backup already running). */
  create(kind: Exclude<BackupKind, 'before-restore'>): Promise<Backup> {
    const next = this.running.then(() => this.take(kind));
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Takes the daily backup if today (business zone) has none yet. */
  async dailyIfDue(): Promise<Backup | null> {
    const today = this.dayOf(this.deps.clock.now());
    const done = listBackupFiles(this.deps.backupsDir).some((b) => b.kind === 'daily' && this.dayOf(b.createdAt) === today);
    return done ? null : this.create('daily');
  }

  /** Checks for the daily backup soon, then every hour, until `stop`. */
  startDaily(timers: Timers, firstCheckMs = FIRST_DAILY_CHECK_MS): void {
    const arm = (delayMs: number): void => {
      if (this.stopped) return;
      const handle = timers.setTimeout(() => {
        // The next check is armed at once: backups run one at a time anyway (`create` queues them).
        arm(DAILY_CHECK_INTERVAL_MS);
        this.dailyIfDue().catch((error: unknown) =>
          this.deps.logger.error('The daily backup failed', { error: errorMessage(error), backupsDir: this.deps.backupsDir }),
        );
      }, delayMs);
      this.timer = { timers, handle };
    };
    arm(firstCheckMs);
  }

  /** Settles once the backups queued so far have finished (or failed). */
  idle(): Promise<void> {
    return this.running.then(() => undefined);
  }

  /** No new backups; settles when the one running (if any) has finished or failed. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.timer.timers.clearTimeout(this.timer.handle);
    this.timer = null;
    return this.running.then(() => undefined);
  }

  private async take(kind: BackupKind): Promise<Backup> {
    if (this.stopped) throw new AppError('CONFLICT', 'The app is shutting down; the backup was not taken.');
    const { backupsDir, store, logger } = this.deps;
    const target = uniqueTarget(backupsDir, kind, this.deps.clock.now());
    const partial = path.join(backupsDir, `${PARTIAL_PREFIX}${randomUUID()}.db`);
    try {
      await store.backupTo(partial);
      fsyncFile(partial);
      renameSync(partial, target);
      fsyncDir(backupsDir);
    } catch (error) {
      rmSync(partial, { force: true });
      logger.error('A backup could not be written', { error: errorMessage(error), kind, backupsDir });
      throw new AppError('INTERNAL', 'The backup could not be written. Check that the disk has free space, then try again.');
    }
    this.prune();
    const name = path.basename(target);
    const parsed = parseBackupFileName(name);
    if (parsed === null) throw new Error(`Backup file name ${name} does not parse.`);
    logger.info('Backup written', { backup: name });
    return { id: name, ...parsed, sizeBytes: statSync(target).size };
  }

  /** Removes what the retention rule no longer keeps; a file that cannot be removed is only logged. */
  prune(): void {
    const { backupsDir, logger } = this.deps;
    for (const id of backupsToRemove(listBackupFiles(backupsDir), this.deps.timeZone())) {
      try {
        rmSync(path.join(backupsDir, id), { force: true });
      } catch (error) {
        logger.warn('An old backup could not be removed', { backup: id, error: errorMessage(error) });
      }
    }
  }

  private dayOf(at: number): string {
    return DateTime.fromMillis(at, { zone: this.deps.timeZone() }).toISODate() ?? '';
  }
}

/** The backup's file, named for `at`, one millisecond later while that name is taken. */
export function uniqueTarget(backupsDir: string, kind: BackupKind, at: number): string {
  for (let t = at; ; t++) {
    const candidate = path.join(backupsDir, backupFileName(kind, t));
    if (statSync(candidate, { throwIfNoEntry: false }) === undefined) return candidate;
  }
}

export function fsyncFile(filePath: string): void {
  const fd = openSync(filePath, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable. Windows cannot open a directory for fsync; its renames are durable on their own. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removePartials(backupsDir: string, logger: Logger): void {
  for (const name of readdirSync(backupsDir)) {
    if (!name.startsWith(PARTIAL_PREFIX)) continue;
    rmSync(path.join(backupsDir, name), { force: true });
    logger.info('Removed an unfinished backup', { file: name });
  }
}
