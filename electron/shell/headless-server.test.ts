import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME } from '../core/app';
import { silentLogger } from '../core/logger';
import { sseReader } from '../core/transport/test-support';
import { LOCK_FILE_NAME } from './data-folder-lock';
import { describeStartupError, startHeadless, type RunningHeadless } from './headless-server';

const TOKEN = 'headless-test-token';

describe('startHeadless (real core, real HTTP)', () => {
  let tmp: string;
  let dataDir: string;
  let staticDir: string;
  const running: RunningHeadless[] = [];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqa-'));
    dataDir = path.join(tmp, 'data');
    staticDir = path.join(tmp, 'renderer');
    fs.mkdirSync(staticDir);
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>UI</title>');
  });

  afterEach(async () => {
    for (const server of running.splice(0)) await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const start = async (port = 0, folder = dataDir): Promise<RunningHeadless> => {
    const server = await startHeadless({
      dataDir: folder,
      port,
      host: '127.0.0.1',
      token: TOKEN,
      staticDir,
      version: '9.9.9',
      logger: silentLogger,
    });
    running.push(server);
    return server;
  };

  const call = async (server: RunningHeadless, method: string, input: unknown) => {
    const res = await fetch(`${server.url}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  it('serves the API, the UI and events for a data folder, and keeps data across restarts', async () => {
    const server = await start();
    expect(server.openUrl).toBe(`${server.url}/#token=${TOKEN}`);

    expect(await call(server, 'app.info', {})).toMatchObject({
      status: 200,
      body: { ok: true, value: { version: '9.9.9', shell: 'headless', dataDir } },
    });
    expect((await fetch(`${server.url}/`)).status).toBe(200);

    const abort = new AbortController();
    const stream = await fetch(`${server.url}/api/events?token=${TOKEN}`, { signal: abort.signal });
    const body = stream.body;
    if (!body) throw new Error('no event stream');
    const readUntil = sseReader(body);
    await readUntil(': connected');

    expect(await call(server, 'sequences.create', { name: 'Welcome' })).toMatchObject({
      status: 200,
      body: { ok: true, value: { name: 'Welcome' } },
    });
    await readUntil('event: data.changed\ndata: {"tables":["sequences"');
    abort.abort();

    expect(await call(server, 'sequences.create', { name: 12 })).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'VALIDATION', field: 'name' } },
    });
    expect(await call(server, 'sequences.get', { id: 999 })).toMatchObject({
      status: 404,
      body: { ok: false, error: { code: 'NOT_FOUND' } },
    });

    await server.close();
    const again = await start();
    expect(await call(again, 'sequences.list', {})).toMatchObject({
      status: 200,
      body: { ok: true, value: [{ name: 'Welcome' }] },
    });
  });

  it('backs up and restores over HTTP: the core restarts under the same server and event stream', async () => {
    const server = await start();
    await call(server, 'sequences.create', { name: 'In the backup' });
    const backup = (await call(server, 'backups.create', {})) as { body: { ok: true; value: { id: string; kind: string } } };
    expect(backup.body.value.kind).toBe('manual');
    await call(server, 'sequences.create', { name: 'After the backup' });

    const abort = new AbortController();
    const stream = await fetch(`${server.url}/api/events?token=${TOKEN}`, { signal: abort.signal });
    const body = stream.body;
    if (!body) throw new Error('no event stream');
    const readUntil = sseReader(body);
    await readUntil(': connected');

    expect(await call(server, 'backups.restore', { id: backup.body.value.id })).toMatchObject({
      status: 200,
      body: { ok: true, value: { restored: { id: backup.body.value.id }, safetyCopy: { kind: 'before-restore' }, sendingPaused: false } },
    });
    // Every view is told to refresh, on the stream it opened before the restart …
    await readUntil('event: data.changed\ndata: {"tables":["sequences","messages"');
    expect(await call(server, 'sequences.list', {})).toMatchObject({ body: { ok: true, value: [{ name: 'In the backup' }] } });
    // … which goes on carrying the new core's events.
    await call(server, 'sequences.create', { name: 'After the restore' });
    await readUntil('event: data.changed\ndata: {"tables":["sequences"]}');
    abort.abort();

    expect(await call(server, 'backups.restore', { id: 'sequence-automation-20000101T000000000Z-manual.db' })).toMatchObject({
      status: 404,
      body: { ok: false, error: { code: 'NOT_FOUND' } },
    });
    expect(await call(server, 'backups.restore', { id: '../sequence-automation.db' })).toMatchObject({ status: 400, body: { ok: false, error: { code: 'VALIDATION', field: 'id' } } });
  });

  it('names the logs folder (headless cannot open it) and writes the log file there', async () => {
    const server = await start();
    expect(await call(server, 'app.openLogsFolder', {})).toMatchObject({
      status: 200,
      body: { ok: true, value: { path: path.join(dataDir, 'logs'), opened: false } },
    });
    await call(server, 'backups.create', {});
    await server.close();
    const log = fs.readFileSync(path.join(dataDir, 'logs', 'sequence-automation.log'), 'utf8');
    expect(log).toMatch(/"level":"info".*"msg":"Backup written"/);
  });

  it('fails to start, with a readable reason, when the port is taken', async () => {
    const first = await start();
    const failure = await start(first.port, path.join(tmp, 'other-data')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(describeStartupError(failure, { host: '127.0.0.1', port: first.port })).toBe(
      `Port ${first.port} on 127.0.0.1 is already in use. Stop the other program or pick another port with --port.`,
    );
    // The first server is untouched by the failed attempt.
    expect((await call(first, 'sequences.list', {})).status).toBe(200);
  });

  it('refuses a second process on the same data folder with a readable reason, and frees the folder on close', async () => {
    const first = await start();
    const failure = await start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(describeStartupError(failure, { host: '127.0.0.1', port: 0 })).toBe(
      `Another Sequence Automation (process ${process.pid}) is already using the data folder ${dataDir}. Stop it first, or start this one with another --data folder. ` +
        `If no such program is running, delete ${path.join(dataDir, LOCK_FILE_NAME)} and try again.`,
    );
    // The first one is untouched, and its lock is still there.
    expect((await call(first, 'sequences.list', {})).status).toBe(200);
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE_NAME), 'utf8')).toBe(`${process.pid}\n`);
    await first.close();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
    await start();
  });

  it('takes over the lock of a process that is gone (a crash)', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(dead).toBeGreaterThan(0);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, LOCK_FILE_NAME), `${dead}\n`);
    const server = await start();
    expect(fs.readFileSync(path.join(dataDir, LOCK_FILE_NAME), 'utf8')).toBe(`${process.pid}\n`);
    expect((await call(server, 'sequences.list', {})).status).toBe(200);
  });

  it('refuses a data folder written by a newer version', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const db = new Database(path.join(dataDir, DATABASE_FILE_NAME));
    db.pragma('user_version = 9999');
    db.close();
    const failure = await start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(describeStartupError(failure, { host: '127.0.0.1', port: 0 })).toMatch(/newer version of Sequence Automation/);
    // A start that failed leaves the folder free.
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
  });
});
