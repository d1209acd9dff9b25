/**
 * The file side of restoring a backup; core-host.ts runs the steps in order around stopping and
 * restarting the core:
 *
 * 1. `prepareCandidate` (the core still runs): the chosen backup is COPIED beside the live database
 *    (the backup itself stays as it is), opened — which migrates a backup from an older version and
 *    refuses one from a newer — and checked with `PRAGMA quick_check`. A backup that fails here
 *    changes nothing.
 * 2. (core-host) the core stops: the engine aborts its send in flight (left `claimed`) and the
 *    store closes.
 * 3. `keepSafetyCopy`: the live database, closed now, is opened once more — which folds its WAL in —
 *    and copied with the backup API into a "before restore" backup. It is the undo of the restore,
 *    and the record of what went out since the backup (carry-over.ts).
 * 4. carry-over.ts writes that record into the candidate, in one transaction.
 * 5. `swapIn`: the live database's -wal/-shm are removed (the safety copy's close checkpointed
 *    them: nothing is lost), the candidate is renamed over the live file (atomic on one volume),
 *    and the folder is flushed. A crash before the rename leaves the old database whole; after it,
 *    the restored one whole.
 * 6. (core-host) the core opens on the restored file; start-up recovery settles what is `claimed`.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Backup } from '../../../shared/contract';
import type { Clock } from '../clock';
import { AppError, errorMessage } from '../errors';
import type { Logger } from '../logger';
import { openDatabase } from '../store/database';
import { checkpointFully, quickCheck } from '../store/restore-repository';
import { openStore, type Store } from '../store/store';
import { parseBackupFileName, PARTIAL_PREFIX } from './backup-files';
import { fsyncDir, fsyncFile, uniqueTarget } from './backup-service';

const CANDIDATE_PREFIX = '.restoring-';

export interface Candidate {
  readonly path: string;
  readonly store: Store;
  /** Closes the candidate's store, its WAL folded into the main file, ready to be renamed. */
  close(): void;
  /** Closes it and removes its files. */
  discard(): void;
}

/** Step 1: a checked, migrated copy of the backup beside the live database. Throws AppError VALIDATION if it cannot be restored. */
export function prepareCandidate(backupPath: string, dataDir: string, logger: Logger): Candidate {
  const candidatePath = path.join(dataDir, `${CANDIDATE_PREFIX}${randomUUID()}.db`);
  const remove = (): void => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(candidatePath + suffix, { force: true });
  };
  let store: Store;
  try {
    copyFileSync(backupPath, candidatePath);
    store = openStore(candidatePath);
  } catch (error) {
    remove();
    const detail = errorMessage(error);
    logger.warn('A backup could not be restored', { backup: path.basename(backupPath), error: detail });
    // The detail names a temporary file and SQLite's codes: the log has it, the owner gets the gist.
    throw new AppError(
      'VALIDATION',
      /newer version/i.test(detail)
        ? 'This backup was made by a newer version of Sequence Automation, so this version cannot restore it.'
        : /ENOSPC/.test(detail)
          ? 'This backup cannot be restored: the disk is full.'
          : 'This backup cannot be restored: it could not be opened as a database (it may be damaged). Choose another one.',
    );
  }
  const check = quickCheck(store.db);
  if (check !== 'ok') {
    store.close();
    remove();
    logger.warn('A backup failed its integrity check', { backup: path.basename(backupPath), check });
    throw new AppError('VALIDATION', 'This backup is damaged and cannot be restored. Choose another one.');
  }
  return {
    path: candidatePath,
    store,
    close() {
      if (!store.db.open) return;
      checkpointFully(store.db);
      store.close();
    },
    discard() {
      store.close();
      remove();
    },
  };
}

/** Removes candidates a crash during a restore left behind. */
export function removeLeftoverCandidates(dataDir: string, names: readonly string[]): void {
  for (const name of names) {
    if (name.startsWith(CANDIDATE_PREFIX)) rmSync(path.join(dataDir, name), { force: true });
  }
}

/**
 * Step 3: the closed live database copied into a "before restore" backup. Null when it cannot be
 * read (damaged): then its raw file is kept under that name anyway, for whoever tries to rescue it.
 */
export async function keepSafetyCopy(
  livePath: string,
  backupsDir: string,
  clock: Clock,
  logger: Logger,
): Promise<{ backup: Backup; path: string; readable: boolean } | null> {
  const target = uniqueTarget(backupsDir, 'before-restore', clock.now());
  const partial = path.join(backupsDir, `${PARTIAL_PREFIX}${randomUUID()}.db`);
  let readable = true;
  try {
    const db = openDatabase(livePath);
    try {
      await db.backup(partial);
    } finally {
      db.close();
    }
  } catch (error) {
    readable = false;
    rmSync(partial, { force: true });
    logger.error('The database being replaced could not be read; its raw file is kept', { error: errorMessage(error) });
    try {
      copyFileSync(livePath, partial);
    } catch (copyError) {
      logger.error('The database being replaced could not be copied either', { error: errorMessage(copyError) });
      rmSync(partial, { force: true });
      return null;
    }
  }
  fsyncFile(partial);
  renameSync(partial, target);
  fsyncDir(backupsDir);
  const name = path.basename(target);
  const parsed = parseBackupFileName(name);
  if (parsed === null) throw new Error(`Backup file name ${name} does not parse.`);
  return { backup: { id: name, ...parsed, sizeBytes: statSync(target).size }, path: target, readable };
}

/** Step 5: the candidate (closed) becomes the live database. */
export function swapIn(candidatePath: string, livePath: string): void {
  for (const suffix of ['-wal', '-shm']) {
    rmSync(livePath + suffix, { force: true });
    rmSync(candidatePath + suffix, { force: true });
  }
  renameSync(candidatePath, livePath);
  fsyncDir(path.dirname(livePath));
}
