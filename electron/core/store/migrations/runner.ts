/**
 * Brings a database up to the newest schema.
 *
 * The schema version lives in `PRAGMA user_version` (0 for a new file). All pending migrations run
 * in ONE immediate transaction together with the version bump, so a failure anywhere leaves the
 * file exactly as it was, and a crash mid-way can never leave a half-migrated schema. A database
 * whose version is newer than the newest migration we know was written by a newer app: we refuse
 * to open it rather than guess at a schema we do not understand.
 */
import type { SqliteDatabase } from '../database';
import type { Migration } from './migration';
import { migrations as allMigrations } from './index';

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(db: SqliteDatabase): number {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number') throw new Error(`PRAGMA user_version returned ${String(version)}`);
  return version;
}

export function latestVersion(migrations: readonly Migration[] = allMigrations): number {
  return migrations.at(-1)?.version ?? 0;
}

export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = allMigrations): MigrationResult {
  assertWellFormed(migrations);
  const latest = latestVersion(migrations);

  const run = db.transaction((): MigrationResult => {
    // Read inside the (immediate, hence locked) transaction so two processes cannot both migrate.
    const from = schemaVersion(db);
    if (from > latest) {
      throw new Error(
        `This data folder was written by a newer version of Sequence Automation ` +
          `(database version ${from}; this version understands up to ${latest}). ` +
          'Update the app, or choose another data folder.',
      );
    }
    const pending = migrations.filter((m) => m.version > from);
    for (const migration of pending) {
      migration.up(db);
      // PRAGMA takes no bound parameters; the version is a checked integer.
      db.pragma(`user_version = ${migration.version}`);
    }
    if (pending.some((m) => m.foreignKeysOff === true)) {
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`The database upgrade found ${broken.length} rows pointing at missing rows; nothing was changed.`);
    }
    return { from, to: Math.max(from, latest), applied: pending.map((m) => `${m.version}-${m.name}`) };
  });
  // PRAGMA foreign_keys is a no-op inside a transaction: switched off before it, back on after,
  // and only when a pending migration rebuilds a referenced table.
  const needsForeignKeysOff = migrations.some((m) => m.foreignKeysOff === true && m.version > schemaVersion(db));
  const foreignKeysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (needsForeignKeysOff && foreignKeysWereOn) db.pragma('foreign_keys = OFF');
  try {
    return run.immediate();
  } finally {
    if (needsForeignKeysOff && foreignKeysWereOn) db.pragma('foreign_keys = ON');
  }
}

/** A programming error, not a user's: versions must be 1, 2, 3… in order. */
function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`Migration "${migration.name}" has version ${migration.version}, expected ${index + 1}.`);
    }
  });
}
