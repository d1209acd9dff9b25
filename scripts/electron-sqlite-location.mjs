// Where the copy of better-sqlite3's native binding built for Electron's ABI lives, shared by the
// script that builds it (electron-sqlite.mjs) and the Electron shell that loads it
// (electron/shell/sqlite-binding.ts), so the two can never disagree. No dependencies: the shell
// bundles this file.
import path from 'node:path';

/** Beside node_modules, not inside: `npm ci` may wipe node_modules, and electron-builder copies from here. */
export const ELECTRON_NATIVE_DIR = 'native-build';
export const SQLITE_BINDING_FILE = 'better_sqlite3.node';

/** `<project>/native-build/electron-<platform>-<arch>/`, e.g. `native-build/electron-linux-x64/`. */
export function electronSqliteDir(projectDir, platform, arch) {
  return path.join(projectDir, ELECTRON_NATIVE_DIR, `electron-${platform}-${arch}`);
}

/** The binding file itself, for better-sqlite3's `nativeBinding` option. */
export function electronSqliteBindingPath(projectDir, platform, arch) {
  return path.join(electronSqliteDir(projectDir, platform, arch), SQLITE_BINDING_FILE);
}
