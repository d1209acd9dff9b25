import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelStatusInfo } from '../../../shared/domain';
import { openCoreApp, type CoreApp } from '../app';
import { ManualClock, ManualTimers } from '../engine/manual-timers';
import { silentLogger } from '../logger';
import { SECRETS_FILE_NAME } from '../secrets/file-secret-store';
import { makeTempDir, type TempDir } from '../store/test-store';
import { startFakeSmsGate, type FakeSmsGate } from './sms/fake-smsgate-server';

describe('channels: configuring the SMS gateway through the app', () => {
  let temp: TempDir;
  let gate: FakeSmsGate;
  let app: CoreApp;
  let statuses: ChannelStatusInfo[];

  const open = (): CoreApp => {
    const clock = new ManualClock(Date.UTC(2026, 10, 2, 9));
    const core = openCoreApp({
      dataDir: temp.dir,
      shell: 'headless',
      version: '0.0.0-test',
      clock,
      timers: new ManualTimers(clock),
      logger: silentLogger,
      machineTimeZone: 'Europe/Berlin',
      machineCountry: 'DE',
    });
    core.events.on('channel.status', (status) => statuses.push(status));
    return core;
  };

  beforeEach(async () => {
    temp = makeTempDir();
    gate = await startFakeSmsGate({ username: 'shop', password: 'p4ss' });
    statuses = [];
    app = open();
  });

  afterEach(async () => {
    app.close();
    await app.closed;
    await gate.close();
    temp.cleanup();
  });

  it('lists test mode as ready and the others as not set up', async () => {
    expect(await app.handlers['channels.list']({})).toEqual([
      { channel: 'test', state: 'ready', reason: null },
      { channel: 'sms', state: 'not-configured', reason: 'The SMS gateway is not set up yet (Settings → Channels).' },
      { channel: 'whatsapp', state: 'not-configured', reason: 'WhatsApp is not available in this version yet.' },
    ]);
    expect(await app.handlers['channels.getSmsProvider']({})).toBeNull();
  });

  it('saves the gateway, checks the connection, keeps the password out of the database and the answers', async () => {
    const status = await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'p4ss' } });
    expect(status).toEqual({ channel: 'sms', state: 'ready', reason: null });
    expect(statuses.at(-1)).toEqual(status);
    expect(gate.requests.at(-1)).toMatchObject({ method: 'GET', authorized: true });
    expect(await app.handlers['channels.getSmsProvider']({})).toEqual({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', hasPassword: true });

    const secrets = path.join(temp.dir, SECRETS_FILE_NAME);
    expect(fs.statSync(secrets).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(secrets, 'utf8')).toContain('p4ss');
    const database = fs.readFileSync(path.join(temp.dir, 'sequence-automation.db')).toString('latin1');
    const wal = fs.readFileSync(path.join(temp.dir, 'sequence-automation.db-wal')).toString('latin1');
    expect(database + wal).not.toContain('p4ss');

    // Still configured after a restart.
    app.close();
    await app.closed;
    app = open();
    expect((await app.handlers['channels.list']({}))[1]).toEqual({ channel: 'sms', state: 'ready', reason: null });
  });

  it('keeps a configuration the gateway refuses, and says why', async () => {
    const status = await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'wrong' } });
    expect(status).toEqual({ channel: 'sms', state: 'down', reason: expect.stringContaining('rejected the login') as unknown });
    expect(await app.handlers['engine.status']({})).toMatchObject({ channels: [{ channel: 'test' }, status, { channel: 'whatsapp' }] });
  });

  it('refuses an address that is not a web address, storing nothing', async () => {
    await expect(app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: 'ftp://phone', username: 'shop', password: 'p4ss' } })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'config.baseUrl',
    });
    expect(await app.handlers['channels.getSmsProvider']({})).toBeNull();
    expect(fs.existsSync(path.join(temp.dir, SECRETS_FILE_NAME))).toBe(false);
  });

  it('removes the gateway and its password', async () => {
    await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'p4ss' } });
    expect(await app.handlers['channels.configureSmsProvider']({ config: null })).toMatchObject({ channel: 'sms', state: 'not-configured' });
    expect(await app.handlers['channels.getSmsProvider']({})).toBeNull();
    expect(fs.readFileSync(path.join(temp.dir, SECRETS_FILE_NAME), 'utf8')).not.toContain('p4ss');
  });

  it('reports a configuration whose password went missing as not set up, with the reason', async () => {
    await app.handlers['channels.configureSmsProvider']({ config: { provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', password: 'p4ss' } });
    app.close();
    await app.closed;
    fs.rmSync(path.join(temp.dir, SECRETS_FILE_NAME));
    app = open();
    expect((await app.handlers['channels.list']({}))[1]).toEqual({
      channel: 'sms',
      state: 'not-configured',
      reason: 'The SMS gateway password is missing. Enter it again in Settings → Channels.',
    });
    expect(await app.handlers['channels.getSmsProvider']({})).toEqual({ provider: 'smsgate', baseUrl: gate.baseUrl, username: 'shop', hasPassword: false });
  });
});
