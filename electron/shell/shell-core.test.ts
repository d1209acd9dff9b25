/**
 * The shell's view of a real core (a real database in a temp folder): the tray's Pause and Resume
 * reach the engine through the handlers, its events reach the shell, and the quit sequence's
 * steps — settle, close, closed — finish.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../shared/domain';
import { openCoreApp, type CoreApp } from '../core/app';
import { silentLogger } from '../core/logger';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { createDispatcher } from '../core/transport/dispatch';
import { shellCoreFor } from './shell-core';

describe('shellCoreFor', () => {
  let temp: TempDir;
  let core: CoreApp;
  beforeEach(() => {
    temp = makeTempDir();
    core = openCoreApp({ dataDir: temp.dir, shell: 'electron', version: 't', logger: silentLogger, machineTimeZone: 'UTC' });
  });
  afterEach(async () => {
    core.close();
    await core.closed;
    temp.cleanup();
  });

  it('pauses and resumes the engine, and the shell hears its status', async () => {
    const shellCore = shellCoreFor(core, createDispatcher(core.handlers, silentLogger), () => core.engine);
    const heard: EngineStatus[] = [];
    const stop = shellCore.on('engine.status', (status) => heard.push(status));
    expect((await shellCore.engineStatus()).pausedByOwner).toBe(false);
    expect((await shellCore.pauseAll()).pausedByOwner).toBe(true);
    expect((await core.handlers['engine.status']({})).pausedByOwner).toBe(true);
    expect(heard.at(-1)?.pausedByOwner).toBe(true);
    expect((await shellCore.resumeAll()).pausedByOwner).toBe(false);
    stop();
    expect(await shellCore.channels()).toEqual(expect.arrayContaining([expect.objectContaining({ channel: 'test' })]));
    expect(await shellCore.recentDeliveries(3)).toEqual([]);
  });

  it('settles, closes and reports closed, as the quit sequence expects', async () => {
    const shellCore = shellCoreFor(core, createDispatcher(core.handlers, silentLogger), () => core.engine);
    await shellCore.settleSends();
    shellCore.close();
    await shellCore.closed;
    // Closed for good: the handlers no longer reach the database.
    await expect(shellCore.engineStatus()).rejects.toThrow();
  });
});
