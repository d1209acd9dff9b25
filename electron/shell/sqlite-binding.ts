/**
 * Which better-sqlite3 binding the Electron shell loads (the ABI story, scripts/electron-sqlite.mjs):
 *
 * - installed app: `<resources>/native/better_sqlite3.node`, put there by electron-builder
 *   (electron-builder.yml's extraResources) from the build its beforePack hook made;
 * - `npm start` (not packaged): `native-build/electron-<platform>-<arch>/better_sqlite3.node`
 *   in the project, which prestart builds when missing or out of date.
 *
 * Node (tests, headless, benchmarks) never comes here: it loads node_modules/better-sqlite3's own
 * build. The chosen file reaches every connection through the environment
 * (`SQLITE_BINDING_ENV`, read by the store's openDatabase), worker threads included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SQLITE_BINDING_FILE, electronSqliteBindingPath } from '../../scripts/electron-sqlite-location.mjs';
import { SQLITE_BINDING_ENV } from '../core/store/database';

export interface SqliteBindingContext {
  /** `app.isPackaged`. */
  isPackaged: boolean;
  /** `app.getAppPath()`: the project folder under `npm start`. */
  appPath: string;
  /** `process.resourcesPath` of the installed app. */
  resourcesPath: string;
  platform: NodeJS.Platform;
  arch: string;
}

export function electronSqliteBinding(context: SqliteBindingContext): string {
  if (context.isPackaged) return path.join(context.resourcesPath, 'native', SQLITE_BINDING_FILE);
  return electronSqliteBindingPath(context.appPath, context.platform, context.arch);
}

/**
 * Chooses the binding, checks it is there (with a message that says what to do when it is not) and
 * hands it to every connection this process opens. Returns the file.
 */
export function useElectronSqliteBinding(
  context: SqliteBindingContext,
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = fs.existsSync,
): string {
  const binding = electronSqliteBinding(context);
  if (!exists(binding)) {
    throw new Error(
      context.isPackaged
        ? `This installation is incomplete: the database module (${binding}) is missing. Please reinstall Sequence Automation.`
        : `The database module built for Electron is missing (${binding}). Start the app with \`npm start\`, which builds it first (scripts/electron-sqlite.mjs).`,
    );
  }
  env[SQLITE_BINDING_ENV] = binding;
  return binding;
}
