/**
 * The webhook receiver over real HTTP on 127.0.0.1: the real core (test harness) for what a
 * request writes, and a receiver on its own with a recording sink for what reaches the inbound
 * handling at all.
 */
import { createHmac } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE_NAME } from '../app';
import { closedPort } from '../channels/sms/closed-port';
import { startFakeTwilio, type FakeTwilio } from '../channels/sms/fake-twilio-server';
import { twilioSignature } from '../channels/sms/twilio-signature';
import { EventBus } from '../events';
import { silentLogger } from '../logger';
import { MemorySecretStore } from '../secrets/secret-store';
import { createHarness, FakeClock, type Harness } from '../services/test-harness';
import { openDatabase } from '../store/database';
import { openTempStore, type TempStore } from '../store/test-store';
import type { IncomingMessage } from './incoming-message';
import { SMSGATE_SIGNING_KEY_SECRET, WebhookReceiver } from './webhook-receiver';
import type { SmsGateReceiptLevel } from './webhook-requests';

const KEY = 'shop-signing-key-1234';

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One HTTP request with a fresh connection (no keep-alive), so a stopped receiver is really stopped. */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: { connection: 'close', ...options.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function signed(body: string, timestampSeconds: number, key = KEY): Record<string, string> {
  const signature = createHmac('sha256', key).update(body).update(String(timestampSeconds)).digest('hex');
  return { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': String(timestampSeconds) };
}

function received(eventId: string, sender: string, message: string, receivedAt: string): string {
  return JSON.stringify({ id: eventId, webhookId: 'sequence-automation-sms-received', deviceId: 'dev1', event: 'sms:received', payload: { messageId: 'm1', message, sender, phoneNumber: sender, simNumber: 1, receivedAt } });
}

describe('webhook receiver in the core', () => {
  let h: Harness;
  let port: number;
  let base: string;
  let twilio: FakeTwilio;

  beforeEach(async () => {
    h = createHarness({ machineTimeZone: 'Europe/Berlin', machineCountry: 'DE' });
    twilio = await startFakeTwilio();
    const welcome = await h.call('sequences.create', { name: 'Welcome' });
    await h.call('messages.create', { sequenceId: welcome.id, name: 'Hi', body: 'Hi', delayAmount: 1, delayUnit: 'hours' });
    const { inbound } = await h.call('settings.get', {});
    await h.call('settings.update', { inbound: { ...inbound, autoSubscribeSequenceIds: [welcome.id] } });
    port = await closedPort();
    const status = await h.call('inbound.configureReceiver', {
      config: { enabled: true, host: '127.0.0.1', port, path: '/hooks', publicUrl: 'https://shop.example.net/', smsGateSigningKey: KEY },
    });
    expect(status).toMatchObject({ state: 'listening', reason: null, port, hasSmsGateSigningKey: true });
    base = `http://127.0.0.1:${port}/hooks`;
  });

  afterEach(async () => {
    await h.app.inbound.settled();
    h.cleanup();
    await h.app.closed;
    await twilio.close();
  });

  const now = () => Math.floor(h.clock.ms / 1000);
  const count = (table: string): number => {
    const db = openDatabase(path.join(h.dataDir, DATABASE_FILE_NAME));
    try {
      return db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n ?? -1;
    } finally {
      db.close();
    }
  };
  const written = () => [count('inbound_messages'), count('contacts'), count('subscriptions')];

  it('tells where each gateway should post, with the public address', async () => {
    expect(await h.call('inbound.getReceiver', {})).toMatchObject({
      enabled: true,
      host: '127.0.0.1',
      path: '/hooks',
      publicUrl: 'https://shop.example.net/',
      urls: { smsgate: 'https://shop.example.net/hooks/smsgate', twilio: 'https://shop.example.net/hooks/twilio' },
    });
  });

  it('accepts a signed sms:received: the customer is stored, subscribed, and only then answered 200', async () => {
    const body = received('evt-1', '+4915112345678', 'Hello shop', '2026-11-02T09:58:00.000+01:00');
    const reply = await send(`${base}/smsgate`, { body, headers: signed(body, now()) });
    expect(reply.status).toBe(200);
    expect(written()).toEqual([1, 1, 1]);
    const [message] = (await h.call('inbound.list', {})).rows;
    expect(message).toMatchObject({ provider: 'smsgate', channel: 'sms', fromPhone: '+4915112345678', body: 'Hello shop', receivedAt: Date.parse('2026-11-02T08:58:00Z') });
    expect(message?.actions.map((a) => a.kind)).toEqual(['contact-created', 'subscribed']);

    // The gateway's retry of the same event (signed again, later) is answered, and changes nothing.
    h.clock.advance(30_000);
    const retry = await send(`${base}/smsgate`, { body, headers: signed(body, now()) });
    expect(retry.status).toBe(200);
    expect(written()).toEqual([1, 1, 1]);
    expect(await h.call('inbound.getReceiver', {})).toMatchObject({ receivedCount: 2, rejectedCount: 0 });
  });

  it.each([
    ['a wrong signature', (body: string) => ({ ...signed(body, now()), 'x-signature': signed(`${body} `, now())['x-signature'] ?? '' }), 401],
    ['another signing key', (body: string) => signed(body, now(), 'someone-elses-key'), 401],
    ['no signature', () => ({ 'content-type': 'application/json', 'x-timestamp': String(now()) }), 401],
    ['a timestamp 6 minutes old', (body: string) => signed(body, now() - 6 * 60), 401],
    ['a timestamp 6 minutes ahead', (body: string) => signed(body, now() + 6 * 60), 401],
  ])('refuses %s with nothing written', async (_, headers, status) => {
    const body = received('evt-1', '+4915112345678', 'Hello', '2026-11-02T09:58:00+01:00');
    const reply = await send(`${base}/smsgate`, { body, headers: headers(body) });
    expect(reply.status).toBe(status);
    expect(written()).toEqual([0, 0, 0]);
  });

  it.each([
    ['not JSON', '{"id": "evt-1", '],
    ['not an SMSGate event', '{"hello": "world"}'],
    ['an sms:received without a sender', JSON.stringify({ id: 'e', event: 'sms:received', payload: { message: 'x', receivedAt: '2026-11-02T09:58:00Z' } })],
  ])('refuses a signed body that is %s with 400, nothing written', async (_, body) => {
    const reply = await send(`${base}/smsgate`, { body, headers: signed(body, now()) });
    expect(reply.status).toBe(400);
    expect(written()).toEqual([0, 0, 0]);
  });

  it('refuses a replay of an accepted request byte for byte, writing nothing more', async () => {
    const body = received('evt-1', '+4915112345678', 'Hello', '2026-11-02T09:58:00+01:00');
    const headers = signed(body, now());
    expect((await send(`${base}/smsgate`, { body, headers })).status).toBe(200);
    const before = written();
    h.clock.advance(60_000);
    expect((await send(`${base}/smsgate`, { body, headers })).status).toBe(409);
    // Even a replay that carries a different event id is refused: the signature covers it all.
    expect(written()).toEqual(before);
    expect(await h.call('inbound.getReceiver', {})).toMatchObject({ receivedCount: 1, rejectedCount: 1 });
  });

  it('answers only POST on its two paths, and refuses an oversized body', async () => {
    expect((await send(`${base}/smsgate`, { method: 'GET' })).status).toBe(405);
    expect((await send(`${base}/other`, { body: '{}' })).status).toBe(404);
    expect((await send(`http://127.0.0.1:${port}/smsgate`, { body: '{}' })).status).toBe(404);
    const huge = 'x'.repeat(100 * 1024);
    expect((await send(`${base}/smsgate`, { body: huge, headers: signed(huge, now()) })).status).toBe(413);
    expect(written()).toEqual([0, 0, 0]);
  });

  describe('Twilio', () => {
    beforeEach(async () => {
      const config = { provider: 'twilio' as const, accountSid: twilio.accountSid, authToken: twilio.authToken, from: twilio.phoneNumber, baseUrl: twilio.baseUrl };
      expect(await h.call('channels.configureSmsProvider', { config })).toMatchObject({ state: 'ready' });
    });

    const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
    const incoming = { MessageSid: 'SM0123456789abcdef0123456789abcdef', AccountSid: 'AC1', From: '+4915112345678', To: '+15005550006', Body: 'Hello from Twilio', NumMedia: '0' };

    it('accepts a message signed over the public URL and answers empty TwiML', async () => {
      const signature = twilioSignature(twilio.authToken, 'https://shop.example.net/hooks/twilio', incoming);
      const reply = await send(`${base}/twilio`, { body: form(incoming), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
      expect(reply).toMatchObject({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
      expect(String(reply.headers['content-type'])).toMatch(/^text\/xml/);
      expect(written()).toEqual([1, 1, 1]);
      expect((await h.call('inbound.list', {})).rows[0]).toMatchObject({ provider: 'twilio', fromPhone: '+4915112345678', body: 'Hello from Twilio' });
    });

    it.each([
      ['signed over this computer’s address instead of the public one', (params: Record<string, string>) => twilioSignature(twilio.authToken, `${base}/twilio`, params)],
      ['signed with another auth token', (params: Record<string, string>) => twilioSignature('0123456789abcdef0123456789abcdef', 'https://shop.example.net/hooks/twilio', params)],
      ['signed before a parameter was changed', (params: Record<string, string>) => twilioSignature(twilio.authToken, 'https://shop.example.net/hooks/twilio', { ...params, Body: 'other' })],
      ['not signed', () => ''],
    ])('refuses a message %s, with nothing written', async (_, sign) => {
      const reply = await send(`${base}/twilio`, { body: form(incoming), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(incoming) } });
      expect(reply.status).toBe(401);
      expect(written()).toEqual([0, 0, 0]);
    });
  });

  it('says so when the port is taken, and listens again once it is free', async () => {
    const blocker: Server = createServer();
    const taken = await closedPort();
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve));
    const events: string[] = [];
    h.app.events.on('inbound.receiver', (status) => events.push(status.state));
    try {
      const failed = await h.call('inbound.configureReceiver', { config: { enabled: true, host: '127.0.0.1', port: taken, path: '/hooks', publicUrl: null } });
      expect(failed).toMatchObject({ state: 'failed', reason: `Port ${taken} is already in use by another program. Choose another port.`, hasSmsGateSigningKey: true });
      // The old port is no longer served either.
      await expect(send(`${base}/smsgate`, { body: '{}' })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    const again = await h.call('inbound.configureReceiver', { config: { enabled: true, host: '127.0.0.1', port: taken, path: '/hooks', publicUrl: null } });
    expect(again).toMatchObject({ state: 'listening', reason: null, urls: { smsgate: `http://127.0.0.1:${taken}/hooks/smsgate`, twilio: null } });
    const off = await h.call('inbound.configureReceiver', { config: { enabled: false, host: '127.0.0.1', port: taken, path: '/hooks', publicUrl: null } });
    expect(off.state).toBe('off');
    await expect(send(`http://127.0.0.1:${taken}/hooks/smsgate`, { body: '{}' })).rejects.toThrow(/ECONNREFUSED/);
    expect(events).toEqual(['off', 'failed', 'off', 'listening', 'off']);
  });
});

describe('webhook receiver on its own', () => {
  let t: TempStore;
  let receiver: WebhookReceiver;
  let port: number;
  const clock = new FakeClock(Date.UTC(2026, 10, 2, 9, 0));
  const messages: IncomingMessage[] = [];
  const receipts: Array<[string, SmsGateReceiptLevel, number]> = [];
  let failSink = false;

  beforeEach(async () => {
    t = openTempStore();
    messages.length = 0;
    receipts.length = 0;
    failSink = false;
    const secrets = new MemorySecretStore();
    secrets.set(SMSGATE_SIGNING_KEY_SECRET, KEY);
    receiver = new WebhookReceiver({
      store: t.store,
      secrets,
      events: new EventBus(),
      clock,
      logger: silentLogger,
      sink: {
        receive: (message) => {
          if (failSink) return Promise.reject(new Error('database is locked'));
          messages.push(message);
          return Promise.resolve();
        },
      },
      twilioAuthToken: () => null,
      smsGateCredentials: () => null,
      onSmsGateReceipt: (messageId, level, at) => receipts.push([messageId, level, at]),
    });
    port = await closedPort();
    await receiver.configure({ enabled: true, host: '127.0.0.1', port, path: '/webhooks', publicUrl: null });
  });

  afterEach(async () => {
    await receiver.close();
    t.cleanup();
  });

  const url = () => `http://127.0.0.1:${port}/webhooks/smsgate`;
  const now = () => Math.floor(clock.ms / 1000);

  it('hands SMSGate delivery reports to the receipt listener, and nothing to the inbound handling', async () => {
    const delivered = JSON.stringify({ id: 'e1', event: 'sms:delivered', deviceId: 'd', payload: { messageId: 'sa-abc', phoneNumber: '+4915112345678', deliveredAt: '2026-11-02T10:01:00+01:00' } });
    const failed = JSON.stringify({ id: 'e2', event: 'sms:failed', deviceId: 'd', payload: { messageId: 'sa-def', phoneNumber: '+4915112345678', failedAt: '2026-11-02T10:02:00+01:00', reason: 'RESULT_ERROR_GENERIC_FAILURE' } });
    const other = JSON.stringify({ id: 'e3', event: 'system:ping', deviceId: 'd', payload: {} });
    for (const body of [delivered, failed, other]) expect((await send(url(), { body, headers: signed(body, now()) })).status).toBe(200);
    expect(receipts).toEqual([
      ['sa-abc', 'delivered', Date.UTC(2026, 10, 2, 9, 1)],
      ['sa-def', 'failed', Date.UTC(2026, 10, 2, 9, 2)],
    ]);
    expect(messages).toEqual([]);
  });

  it('answers 500 (never 2xx) when the message could not be stored, and takes the retry of the same request', async () => {
    const body = received('evt-9', '+4915112345678', 'Hi', '2026-11-02T09:58:00+01:00');
    const headers = signed(body, now());
    failSink = true;
    expect((await send(url(), { body, headers })).status).toBe(500);
    failSink = false;
    expect((await send(url(), { body, headers })).status).toBe(200);
    expect(messages).toMatchObject([{ provider: 'smsgate', providerMessageId: 'evt-9', fromPhone: '+4915112345678', text: 'Hi' }]);
  });

  it('refuses SMSGate without a signing key and Twilio while Twilio is not the provider', async () => {
    const secrets = new MemorySecretStore();
    const bare = new WebhookReceiver({
      store: t.store,
      secrets,
      events: new EventBus(),
      clock,
      logger: silentLogger,
      sink: { receive: () => Promise.reject(new Error('must not be called')) },
      twilioAuthToken: () => null,
      smsGateCredentials: () => null,
    });
    const other = await closedPort();
    // Shares the stored settings; the port is its own.
    await bare.configure({ enabled: true, host: '127.0.0.1', port: other, path: '/webhooks', publicUrl: null });
    try {
      const body = received('evt-1', '+4915112345678', 'Hi', '2026-11-02T09:58:00+01:00');
      expect((await send(`http://127.0.0.1:${other}/webhooks/smsgate`, { body, headers: signed(body, now()) })).status).toBe(401);
      expect((await send(`http://127.0.0.1:${other}/webhooks/twilio`, { body: 'From=%2B4915112345678', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(401);
      expect(bare.status()).toMatchObject({ hasSmsGateSigningKey: false, rejectedCount: 2, receivedCount: 0 });
    } finally {
      await bare.close();
    }
  });
});
