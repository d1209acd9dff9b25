import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WAWebJS from 'whatsapp-web.js';
import { silentLogger } from '../../logger';
import { makeTempDir, type TempDir } from '../../store/test-store';
import { isBrowserLaunchFailure } from './whatsapp-errors';
import { DEVICE_NAME, toWhatsAppMessage, WwebjsClient } from './wwebjs-client';

// No Chrome and no WhatsApp here: these check the wrapper's wiring of the real library up to the
// point where it would launch the browser.
describe('WwebjsClient (whatsapp-web.js)', () => {
  let temp: TempDir;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('keeps the session with LocalAuth in the data folder and drives the browser that was found', () => {
    const sessionDir = path.join(temp.dir, 'whatsapp-session');
    const options = WwebjsClient.clientOptions(WAWebJS, { sessionDir, browserPath: '/usr/bin/chromium' });
    expect(options.authStrategy).toBeInstanceOf(WAWebJS.LocalAuth);
    expect((options.authStrategy as InstanceType<typeof WAWebJS.LocalAuth>).dataPath).toBe(sessionDir);
    expect(options.puppeteer).toMatchObject({ executablePath: '/usr/bin/chromium', headless: true });
    expect(options.webVersionCache).toEqual({ type: 'local', path: path.join(sessionDir, 'web-cache') });
    expect(options.deviceName).toBe(DEVICE_NAME);
  });

  it('fails to start, recognisably, when the browser is not where it was said to be', async () => {
    const client = new WwebjsClient({ sessionDir: path.join(temp.dir, 'whatsapp-session'), browserPath: path.join(temp.dir, 'no-such-chrome') }, silentLogger);
    const error = await client.initialize().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(isBrowserLaunchFailure(error)).toBe(true);
    await client.destroy();
  });

  it('is not running before it started: calls fail as on a closed session', async () => {
    const client = new WwebjsClient({ sessionDir: temp.dir, browserPath: '/usr/bin/chromium' }, silentLogger);
    await expect(client.getNumberId('4915100000001')).rejects.toThrow(/Session closed/);
    expect(client.account()).toBeNull();
  });

  it('reads a library message: ids, direction, caption, document name, profile name, time in ms', () => {
    const incoming = {
      id: { _serialized: 'false_4915100000001@c.us_ABC', fromMe: false, remote: '4915100000001@c.us', id: 'ABC' },
      from: '4915100000001@c.us',
      to: '4915100000000@c.us',
      fromMe: false,
      body: 'see attached',
      hasMedia: true,
      type: 'document',
      isStatus: false,
      broadcast: false,
      timestamp: 1_793_600_000,
      rawData: { filename: 'order.pdf', notifyName: 'Anna K.' },
    } as unknown as WAWebJS.Message;
    expect(toWhatsAppMessage(incoming)).toEqual({
      id: 'false_4915100000001@c.us_ABC',
      chatId: '4915100000001@c.us',
      from: '4915100000001@c.us',
      author: null,
      fromMe: false,
      body: 'see attached',
      hasMedia: true,
      fileName: 'order.pdf',
      type: 'document',
      isStatus: false,
      broadcast: false,
      notifyName: 'Anna K.',
      at: 1_793_600_000_000,
    });
    const own = { ...incoming, fromMe: true, from: '4915100000000@c.us', to: '4915100000001@c.us', rawData: {} } as unknown as WAWebJS.Message;
    expect(toWhatsAppMessage(own)).toMatchObject({ chatId: '4915100000001@c.us', fromMe: true, fileName: null, notifyName: null });
  });
});
