/**
 * main.ts itself, run: bundled as for the app, started by plain Node with a fake 'electron'
 * module (main-smoke/fake-electron.ts) that plays the owner. It checks the wiring no unit test
 * sees — the Electron SQLite binding chosen before the core opens, the session policy, the window
 * and the tray, the IPC binding with its sender check, Pause from the tray reaching the engine,
 * and Quit closing everything and exiting 0. The binding is a copy of Node's own build placed where
 * `npm start` would have built Electron's (same ABI here, since this is Node).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME } from '../core/app';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { appPaths } from './app-paths';
import { electronSqliteBinding } from './sqlite-binding';
import { lockedDownWebPreferences } from './window-options';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Step {
  step: string;
  data: unknown;
}

describe('main.ts, run with a fake Electron', () => {
  let temp: TempDir;
  let steps: Step[];
  let exitCode: number | null;
  let stderr = '';
  let bundleDir: string;
  let appPath: string;
  let userData: string;

  beforeAll(async () => {
    temp = makeTempDir();
    bundleDir = path.join(temp.dir, 'dist-electron');
    appPath = path.join(temp.dir, 'app');
    userData = path.join(temp.dir, 'user-data');
    const external = ['electron', 'better-sqlite3', 'whatsapp-web.js', 'puppeteer', 'puppeteer-core'];
    await build({ entryPoints: { main: path.join(root, 'electron/main.ts') }, outdir: bundleDir, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external, logLevel: 'error' });
    await build({
      entryPoints: [path.join(root, 'electron/shell/main-smoke/fake-electron.ts')],
      outfile: path.join(temp.dir, 'node_modules', 'electron', 'index.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    });
    const binding = electronSqliteBinding({ isPackaged: false, appPath, resourcesPath: '', platform: process.platform, arch: process.arch });
    fs.mkdirSync(path.dirname(binding), { recursive: true });
    fs.copyFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), binding);

    const child = spawn(process.execPath, [path.join(bundleDir, 'main.js')], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: temp.dir,
        NODE_PATH: path.join(root, 'node_modules'),
        FAKE_USER_DATA: userData,
        FAKE_APP_PATH: appPath,
        FAKE_RENDERER_INDEX: appPaths(bundleDir).rendererIndex,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    steps = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Step);
  }, 60_000);
  afterAll(() => temp.cleanup());

  const data = (step: string): unknown => {
    const found = steps.find((each) => each.step === step);
    if (found === undefined) throw new Error(`step ${step} missing; got ${steps.map((each) => each.step).join(', ')}\n${stderr}`);
    return found.data;
  };

  it('loads the SQLite binding built for Electron, and opens the database with it', () => {
    expect(data('sqlite-binding')).toBe(electronSqliteBinding({ isPackaged: false, appPath, resourcesPath: '', platform: process.platform, arch: process.arch }));
    expect(fs.existsSync(path.join(userData, DATABASE_FILE_NAME))).toBe(true);
  });

  it('applies the session policy and opens one locked-down window on the app’s page', () => {
    expect(data('session')).toEqual(['csp', 'permission-request', 'permission-check']);
    expect(data('window-created')).toEqual(lockedDownWebPreferences(appPaths(bundleDir).preload));
    expect(data('window-load')).toEqual({ file: appPaths(bundleDir).rendererIndex, hash: null });
    expect(steps.filter((each) => each.step === 'window-created')).toHaveLength(1);
  });

  it('puts the app in the tray with its menu', () => {
    // A new install: nothing linked yet, so WhatsApp not being linked is no outage.
    expect(data('tray')).toEqual({
      image: path.join(appPath, 'resources', 'tray', 'sending.png'),
      menu: ['Open Sequence Automation', 'separator', 'Nothing scheduled · 0 sent today', 'separator', 'Pause sending', 'separator', 'Quit Sequence Automation'],
    });
  });

  it('answers the app’s own page over IPC and refuses any other', () => {
    expect(data('api-from-own-page')).toMatchObject({ ok: true, value: { version: '0.0.0-smoke', shell: 'electron', dataDir: userData } });
    expect(data('api-from-foreign-page')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('pauses sending from the tray', () => {
    expect(data('status-after-pause')).toMatchObject({ ok: true, value: { pausedByOwner: true, state: 'paused' } });
  });

  it('keeps running when the window closes, and quits cleanly from the tray', () => {
    const order = steps.map((each) => each.step);
    expect(order).toContain('notification');
    expect(order.slice(-3)).toEqual(['quit-held', 'tray-destroyed', 'quit-complete']);
    expect(exitCode).toBe(0);
    expect(stderr).not.toMatch(/Error/);
  });
});
