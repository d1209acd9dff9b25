/**
 * One headless process per data folder. A second one on the same folder would run start-up
 * recovery on the first one's deliveries in flight (and send them again), so it must not start.
 * The Electron shell has `requestSingleInstanceLock` for this; headless has this lock file.
 *
 * `<data>/headless.lock` holds the owner's process id. It is created exclusively ('wx'), so of
 * two processes starting together exactly one gets it. A lock whose process is gone (a crash, a
 * SIGKILL, a reboot) is stale and taken over; one that cannot be read is treated as stale only
 * once it is older than STARTING_GRACE_MS (its owner may be between creating and writing it).
 * Limits: a process id reused by an unrelated program after a reboot looks alive — the error
 * names the file to delete then — and two processes taking over the same stale lock at the very
 * same instant could both succeed; both are rare enough for a tool started by hand.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE_NAME = 'headless.lock';
export const STARTING_GRACE_MS = 10_000;

export interface DataFolderLock {
  readonly file: string;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | null,
    readonly lockFile: string,
  ) {
    const who = pid === null ? 'Another Sequence Automation' : `Another Sequence Automation (process ${pid})`;
    super(
      `${who} is already using the data folder ${dataDir}. Stop it first, or start this one with another --data folder. ` +
        `If no such program is running, delete ${lockFile} and try again.`,
    );
    this.name = 'DataFolderInUseError';
  }
}

/** Whether a process with this id exists (also one of another user, which we may not signal). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LockOptions {
  pid?: number;
  isAlive?: (pid: number) => boolean;
  now?: () => number;
}

/** Takes the data folder's lock, or throws DataFolderInUseError while another live process holds it. */
export function lockDataFolder(dataDir: string, options: LockOptions = {}): DataFolderLock {
  const { pid = process.pid, isAlive = processIsAlive, now = Date.now } = options;
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE_NAME);
  // Twice at most: once, and once more after clearing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file, pid)) {
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          if (readPid(file) === pid) rmSync(file, { force: true });
        },
      };
    }
    const holder = readPid(file);
    if (holder === pid) throw new DataFolderInUseError(dataDir, holder, file);
    if (holder !== null && isAlive(holder)) throw new DataFolderInUseError(dataDir, holder, file);
    if (holder === null && isYoung(file, now())) throw new DataFolderInUseError(dataDir, null, file);
    // Stale: its process is gone.
    rmSync(file, { force: true });
  }
  throw new DataFolderInUseError(dataDir, readPid(file), file);
}

function tryCreate(file: string, pid: number): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readPid(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function isYoung(file: string, now: number): boolean {
  try {
    return now - statSync(file).mtimeMs < STARTING_GRACE_MS;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
