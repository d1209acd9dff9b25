import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { silentLogger } from '../../logger';
import type { ChannelStatus, LookupQuery, OutboundMessage } from '../channel';
import { closedPort } from './closed-port';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio-server';
import { CLOCK_SKEW_MS, LOOKUP_MAX_PAGES, LOOKUP_PAGE_SIZE, TwilioChannel, type TwilioConfig } from './twilio';

const TO = '+4915123456789';
const SERVICE_SID = `MG${'b'.repeat(32)}`;

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  deliveryKey: 'd-17-3',
  to: TO,
  whatsappId: null,
  text: 'Hello Anna, here is our brochure.',
  media: null,
  ...overrides,
});

describe('TwilioChannel against a fake Twilio', () => {
  let twilio: FakeTwilio;
  let channel: TwilioChannel;
  let statuses: ChannelStatus[];

  const make = (overrides: Partial<TwilioConfig> = {}): TwilioChannel =>
    new TwilioChannel({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: twilio.phoneNumber,
      baseUrl: twilio.baseUrl,
      logger: silentLogger,
      timeoutMs: 5_000,
      ...overrides,
    });

  beforeEach(async () => {
    twilio = await startFakeTwilio({ authToken: 'tok:en/with+chars' });
    channel = make();
    statuses = [];
    channel.onStatusChange((s) => statuses.push(s));
  });

  afterEach(async () => {
    await twilio.close();
  });

  it('posts To, From and Body form-encoded with Basic auth, and answers the message SID', async () => {
    const text = 'Grüße & 20% off — reply "YES"\nsecond line';
    const result = await channel.send(message({ text }));
    const [created] = twilio.messages;
    expect(result).toEqual({ ok: true, providerMessageId: created?.sid });
    expect(created?.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(created).toMatchObject({ to: TO, from: twilio.phoneNumber, body: text, status: 'queued' });

    const [request] = twilio.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request?.form ?? [])).toEqual({ To: TO, From: twilio.phoneNumber, Body: text });
    expect(request?.authorization).toBe(`Basic ${Buffer.from(`${twilio.accountSid}:tok:en/with+chars`).toString('base64')}`);
    expect(channel.status()).toEqual({ state: 'ready', reason: null });
  });

  it('sends through a Messaging Service when the sender is an MG… SID', async () => {
    const viaService = make({ from: SERVICE_SID });
    expect(await viaService.send(message())).toMatchObject({ ok: true });
    expect(Object.fromEntries(twilio.requests[0]?.form ?? [])).toEqual({ To: TO, MessagingServiceSid: SERVICE_SID, Body: 'Hello Anna, here is our brochure.' });
    expect(twilio.messages[0]).toMatchObject({ messagingServiceSid: SERVICE_SID, from: null, status: 'accepted' });
  });

  it('sends only the text of a message with an attachment, and says so', async () => {
    const result = await channel.send(message({ media: { filePath: '/data/media/ab12.pdf', mimeType: 'application/pdf', fileName: 'brochure.pdf' } }));
    expect(result).toMatchObject({ ok: true, note: 'The attachment was not sent: SMS carries text only.' });
    expect(twilio.messages[0]?.body).toBe('Hello Anna, here is our brochure.');
  });

  it('refuses a contact without a phone number permanently, without asking Twilio', async () => {
    expect(await channel.send(message({ to: null, whatsappId: '123@lid' }))).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'no-phone' } });
    expect(twilio.requests).toHaveLength(0);
  });

  it('sends the same message twice when asked twice: Twilio has no idempotency key', async () => {
    expect(channel.idempotentSend).toBe(false);
    await channel.send(message());
    await channel.send(message());
    expect(twilio.messages).toHaveLength(2);
  });

  describe('errors', () => {
    it('an invalid number (21211) is permanent with code invalid-number', async () => {
      const result = await channel.send(message({ to: '015123' }));
      expect(result).toEqual({
        ok: false,
        error: {
          kind: 'permanent',
          code: 'invalid-number',
          reason: 'Twilio says 015123 is not a valid mobile phone number.',
          detail: "HTTP 400, Twilio error 21211: Invalid 'To' Phone Number: 015123",
        },
      });
      expect(channel.status().state).toBe('ready');
    });

    it('a customer who replied STOP to the Twilio number (21610) is permanent, and says why', async () => {
      twilio.unsubscribe(TO);
      expect(await channel.send(message())).toMatchObject({
        ok: false,
        error: { kind: 'permanent', reason: expect.stringContaining('replied STOP') as unknown, detail: expect.stringContaining('21610') as unknown },
      });
      expect(twilio.messages).toHaveLength(0);
    });

    it('a message Twilio refuses for its content is permanent and quotes Twilio', async () => {
      expect(await channel.send(message({ text: 'x'.repeat(1601) }))).toMatchObject({
        ok: false,
        error: { kind: 'permanent', reason: 'Twilio refused the message: The concatenated message body exceeds the 1600 character limit.' },
      });
    });

    it('a wrong auth token takes the channel down: check the SID and token', async () => {
      const wrong = make({ authToken: 'nope' });
      expect(await wrong.send(message())).toEqual({
        ok: false,
        error: { kind: 'channel-down', reason: 'Twilio rejected the login — check the Account SID and auth token in Settings.', detail: 'HTTP 401, Twilio error 20003: Authenticate' },
      });
      expect(wrong.status()).toEqual({ state: 'down', reason: 'Twilio rejected the login — check the Account SID and auth token in Settings.' });
      expect(twilio.messages).toHaveLength(0);
    });

    it('HTTP 403 is treated like a rejected login', async () => {
      twilio.failNext(403, { code: 20003, message: 'Permission denied' });
      expect(await channel.send(message())).toMatchObject({ ok: false, error: { kind: 'channel-down', reason: expect.stringContaining('Account SID and auth token') as unknown } });
      expect(statuses.map((s) => s.state)).toEqual(['down']);
    });

    it('an unknown account (404) takes the channel down instead of failing the message', async () => {
      const other = make({ accountSid: `AC${'c'.repeat(32)}` });
      twilio.failNext(404, { code: 20404, message: 'The requested resource was not found' });
      expect(await other.send(message())).toMatchObject({ ok: false, error: { kind: 'channel-down', reason: expect.stringContaining('does not know this Account SID') as unknown } });
    });

    it('a sender Twilio does not accept (21606) takes the channel down: every message would fail alike', async () => {
      const wrongSender = make({ from: '+15005550006' });
      expect(await wrongSender.send(message())).toMatchObject({
        ok: false,
        error: { kind: 'channel-down', reason: 'Twilio refused the sender — check the "From" number or Messaging Service in Settings.', detail: expect.stringContaining('21606') as unknown },
      });
      expect(wrongSender.status().state).toBe('down');
    });

    it('HTTP 429 (20429) is transient and passes on Retry-After', async () => {
      twilio.failNext(429, { code: 20429, message: 'Too Many Requests', headers: { 'Retry-After': '7' } });
      expect(await channel.send(message())).toEqual({
        ok: false,
        error: { kind: 'transient', reason: 'Twilio asks to slow down (too many requests); it will be retried.', detail: 'HTTP 429, Twilio error 20429: Too Many Requests', retryAfterMs: 7_000 },
      });
      expect(channel.status().state).toBe('ready');
    });

    it.each([500, 502, 503])('HTTP %i is transient and sends nothing', async (status) => {
      twilio.failNext(status, { body: '<html>Service unavailable</html>' });
      expect(await channel.send(message())).toMatchObject({ ok: false, error: { kind: 'transient', detail: expect.stringContaining(`HTTP ${status}`) as unknown } });
      expect(twilio.messages).toHaveLength(0);
    });

    it('gives up on a Twilio that does not answer, as a transient failure', async () => {
      const impatient = make({ timeoutMs: 200 });
      twilio.hangNext();
      expect(await impatient.send(message())).toEqual({ ok: false, error: { kind: 'transient', reason: 'Twilio did not answer in time; it will be retried.', detail: 'no answer within 200 ms' } });
    });
  });

  describe('probe', () => {
    it('reads the account: ready when active, down with the reason when suspended or the token is wrong', async () => {
      expect(await channel.probe()).toEqual({ state: 'ready', reason: null });
      expect(twilio.requests.at(-1)).toMatchObject({ method: 'GET', path: `/2010-04-01/Accounts/${twilio.accountSid}.json`, authorized: true });

      twilio.setAccountStatus('suspended');
      expect(await channel.probe()).toEqual({ state: 'down', reason: 'Your Twilio account is suspended — Twilio will not send messages until it is active again.' });
      twilio.setAccountStatus('active');
      expect(await channel.probe()).toEqual({ state: 'ready', reason: null });
      expect(await make({ authToken: 'nope' }).probe()).toEqual({ state: 'down', reason: 'Twilio rejected the login — check the Account SID and auth token in Settings.' });
      expect(statuses.map((s) => s.state)).toEqual(['down', 'ready']);
      expect(twilio.messages).toHaveLength(0);
    });
  });

  describe('lookup (crash recovery)', () => {
    const query = (overrides: Partial<LookupQuery> = {}): LookupQuery => ({
      deliveryKey: 'd-17-3',
      to: TO,
      whatsappId: null,
      text: 'Hello Anna, here is our brochure.',
      mediaFileName: null,
      claimedAt: Date.now() - 1_000,
      ...overrides,
    });

    it('finds a message Twilio accepted after the claim — still queued, not yet sent — with its SID', async () => {
      const claimedAt = Date.now() - 1_000;
      const sent = await channel.send(message());
      expect(twilio.messages[0]?.dateSent).toBeNull();
      expect(await channel.lookup(query({ claimedAt }))).toEqual({ outcome: 'sent', providerMessageId: sent.ok ? sent.providerMessageId : 'none', sentAt: expect.any(Number) as unknown });
      const [request] = twilio.requests.filter((r) => r.method === 'GET');
      expect(request?.path).toBe(`/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`);
      expect(request?.query.get('To')).toBe(TO);
      expect(request?.query.get('PageSize')).toBe(String(LOOKUP_PAGE_SIZE));
      expect(request?.authorized).toBe(true);
    });

    it('reports not sent when Twilio has no such message', async () => {
      twilio.addMessage({ to: TO, body: 'Another text', dateCreated: Date.now() });
      twilio.addMessage({ to: '+4915199999999', body: 'Hello Anna, here is our brochure.', dateCreated: Date.now() });
      twilio.addMessage({ to: TO, body: 'Hello Anna, here is our brochure.', direction: 'inbound', dateCreated: Date.now() });
      expect(await channel.lookup(query())).toEqual({ outcome: 'not-sent' });
    });

    it('does not take the same text sent before the claim for this delivery', async () => {
      const claimedAt = Date.now();
      twilio.addMessage({ to: TO, body: 'Hello Anna, here is our brochure.', dateCreated: claimedAt - CLOCK_SKEW_MS - 60_000, dateSent: claimedAt - CLOCK_SKEW_MS - 60_000, status: 'delivered' });
      expect(await channel.lookup(query({ claimedAt }))).toEqual({ outcome: 'not-sent' });
      // Within the clock skew it counts: Twilio's clock may be behind ours.
      const close = twilio.addMessage({ to: TO, body: 'Hello Anna, here is our brochure.', dateCreated: claimedAt - 60_000 });
      expect(await channel.lookup(query({ claimedAt }))).toEqual({ outcome: 'sent', providerMessageId: close.sid, sentAt: Math.floor((claimedAt - 60_000) / 1000) * 1000 });
    });

    it('reports a message Twilio could not deliver as failed, with its reason', async () => {
      twilio.addMessage({ to: TO, body: 'Hello Anna, here is our brochure.', dateCreated: Date.now(), status: 'undelivered', errorCode: 30003, errorMessage: 'Unreachable destination handset' });
      expect(await channel.lookup(query())).toEqual({
        outcome: 'failed',
        error: { kind: 'permanent', reason: 'Twilio could not deliver the SMS: Unreachable destination handset', detail: 'status undelivered, error 30003' },
      });
    });

    it('reads further pages until it finds the message', async () => {
      const ours = twilio.addMessage({ to: TO, body: 'Hello Anna, here is our brochure.', dateCreated: Date.now() });
      for (let i = 0; i < LOOKUP_PAGE_SIZE + 5; i++) twilio.addMessage({ to: TO, body: `Other ${i}`, dateCreated: Date.now() });
      expect(await channel.lookup(query())).toEqual({ outcome: 'sent', providerMessageId: ours.sid, sentAt: expect.any(Number) as unknown });
      expect(twilio.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    });

    it('says unknown rather than not-sent when the list is too long to read to the end', async () => {
      for (let i = 0; i < LOOKUP_PAGE_SIZE * LOOKUP_MAX_PAGES + 1; i++) twilio.addMessage({ to: TO, body: `Other ${i}`, dateCreated: Date.now() });
      expect(await channel.lookup(query())).toMatchObject({ outcome: 'unknown', reason: expect.stringContaining(`more than ${LOOKUP_PAGE_SIZE * LOOKUP_MAX_PAGES} messages`) as unknown });
    });

    it('says unknown when the list cannot be read', async () => {
      twilio.failNext(500);
      expect(await channel.lookup(query())).toMatchObject({ outcome: 'unknown', reason: expect.stringContaining('HTTP 500') as unknown });
      twilio.failNext(200, { body: { unexpected: true } });
      expect(await channel.lookup(query())).toEqual({ outcome: 'unknown', reason: 'Twilio gave an answer this app does not understand.' });
      expect(await make({ authToken: 'nope' }).lookup(query())).toMatchObject({ outcome: 'unknown', reason: expect.stringContaining('HTTP 401') as unknown });
    });

    it('a contact without a phone number was never sent anything', async () => {
      expect(await channel.lookup(query({ to: null }))).toEqual({ outcome: 'not-sent' });
      expect(twilio.requests).toHaveLength(0);
    });
  });
});

describe('TwilioChannel when Twilio cannot be reached', () => {
  it('takes the channel down without using up the message; probe and lookup say so too', async () => {
    const port = await closedPort();
    const channel = new TwilioChannel({ accountSid: `AC${'a'.repeat(32)}`, authToken: 't', from: '+15017122661', baseUrl: `http://127.0.0.1:${port}`, logger: silentLogger });
    expect(await channel.send(message())).toMatchObject({
      ok: false,
      error: { kind: 'channel-down', reason: `Can't reach Twilio at 127.0.0.1:${port} — is this computer online?` },
    });
    expect(channel.status().state).toBe('down');
    expect((await channel.probe()).state).toBe('down');
    expect(await channel.lookup({ deliveryKey: 'd', to: TO, whatsappId: null, text: 'x', mediaFileName: null, claimedAt: 0 })).toMatchObject({ outcome: 'unknown' });
  });

  it('refuses a base URL that is not a web address', () => {
    expect(() => new TwilioChannel({ accountSid: 'AC1', authToken: 't', from: '+1', baseUrl: 'api.twilio.com', logger: silentLogger })).toThrow(AppError);
  });
});
