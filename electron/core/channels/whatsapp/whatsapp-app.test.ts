import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelStatusInfo, WhatsAppStatus } from '../../../../shared/domain';
import { openCoreApp, type CoreApp, type CoreAppOptions } from '../../app';
import type { IncomingMessage } from '../../inbound/incoming-message';
import { silentLogger } from '../../logger';
import { makeTempDir, type TempDir } from '../../store/test-store';
import { ScriptedWhatsApp } from './scripted-whatsapp-client';
import { WHATSAPP_SESSION_DIR_NAME } from './whatsapp-connection';
import { TEST_BROWSER } from './whatsapp-test-support';

// The WhatsApp wiring of the composition root, through the contract's handlers.
describe('WhatsApp in the app', () => {
  let temp: TempDir;
  let sim: ScriptedWhatsApp;
  let options: CoreAppOptions;
  let received: IncomingMessage[];
  let onReceived: () => void;
  const apps: CoreApp[] = [];

  beforeEach(() => {
    temp = makeTempDir();
    sim = new ScriptedWhatsApp();
    received = [];
    onReceived = () => undefined;
    options = {
      dataDir: temp.dir,
      shell: 'headless',
      version: '0.0.0',
      logger: silentLogger,
      machineTimeZone: 'Europe/Berlin',
      engine: { autoStart: false },
      whatsappClientFactory: sim.factory,
      whatsappFindBrowser: () => TEST_BROWSER,
      incomingSink: {
        receive: (message) => {
          received.push(message);
          onReceived();
          return Promise.resolve();
        },
      },
    };
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) {
      app.close();
      await app.closed;
    }
    temp.cleanup();
  });

  function open(): CoreApp {
    const app = openCoreApp(options);
    apps.push(app);
    return app;
  }

  function next<T>(app: CoreApp, event: 'whatsapp.status' | 'channel.status', predicate: (payload: T) => boolean): Promise<T> {
    return new Promise((resolve) => {
      const off = app.events.on(event, (payload) => {
        if (predicate(payload as T)) {
          off();
          resolve(payload as T);
        }
      });
    });
  }

  it('links through the API: status, QR, ready with the account; the channel list shows WhatsApp ready; unlink ends it', async () => {
    const app = open();
    expect(await app.handlers['whatsapp.status']({})).toMatchObject({ state: 'disconnected', hasSession: false });
    expect((await app.handlers['channels.list']({})).find((c) => c.channel === 'whatsapp')).toMatchObject({ state: 'not-configured' });

    const linking = await app.handlers['whatsapp.link']({});
    expect(linking.state).toBe('qr');
    expect(linking.qr).not.toBeNull();

    const readyEvent = next<WhatsAppStatus>(app, 'whatsapp.status', (s) => s.state === 'ready');
    const channelReady = next<ChannelStatusInfo>(app, 'channel.status', (s) => s.channel === 'whatsapp' && s.state === 'ready');
    sim.scan();
    expect(await readyEvent).toMatchObject({ account: { phone: '+4915100000000', name: 'Test Shop' } });
    await channelReady;
    expect((await app.handlers['channels.list']({})).find((c) => c.channel === 'whatsapp')).toEqual({ channel: 'whatsapp', state: 'ready', reason: null });

    const unlinked = await app.handlers['whatsapp.unlink']({});
    expect(unlinked).toMatchObject({ state: 'disconnected', hasSession: false });
    expect(existsSync(path.join(temp.dir, WHATSAPP_SESSION_DIR_NAME))).toBe(false);
  });

  it('reconnects a linked WhatsApp by itself when the app starts again, and closes the client with the app', async () => {
    const first = open();
    await first.handlers['whatsapp.link']({});
    sim.scan();
    first.close();
    await first.closed;
    expect(sim.alive).toBe(0);

    const second = open();
    // The reconnect runs after the app opened (asynchronously): listening now misses nothing.
    await next<WhatsAppStatus>(second, 'whatsapp.status', (s) => s.state === 'ready');
    expect(await second.handlers['whatsapp.status']({})).toMatchObject({ state: 'ready', hasSession: true });
    expect(sim.clients).toHaveLength(2);
    expect(sim.maxAlive).toBe(1);
  });

  it('uses the browser set in Settings, and shows a missing one at once', async () => {
    delete options.whatsappFindBrowser;
    const app = open();
    const chrome = path.join(temp.dir, 'my-chrome');
    writeFileSync(chrome, '');
    await app.handlers['settings.update']({ whatsapp: { browserPath: chrome, smsFallbackAfterMinutes: 60 } });
    expect((await app.handlers['whatsapp.status']({})).browser).toEqual({ path: chrome, source: 'settings' });

    await app.handlers['settings.update']({ whatsapp: { browserPath: path.join(temp.dir, 'gone'), smsFallbackAfterMinutes: 60 } });
    expect((await app.handlers['whatsapp.status']({})).browser).toBeNull();
    const linking = await app.handlers['whatsapp.link']({});
    expect(linking.state).toBe('failed');
    expect(linking.reason).toContain('was not found');
    expect(sim.clients).toHaveLength(0);
  });

  it('hands customers’ WhatsApp messages to the inbound handling', async () => {
    const app = open();
    await app.handlers['whatsapp.link']({});
    sim.scan();
    const arrived = new Promise<void>((resolve) => (onReceived = resolve));
    sim.receive({ phone: '+4915100000001' }, 'Do you repair e-bikes?');
    await arrived;
    expect(received).toMatchObject([{ channel: 'whatsapp', fromPhone: '+4915100000001', text: 'Do you repair e-bikes?' }]);
  });
});
