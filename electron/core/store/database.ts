/**
 * Opening the SQLite file the whole app lives in.
 *
 * Durability settings (DESIGN.md §3): WAL so readers never block the writer, `synchronous=FULL`
 * so a recorded send survives a power cut, foreign keys on (SQLite leaves them off by default,
 * per connection), and a busy timeout so a second connection (a backup tool, the sqlite3 shell)
 * makes us wait instead of failing at once. Each pragma is read back: on some file systems WAL
 * silently falls back to another journal mode, and we would rather refuse to start than run with
 * weaker guarantees than we promise.
 */
import Database from 'better-sqlite3';
import { errorMessage } from '../errors';

export type SqliteDatabase = Database.Database;

export const BUSY_TIMEOUT_MS = 5000;

/**
 * The Electron shell sets this to the better-sqlite3 binding built for Electron's ABI (Node's own
 * build in node_modules stays for tests and headless; see scripts/electron-sqlite.mjs). It is an
 * environment variable rather than an option because every connection of the process needs it,
 * also those opened by worker threads (CSV import), which inherit the environment.
 */
export const SQLITE_BINDING_ENV = 'SEQUENCE_AUTOMATION_SQLITE_BINDING';

/** `PRAGMA synchronous` reads back as a number: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
const SYNCHRONOUS_FULL = 2;

export function openDatabase(filePath: string): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    const nativeBinding = process.env[SQLITE_BINDING_ENV];
    db = new Database(filePath, { timeout: BUSY_TIMEOUT_MS, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (cause) {
    throw new Error(`Could not open the database at ${filePath}: ${errorMessage(cause)}`, { cause });
  }
  try {
    configure(db, filePath);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function configure(db: SqliteDatabase, filePath: string): void {
  let journalMode: unknown;
  try {
    // The first statement reads the file header: a file that is not SQLite fails here.
    journalMode = db.pragma('journal_mode = WAL', { simple: true });
  } catch (cause) {
    throw new Error(
      `The file ${filePath} is not a Sequence Automation database (or it is damaged): ${errorMessage(cause)}`,
      { cause },
    );
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);

  const actual = {
    journal_mode: journalMode,
    synchronous: db.pragma('synchronous', { simple: true }),
    foreign_keys: db.pragma('foreign_keys', { simple: true }),
    busy_timeout: db.pragma('busy_timeout', { simple: true }),
  };
  const expected = { journal_mode: 'wal', synchronous: SYNCHRONOUS_FULL, foreign_keys: 1, busy_timeout: BUSY_TIMEOUT_MS };
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name as keyof typeof actual];
    if (got !== value) {
      throw new Error(
        `The database at ${filePath} could not be set up safely: PRAGMA ${name} is ${String(got)}, expected ${String(value)}. ` +
          'Keep the data folder on a local disk.',
      );
    }
  }
}
