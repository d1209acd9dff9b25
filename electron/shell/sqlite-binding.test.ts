import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_BINDING_ENV, openDatabase } from '../core/store/database';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { electronSqliteBinding, useElectronSqliteBinding } from './sqlite-binding';

const project = path.join(path.sep, 'src', 'sequence-automation');
const installed = path.join(path.sep, 'opt', 'Sequence Automation', 'resources');

describe('electronSqliteBinding', () => {
  it('loads the copy electron-builder put in the resources of an installed app', () => {
    expect(electronSqliteBinding({ isPackaged: true, appPath: path.join(installed, 'app.asar'), resourcesPath: installed, platform: 'linux', arch: 'x64' })).toBe(
      path.join(installed, 'native', 'better_sqlite3.node'),
    );
  });

  it('loads the project’s Electron build under npm start, per platform and architecture', () => {
    expect(electronSqliteBinding({ isPackaged: false, appPath: project, resourcesPath: '/electron/resources', platform: 'darwin', arch: 'arm64' })).toBe(
      path.join(project, 'native-build', 'electron-darwin-arm64', 'better_sqlite3.node'),
    );
  });
});

describe('useElectronSqliteBinding', () => {
  const context = { isPackaged: false, appPath: project, resourcesPath: installed, platform: 'linux' as const, arch: 'x64' };

  it('hands the binding to every connection through the environment', () => {
    const env: NodeJS.ProcessEnv = {};
    const binding = useElectronSqliteBinding(context, env, () => true);
    expect(env[SQLITE_BINDING_ENV]).toBe(binding);
  });

  it('says what to do when the binding is missing, and sets nothing', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(() => useElectronSqliteBinding(context, env, () => false)).toThrow(/built for Electron is missing .*Start the app with `npm start`/);
    expect(() => useElectronSqliteBinding({ ...context, isPackaged: true }, env, () => false)).toThrow(/installation is incomplete.*reinstall/);
    expect(env).toEqual({});
  });
});

describe('openDatabase with the binding from the environment', () => {
  let temp: TempDir;
  const saved = process.env[SQLITE_BINDING_ENV];
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[SQLITE_BINDING_ENV];
    else process.env[SQLITE_BINDING_ENV] = saved;
    temp.cleanup();
  });

  it('loads the binding named there (here a copy of Node’s own build) instead of the default', () => {
    const copy = path.join(temp.dir, 'copy', 'better_sqlite3.node');
    fs.mkdirSync(path.dirname(copy));
    fs.copyFileSync(path.join(process.cwd(), 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), copy);
    process.env[SQLITE_BINDING_ENV] = copy;
    const db = openDatabase(path.join(temp.dir, 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('fails to open, naming the file, when the binding there does not exist', () => {
    const missing = path.join(temp.dir, 'nowhere', 'better_sqlite3.node');
    process.env[SQLITE_BINDING_ENV] = missing;
    expect(() => openDatabase(path.join(temp.dir, 'b.db'))).toThrow(missing);
  });
});
