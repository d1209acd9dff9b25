import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { methodNames } from '../../shared/contract';
import { DATABASE_FILE_NAME, openCoreApp, type CoreAppOptions } from './app';
import { silentLogger } from './logger';
import { openDatabase } from './store/database';
import { latestVersion } from './store/migrations/runner';
import { makeTempDir, type TempDir } from './store/test-store';

describe('openCoreApp', () => {
  let temp: TempDir;
  let options: CoreAppOptions;
  beforeEach(() => {
    temp = makeTempDir();
    options = {
      dataDir: path.join(temp.dir, 'nested', 'data'),
      shell: 'electron',
      version: '1.2.3',
      logger: silentLogger,
      machineTimeZone: 'Europe/Lisbon',
    };
  });
  afterEach(() => temp.cleanup());

  it('creates the data folder, the database and the media folder, and answers every contract method', async () => {
    const app = openCoreApp(options);
    try {
      expect(fs.existsSync(path.join(options.dataDir, DATABASE_FILE_NAME))).toBe(true);
      expect(fs.statSync(path.join(options.dataDir, 'media')).isDirectory()).toBe(true);
      expect(Object.keys(app.handlers).sort()).toEqual([...methodNames].sort());
      expect(app.dataDir).toBe(path.resolve(options.dataDir));
      expect(await app.handlers['app.info']({})).toEqual({
        version: '1.2.3',
        dataDir: path.resolve(options.dataDir),
        shell: 'electron',
        machineTimeZone: 'Europe/Lisbon',
      });
    } finally {
      app.close();
    }
  });

  it('keeps data across close and reopen, and close can be called twice', async () => {
    const first = openCoreApp(options);
    const created = await first.handlers['sequences.create']({ name: 'Welcome', description: '', channel: null, smsFallback: false, stopOnReply: false });
    first.close();
    first.close();

    const second = openCoreApp(options);
    try {
      expect(await second.handlers['sequences.list']({})).toEqual([created]);
    } finally {
      second.close();
    }
  });

  it('emits data.changed for writes on its event bus', async () => {
    const app = openCoreApp(options);
    try {
      const seen: unknown[] = [];
      app.events.onAny((event, payload) => {
        // The engine's status events come and go on their own schedule; this is about writes.
        if (event === 'data.changed') seen.push([event, payload]);
      });
      await app.handlers['sequences.create']({ name: 'A', description: '', channel: null, smsFallback: false, stopOnReply: false });
      expect(seen).toEqual([['data.changed', { tables: ['sequences'] }]]);
    } finally {
      app.close();
    }
  });

  it('refuses, with a readable message, a database written by a newer version', () => {
    openCoreApp(options).close();
    const db = openDatabase(path.join(options.dataDir, DATABASE_FILE_NAME));
    db.pragma(`user_version = ${latestVersion() + 5}`);
    db.close();

    expect(() => openCoreApp(options)).toThrow(/written by a newer version of Sequence Automation/);
    // The refused file can still be opened by a newer app: it was not changed or locked.
    const after = openDatabase(path.join(options.dataDir, DATABASE_FILE_NAME));
    expect(after.pragma('user_version', { simple: true })).toBe(latestVersion() + 5);
    after.close();
  });
});
