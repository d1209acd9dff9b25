import { existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../../inbound/incoming-message';
import { systemClock } from '../../clock';
import { systemTimers } from '../../engine/timers';
import { EventBus } from '../../events';
import { silentLogger } from '../../logger';
import { openTempStore, type TempStore } from '../../store/test-store';
import type { DeliveryReceipt } from '../channel';
import { fakeSessionFile } from './fake-client-support';
import { startFakeWhatsAppServer, type FakeWhatsAppServer } from './fake-whatsapp-server';
import { httpFakeWhatsAppClientFactory } from './http-fake-whatsapp-client';
import { WhatsAppChannel } from './whatsapp-channel';
import { WhatsAppConnection } from './whatsapp-connection';
import { TEST_BROWSER, untilStatus } from './whatsapp-test-support';

const ANNA = '+4915100000001';

describe('fake WhatsApp Web server and its HTTP client', () => {
  let server: FakeWhatsAppServer;
  let t: TempStore;
  let events: EventBus;
  const opened: Array<{ connection: WhatsAppConnection; channel: WhatsAppChannel }> = [];

  beforeEach(async () => {
    server = await startFakeWhatsAppServer({ account: { phone: '+4930123456', name: 'Bike Shop' } });
    t = openTempStore();
    events = new EventBus();
  });

  afterEach(async () => {
    for (const { connection, channel } of opened.splice(0)) {
      channel.close();
      await connection.close();
    }
    await server.close();
    t.cleanup();
  });

  const sessionDir = (): string => path.join(t.dir, 'whatsapp-session');

  function open(): { connection: WhatsAppConnection; channel: WhatsAppChannel } {
    const connection = new WhatsAppConnection({
      sessionDir: sessionDir(),
      clientFactory: httpFakeWhatsAppClientFactory(server.url),
      findBrowser: () => TEST_BROWSER,
      events,
      clock: systemClock,
      timers: systemTimers,
      logger: silentLogger,
      // Real timers: keep the simulated restarts quick.
      backoffBaseMs: 20,
    });
    const channel = new WhatsAppChannel({ connection, store: t.store, events, clock: systemClock, logger: silentLogger });
    const pair = { connection, channel };
    opened.push(pair);
    return pair;
  }

  async function control(name: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${server.url}/control/${name}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function linkedPair(): Promise<{ connection: WhatsAppConnection; channel: WhatsAppChannel }> {
    const pair = open();
    await pair.connection.link();
    await untilStatus(pair.connection, (s) => s.state === 'qr');
    expect((await control('scan', {})).status).toBe(200);
    await untilStatus(pair.connection, (s) => s.state === 'ready');
    return pair;
  }

  it('links over HTTP: the QR comes through, the scan makes it ready with the account, and the session is saved in the app’s folder', async () => {
    const { connection } = open();
    await connection.link();
    const qr = await untilStatus(connection, (s) => s.state === 'qr');
    expect((await control('state')).body).toMatchObject({ phase: 'qr', qr: qr.qr, alive: 1 });

    const refreshed = (await control('qr', {})).body.qr;
    await untilStatus(connection, (s) => s.qr === refreshed);

    await control('scan', {});
    const ready = await untilStatus(connection, (s) => s.state === 'ready');
    expect(ready.account).toEqual({ phone: '+4930123456', name: 'Bike Shop' });
    expect(existsSync(fakeSessionFile(sessionDir()))).toBe(true);
    expect((await control('state')).body).toMatchObject({ linked: true, phase: 'ready' });
  });

  it('sends, shows what was sent, reconciles from the chat history kept outside the app, and reports acks', async () => {
    const { channel } = await linkedPair();
    await control('register', { phone: ANNA });
    const file = path.join(t.dir, 'brochure.pdf');
    writeFileSync(file, 'pdf');
    const claimedAt = Date.now();
    const receipts: DeliveryReceipt[] = [];
    channel.onReceipt((r) => receipts.push(r));

    const sent = await channel.send({ deliveryKey: 'k1', to: ANNA, whatsappId: null, text: 'Our brochure', media: { filePath: file, mimeType: 'application/pdf', fileName: 'Brochure.pdf' } });
    if (!sent.ok) throw new Error(sent.error.reason);
    const shown = (await control('sent')).body.messages;
    expect(shown).toMatchObject([{ id: sent.providerMessageId, chatId: '4915100000001@c.us', text: 'Our brochure', media: { fileName: 'Brochure.pdf', size: 3 } }]);

    const query = { deliveryKey: 'k1', to: ANNA, whatsappId: null, text: 'Our brochure', mediaFileName: 'Brochure.pdf', claimedAt };
    expect(await channel.lookup(query)).toEqual({ outcome: 'sent', providerMessageId: sent.providerMessageId, sentAt: expect.any(Number) as unknown });
    expect(await channel.lookup({ ...query, text: 'Something else' })).toEqual({ outcome: 'not-sent' });

    const delivered = new Promise<void>((resolve) => channel.onReceipt((r) => r.level === 'read' && resolve()));
    await control('ack', { messageId: sent.providerMessageId, ack: 2 });
    await control('ack', { messageId: sent.providerMessageId, ack: 3 });
    await delivered;
    expect(receipts.map((r) => r.level)).toEqual(['delivered', 'read']);

    expect(await channel.send({ deliveryKey: 'k2', to: '+4915100000009', whatsappId: null, text: 'Hi', media: null })).toMatchObject({ ok: false, error: { code: 'not-on-whatsapp' } });
  });

  it('passes on customers writing in, by number and by privacy id', async () => {
    const { channel } = await linkedPair();
    const received: IncomingMessage[] = [];
    const two = new Promise<void>((resolve) =>
      channel.onIncoming((m) => {
        received.push(m);
        if (received.length === 2) resolve();
      }),
    );
    await control('inbound', { from: { phone: ANNA }, text: 'Hello', name: 'Anna' });
    await control('inbound', { from: { lid: '207745123456789@lid', phone: '+4915100000002', resolvable: true }, text: 'Hi there' });
    await two;
    expect(received).toMatchObject([
      { fromPhone: ANNA, fromWhatsappId: '4915100000001@c.us', profileName: 'Anna', text: 'Hello' },
      { fromPhone: '+4915100000002', fromWhatsappLid: '207745123456789@lid', text: 'Hi there' },
    ]);
  });

  it('reconnects a saved session after an app restart without a QR, never with two clients at once', async () => {
    const first = await linkedPair();
    await first.channel.close();
    await first.connection.close();

    const second = open();
    expect(second.connection.status().hasSession).toBe(true);
    second.connection.start();
    await untilStatus(second.connection, (s) => s.state === 'ready');
    const state = (await control('state')).body;
    expect(state).toMatchObject({ maxAlive: 1, alive: 1, clients: 2 });
  });

  it('drops and restores the connection on command: down, then back by itself', async () => {
    const { connection } = await linkedPair();
    await control('drop', {});
    await untilStatus(connection, (s) => s.state === 'disconnected');
    await untilStatus(connection, (s) => s.state === 'starting');
    await control('restore', {});
    await untilStatus(connection, (s) => s.state === 'ready');
  });

  it('ends the server-side client when its event stream is cut, as when the app is killed', async () => {
    const hello = new Promise<{ clientId: string; cut: () => void }>((resolve, reject) => {
      const req = request(`${server.url}/client/events?session=0`, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const match = /"clientId":"([^"]+)"/.exec(chunk);
          if (match?.[1] !== undefined) resolve({ clientId: match[1], cut: () => req.destroy() });
        });
      });
      req.on('error', reject);
      req.end();
    });
    const { clientId, cut } = await hello;
    await fetch(`${server.url}/client/${clientId}/initialize`, { method: 'POST', body: '{}' });
    await server.waitFor('qr');
    expect(server.sim.alive).toBe(1);
    cut();
    await server.waitFor('none');
    expect(server.sim.alive).toBe(0);
  });

  it('tells the app when the phone logs out', async () => {
    const { connection } = await linkedPair();
    await control('logout-from-phone', {});
    const status = await untilStatus(connection, (s) => s.state === 'disconnected');
    expect(status.loggedOutByPhone).toBe(true);
    expect(existsSync(sessionDir())).toBe(false);
    expect((await control('state')).body).toMatchObject({ linked: false, alive: 0 });
  });

  it('waits on the server for a phase, and refuses what it cannot do', async () => {
    const { connection } = open();
    const waiting = control('wait', { for: 'qr', timeoutMs: 10_000 });
    await connection.link();
    expect((await waiting).status).toBe(200);

    expect((await control('register', { phone: 'not a number' })).status).toBe(400);
    expect((await control('nonsense', {})).status).toBe(404);
    await control('scan', {});
    await untilStatus(connection, (s) => s.state === 'ready');
    const again = await control('scan', {});
    expect(again.status).toBe(409);
    expect(String(again.body.error)).toContain('not showing a QR');
  });

  it('accepts only a fake server on this computer', () => {
    expect(() => httpFakeWhatsAppClientFactory('http://192.168.1.20:8080')).toThrow(/127\.0\.0\.1/);
  });
});
