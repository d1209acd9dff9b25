import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WhatsAppStatus } from '../../../../shared/domain';
import { ManualClock, ManualTimers } from '../../engine/manual-timers';
import { EventBus } from '../../events';
import { silentLogger } from '../../logger';
import { makeTempDir, type TempDir } from '../../store/test-store';
import type { BrowserLookup } from './browser-finder';
import { ScriptedWhatsApp, SESSION_CLOSED_ERROR } from './scripted-whatsapp-client';
import type { WhatsAppClient, WhatsAppClientFactory } from './whatsapp-client';
import { REASONS, WhatsAppConnection } from './whatsapp-connection';
import { TEST_BROWSER, untilStatus } from './whatsapp-test-support';

const START = Date.UTC(2026, 10, 2, 9, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const READY_TIMEOUT = 3 * MINUTE;
const QR_TIMEOUT = 5 * MINUTE;

describe('WhatsAppConnection', () => {
  let temp: TempDir;
  let clock: ManualClock;
  let timers: ManualTimers;
  let events: EventBus;
  let sim: ScriptedWhatsApp;
  /** Every status the connection published on the event bus. */
  let published: WhatsAppStatus[];
  /** When each client was created (clock time). */
  let createdAt: number[];
  let browser: BrowserLookup;
  let factory: WhatsAppClientFactory;
  const connections: WhatsAppConnection[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    clock = new ManualClock(START);
    timers = new ManualTimers(clock);
    events = new EventBus();
    sim = new ScriptedWhatsApp({ clock });
    published = [];
    createdAt = [];
    browser = TEST_BROWSER;
    events.on('whatsapp.status', (status) => published.push(status));
    factory = (options) => {
      createdAt.push(clock.now());
      return sim.factory(options);
    };
  });

  afterEach(async () => {
    for (const connection of connections.splice(0)) await connection.close();
    temp.cleanup();
  });

  const sessionDir = (): string => path.join(temp.dir, 'whatsapp-session');

  function open(clientFactory: WhatsAppClientFactory = factory): WhatsAppConnection {
    const connection = new WhatsAppConnection({
      sessionDir: sessionDir(),
      clientFactory,
      findBrowser: () => browser,
      events,
      clock,
      timers,
      logger: silentLogger,
      readyTimeoutMs: READY_TIMEOUT,
      qrTimeoutMs: QR_TIMEOUT,
      backoffBaseMs: 5 * SECOND,
      backoffMaxMs: 5 * MINUTE,
    });
    connections.push(connection);
    return connection;
  }

  async function linked(): Promise<WhatsAppConnection> {
    const connection = open();
    await connection.link();
    sim.scan();
    await untilStatus(connection, (s) => s.state === 'ready');
    return connection;
  }

  /** Lets the connection finish what it is doing, firing its timers up to `ms` from now. */
  async function runFor(connection: WhatsAppConnection, ms: number): Promise<void> {
    await timers.runUntil(() => connection.idle(), clock.now() + ms);
  }

  const states = (): string[] => published.map((s) => s.state);

  it('links by QR: starting, the QR (refreshed as WhatsApp issues new ones), authenticating, then ready with the account', async () => {
    const connection = open();
    expect(connection.status()).toMatchObject({ state: 'disconnected', hasSession: false, account: null, reason: REASONS.notLinked });

    const afterLink = await connection.link();
    expect(afterLink.state).toBe('qr');
    const firstQr = afterLink.qr;
    expect(firstQr).toMatch(/^2@fake-qr-1/);

    const refreshed = sim.showQr();
    expect(connection.status()).toMatchObject({ state: 'qr', qr: refreshed });
    expect(refreshed).not.toBe(firstQr);

    sim.scan();
    const ready = await untilStatus(connection, (s) => s.state === 'ready');
    expect(ready).toMatchObject({ qr: null, reason: null, account: { phone: '+4915100000000', name: 'Test Shop' }, hasSession: true, browser: { path: '/usr/bin/chromium', source: 'found' } });
    expect(states()).toEqual(['starting', 'qr', 'qr', 'authenticating', 'ready']);
    expect(connection.readyClient()).not.toBeNull();
  });

  it('reconnects a saved session by itself at the next start, without a QR, and names the account meanwhile', async () => {
    const first = await linked();
    await first.close();
    published = [];

    const second = open();
    expect(second.status()).toMatchObject({ state: 'disconnected', hasSession: true, account: { phone: '+4915100000000', name: 'Test Shop' } });
    second.start();
    await untilStatus(second, (s) => s.state === 'ready');
    expect(states()).toEqual(['starting', 'authenticating', 'ready']);
    expect(published.some((s) => s.qr !== null)).toBe(false);
    expect(sim.maxAlive).toBe(1);
  });

  it('does not start by itself when nothing was ever linked', async () => {
    const connection = open();
    connection.start();
    await connection.idle();
    expect(createdAt).toEqual([]);
    expect(connection.status().state).toBe('disconnected');
  });

  it('goes down when the connection drops, restarts after a backoff, and is back once WhatsApp is reachable', async () => {
    const connection = await linked();
    published = [];

    sim.drop();
    const down = await untilStatus(connection, (s) => s.state === 'disconnected');
    expect(down.reason).toBe(`${REASONS.dropped} Trying again in 5 seconds.`);
    expect(down.account).toEqual({ phone: '+4915100000000', name: 'Test Shop' });
    expect(connection.readyClient()).toBeNull();

    await runFor(connection, 5 * SECOND);
    expect(connection.status().state).toBe('starting');
    expect(createdAt).toHaveLength(2);
    expect(createdAt[1]).toBe(START + 5 * SECOND);

    sim.restore();
    await untilStatus(connection, (s) => s.state === 'ready');
    expect(states()).toEqual(['disconnected', 'starting', 'authenticating', 'ready']);
    expect(sim.maxAlive).toBe(1);
  });

  it('when the phone removes the device: disconnected, logged out by phone, session deleted, and no restart', async () => {
    const connection = await linked();
    expect(existsSync(sessionDir())).toBe(true);

    sim.logoutFromPhone();
    const status = await untilStatus(connection, (s) => s.state === 'disconnected');
    expect(status).toMatchObject({ loggedOutByPhone: true, reason: REASONS.loggedOutByPhone, hasSession: false, account: null });
    expect(existsSync(sessionDir())).toBe(false);

    await runFor(connection, 60 * MINUTE);
    expect(createdAt).toHaveLength(1);
    expect(sim.alive).toBe(0);

    // Linking again shows a QR and clears the flag.
    const relink = await connection.link();
    expect(relink).toMatchObject({ state: 'qr', loggedOutByPhone: false });
  });

  it('treats a saved session WhatsApp refuses (auth_failure) like a logout by the phone', async () => {
    const connection = await linked();
    const client = sim.current;
    if (client === null) throw new Error('no client');
    client.emit('auth_failure', 'Unable to log in');
    const status = await untilStatus(connection, (s) => s.state === 'disconnected');
    expect(status).toMatchObject({ loggedOutByPhone: true, reason: REASONS.sessionRejected, hasSession: false });
  });

  it('restarts a client stuck before ready, waiting longer after each failure in a row, and starts over once ready', async () => {
    sim.offline = true;
    const connection = open();
    await connection.link();
    expect(connection.status().state).toBe('starting');

    await runFor(connection, READY_TIMEOUT);
    expect(connection.status()).toMatchObject({ state: 'disconnected', reason: `${REASONS.stuck} Trying again in 5 seconds.` });
    await runFor(connection, 3 * (READY_TIMEOUT + MINUTE));

    const gaps = createdAt.slice(1).map((at, i) => at - (createdAt[i] ?? 0));
    expect(gaps.slice(0, 3)).toEqual([READY_TIMEOUT + 5 * SECOND, READY_TIMEOUT + 10 * SECOND, READY_TIMEOUT + 20 * SECOND]);
    expect(sim.maxAlive).toBe(1);

    sim.restore();
    sim.scan();
    await untilStatus(connection, (s) => s.state === 'ready');

    // A new failure after being ready waits the first step again.
    sim.breakSession();
    const client = connection.readyClient();
    if (client === null) throw new Error('not ready');
    const before = createdAt.length;
    connection.reportBroken(client, new Error(SESSION_CLOSED_ERROR));
    const down = await untilStatus(connection, (s) => s.state === 'disconnected');
    expect(down.reason).toBe(`${REASONS.broken} Trying again in 5 seconds.`);
    await runFor(connection, 5 * SECOND);
    expect(createdAt).toHaveLength(before + 1);
    await untilStatus(connection, (s) => s.state === 'ready');
  });

  it('caps the backoff', async () => {
    sim.offline = true;
    const connection = open();
    await connection.link();
    await runFor(connection, 12 * (READY_TIMEOUT + 5 * MINUTE));
    const gaps = createdAt.slice(1).map((at, i) => at - (createdAt[i] ?? 0));
    expect(Math.max(...gaps)).toBe(READY_TIMEOUT + 5 * MINUTE);
  });

  it('restarts after "Session closed" reported by the channel, and ignores reports about a client it already replaced', async () => {
    const connection = await linked();
    const broken = connection.readyClient();
    if (broken === null) throw new Error('not ready');
    sim.breakSession();

    connection.reportBroken(broken, new Error(SESSION_CLOSED_ERROR));
    connection.reportBroken(broken, new Error(SESSION_CLOSED_ERROR));
    await untilStatus(connection, (s) => s.state === 'disconnected');
    await runFor(connection, 5 * SECOND);
    await untilStatus(connection, (s) => s.state === 'ready');
    expect(createdAt).toHaveLength(2);

    const replacement = connection.readyClient();
    connection.reportBroken(broken, new Error(SESSION_CLOSED_ERROR));
    await connection.idle();
    expect(connection.readyClient()).toBe(replacement);
    expect(connection.status().state).toBe('ready');
    expect(sim.maxAlive).toBe(1);
  });

  it('restarts when the browser dies under a ready client', async () => {
    const connection = await linked();
    sim.current?.emit('disconnected', 'BROWSER_CLOSED');
    await untilStatus(connection, (s) => s.state === 'disconnected');
    await runFor(connection, 5 * SECOND);
    await untilStatus(connection, (s) => s.state === 'ready');
    expect(createdAt).toHaveLength(2);
  });

  it('while WhatsApp Web reconnects by itself it is "starting", then ready again; stuck reconnecting, it is restarted', async () => {
    const connection = await linked();
    sim.setSocketState('OPENING');
    expect(connection.status()).toMatchObject({ state: 'starting', reason: REASONS.reconnecting });
    sim.setSocketState('CONNECTED');
    expect(connection.status()).toMatchObject({ state: 'ready', reason: null });

    sim.setSocketState('TIMEOUT');
    await runFor(connection, READY_TIMEOUT);
    expect(connection.status().reason).toContain(REASONS.stuck);
    expect(createdAt).toHaveLength(1);
    await runFor(connection, 5 * SECOND);
    await untilStatus(connection, (s) => s.state === 'ready');
    expect(createdAt).toHaveLength(2);
  });

  it('ends a link attempt nobody scans, and closes its browser', async () => {
    const connection = open();
    await connection.link();
    await runFor(connection, QR_TIMEOUT - SECOND);
    expect(connection.status().state).toBe('qr');
    await runFor(connection, SECOND);
    expect(connection.status()).toMatchObject({ state: 'disconnected', qr: null, reason: REASONS.qrExpired });
    expect(sim.alive).toBe(0);
    await runFor(connection, 60 * MINUTE);
    expect(createdAt).toHaveLength(1);
  });

  it('unlinks: logs out on the phone, deletes the session folder, and the next link needs a QR', async () => {
    const connection = await linked();
    const status = await connection.unlink();
    expect(status).toMatchObject({ state: 'disconnected', hasSession: false, account: null, loggedOutByPhone: false, reason: REASONS.notLinked });
    expect(sim.linked).toBe(false);
    expect(existsSync(sessionDir())).toBe(false);
    expect(sim.alive).toBe(0);

    // The logged-out page's own "disconnected" did not trigger a restart.
    await runFor(connection, 10 * MINUTE);
    expect(createdAt).toHaveLength(1);
    expect((await connection.link()).state).toBe('qr');
  });

  it('unlinks locally even when WhatsApp cannot be told, and says what to do on the phone', async () => {
    const connection = await linked();
    sim.breakSession();
    const status = await connection.unlink();
    expect(status.state).toBe('disconnected');
    expect(status.reason).toContain('Linked devices on your phone');
    expect(existsSync(sessionDir())).toBe(false);
  });

  it('fails with the reason when no browser is found, and starts nothing', async () => {
    browser = { found: false, reason: 'WhatsApp needs Google Chrome, Microsoft Edge or Chromium, and none was found on this computer.' };
    const connection = open();
    const status = await connection.link();
    expect(status).toMatchObject({ state: 'failed', browser: null, reason: browser.reason });
    expect(createdAt).toEqual([]);

    // Installed meanwhile: the next Link works.
    browser = TEST_BROWSER;
    expect((await connection.link()).state).toBe('qr');
  });

  it('reports a browser that cannot be launched as failed, and keeps retrying with backoff', async () => {
    const launchFailing: WhatsAppClientFactory = (options) => {
      createdAt.push(clock.now());
      const client = sim.factory(options);
      const failing: WhatsAppClient = Object.assign(Object.create(client) as WhatsAppClient, {
        initialize: () => Promise.reject(new Error('Failed to launch the browser process! spawn /usr/bin/chromium EACCES')),
      });
      return failing;
    };
    const connection = open(launchFailing);
    await connection.link();
    const failed = await untilStatus(connection, (s) => s.state === 'failed');
    expect(failed.reason).toContain('could not be started');
    expect(failed.reason).toContain('/usr/bin/chromium');
    await runFor(connection, 5 * SECOND);
    expect(createdAt).toHaveLength(2);
  });

  it('tells whether it will be ready soon: waits for a reconnect, not for a QR nobody scanned', async () => {
    const connection = await linked();
    expect(await connection.whenReady(MINUTE)).toBe(true);

    sim.drop();
    await untilStatus(connection, (s) => s.state === 'disconnected');
    const waiting = connection.whenReady(MINUTE);
    await runFor(connection, 5 * SECOND);
    sim.restore();
    expect(await waiting).toBe(true);

    await connection.unlink();
    expect(await connection.whenReady(MINUTE)).toBe(false);
    await connection.link();
    expect(connection.status().state).toBe('qr');
    expect(await connection.whenReady(MINUTE)).toBe(false);
  });

  it('gives up waiting for ready after the time given', async () => {
    sim.offline = true;
    const connection = open();
    await connection.link();
    let answer: boolean | null = null;
    const waiting = connection.whenReady(30 * SECOND).then((ready) => {
      answer = ready;
    });
    await runFor(connection, 30 * SECOND);
    await waiting;
    expect(answer).toBe(false);
  });

  it('stops the client on close and publishes nothing afterwards', async () => {
    const connection = await linked();
    const count = published.length;
    await connection.close();
    expect(sim.alive).toBe(0);
    sim.receive({ phone: '+4915100000001' }, 'Hello?');
    await runFor(connection, 60 * MINUTE);
    expect(published).toHaveLength(count);
    expect(createdAt).toHaveLength(1);
  });

  it('names the number the device is linked to and the browser in use', async () => {
    browser = { found: true, path: 'C:\\Chrome\\chrome.exe', source: 'settings' };
    const connection = await linked();
    expect(connection.status()).toMatchObject({ account: { phone: '+4915100000000' }, browser: { path: 'C:\\Chrome\\chrome.exe', source: 'settings' } });
  });

  it('publishes a new status when the browser setting changes', () => {
    const connection = open();
    browser = { found: true, path: '/opt/google/chrome/chrome', source: 'settings' };
    connection.refreshBrowser();
    expect(published.at(-1)?.browser).toEqual({ path: '/opt/google/chrome/chrome', source: 'settings' });
  });
});
