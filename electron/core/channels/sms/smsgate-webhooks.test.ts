/**
 * Registering the receiver with SMSGate, against a fake of SMSGate's webhooks API on 127.0.0.1
 * (docs.sms-gate.app → Webhooks): `POST /webhooks` with Basic auth and `{ id, url, event }`; an
 * existing id is replaced, so the fake keeps registrations by id as the real server does.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../services/test-harness';
import { silentLogger } from '../../logger';
import { closedPort } from './closed-port';
import { registerSmsGateWebhooks, smsGateWebhookId } from './smsgate-webhooks';

interface FakeWebhooks {
  baseUrl: string;
  /** Registrations by id, as the gateway keeps them. */
  registrations: Map<string, { url: string; event: string }>;
  posts: number;
  /** Answer the next POSTs with this status and body. */
  failNext: Array<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

async function startFakeWebhooks(): Promise<FakeWebhooks> {
  const registrations = new Map<string, { url: string; event: string }>();
  const failNext: FakeWebhooks['failNext'] = [];
  const expected = `Basic ${Buffer.from('shop:secret').toString('base64')}`;
  let posts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== expected) return reply(401, { message: 'Unauthorized' });
      if (req.method !== 'POST' || req.url !== '/webhooks') return reply(404, { message: 'not found' });
      posts++;
      const fault = failNext.shift();
      if (fault !== undefined) return reply(fault.status, fault.body);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string; url?: string; event?: string };
      if (typeof body.url !== 'string' || typeof body.event !== 'string') return reply(400, { message: 'url and event are required' });
      const id = body.id ?? `generated-${registrations.size}`;
      registrations.set(id, { url: body.url, event: body.event });
      reply(201, { id, url: body.url, event: body.event });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    registrations,
    get posts() {
      return posts;
    },
    failNext,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('registerSmsGateWebhooks', () => {
  let fake: FakeWebhooks;
  beforeEach(async () => {
    fake = await startFakeWebhooks();
  });
  afterEach(() => fake.close());

  const register = (extra: Partial<Parameters<typeof registerSmsGateWebhooks>[0]> = {}) =>
    registerSmsGateWebhooks({ baseUrl: fake.baseUrl, username: 'shop', password: 'secret', url: 'http://192.168.1.10:8787/webhooks/smsgate', logger: silentLogger, ...extra });

  it('registers incoming SMS and delivery reports under fixed ids, so registering again replaces them', async () => {
    expect(await register()).toEqual({ ok: true, message: 'SMSGate now sends incoming SMS and delivery reports to http://192.168.1.10:8787/webhooks/smsgate.' });
    expect(await register({ url: 'http://192.168.1.11:8787/webhooks/smsgate' })).toMatchObject({ ok: true });
    expect([...fake.registrations.entries()]).toEqual([
      [smsGateWebhookId('sms:received'), { url: 'http://192.168.1.11:8787/webhooks/smsgate', event: 'sms:received' }],
      [smsGateWebhookId('sms:delivered'), { url: 'http://192.168.1.11:8787/webhooks/smsgate', event: 'sms:delivered' }],
      [smsGateWebhookId('sms:failed'), { url: 'http://192.168.1.11:8787/webhooks/smsgate', event: 'sms:failed' }],
    ]);
  });

  it('says what went wrong in words: login, refused address, unreachable phone', async () => {
    expect(await register({ password: 'wrong' })).toEqual({ ok: false, message: 'SMSGate rejected the login — check the username and password in Settings → Channels.' });
    fake.failNext.push({ status: 400, body: { message: 'invalid URL: must be HTTPS' } });
    expect((await register()).message).toBe(
      'SMSGate refused the address http://192.168.1.10:8787/webhooks/smsgate: invalid URL: must be HTTPS. SMSGate accepts plain http:// addresses only in its insecure build; use an https:// public address otherwise.',
    );
    const nobody = `http://127.0.0.1:${await closedPort()}`;
    expect(await register({ baseUrl: nobody })).toEqual({
      ok: false,
      message: `Could not reach SMSGate at ${nobody}. Is the phone on, on the same network, and the app's server running?`,
    });
    expect(fake.registrations.size).toBe(0);
  });
});

describe('inbound.registerSmsGateWebhook', () => {
  let h: Harness;
  let fake: FakeWebhooks;
  beforeEach(async () => {
    h = createHarness();
    fake = await startFakeWebhooks();
  });
  afterEach(async () => {
    h.cleanup();
    await h.app.closed;
    await fake.close();
  });

  it('registers the receiver’s address once SMSGate and the receiver are set up, and says what is missing before', async () => {
    expect(await h.call('inbound.registerSmsGateWebhook', {})).toEqual({ ok: false, message: 'Set up SMSGate as the SMS provider first (Settings → Channels).' });
    await h.call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: fake.baseUrl, username: 'shop', password: 'secret' } });
    expect((await h.call('inbound.registerSmsGateWebhook', {})).message).toBe('Turn the webhook receiver on first: SMSGate needs an address to send to.');

    const port = await closedPort();
    await h.call('inbound.configureReceiver', {
      config: { enabled: true, host: '127.0.0.1', port, path: '/webhooks', publicUrl: null, smsGateSigningKey: 'signing-key-1234' },
    });
    expect(await h.call('inbound.registerSmsGateWebhook', {})).toEqual({
      ok: true,
      message: `SMSGate now sends incoming SMS and delivery reports to http://127.0.0.1:${port}/webhooks/smsgate.`,
    });
    expect(fake.registrations.get(smsGateWebhookId('sms:received'))).toEqual({ url: `http://127.0.0.1:${port}/webhooks/smsgate`, event: 'sms:received' });
    expect(fake.posts).toBe(3);
  });
});
