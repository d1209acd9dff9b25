import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { silentLogger } from '../../logger';
import type { ChannelStatus, LookupQuery, OutboundMessage } from '../channel';
import { closedPort } from './closed-port';
import { startFakeSmsGate, type FakeSmsGate } from './fake-smsgate-server';
import { SmsGateChannel, smsGateMessageId } from './smsgate';

const query = (deliveryKey: string): LookupQuery => ({ deliveryKey, to: '+4915123456789', whatsappId: null, text: 'Hello', mediaFileName: null, claimedAt: 0 });

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  deliveryKey: 'd-17-3',
  to: '+4915123456789',
  whatsappId: null,
  text: 'Hello Anna, here is our brochure.',
  media: null,
  ...overrides,
});

describe.each([
  ['local server on the phone', ''],
  ['cloud server', '/3rdparty/v1'],
])('SmsGateChannel against a fake SMSGate (%s)', (_label, pathPrefix) => {
  let gate: FakeSmsGate;
  let channel: SmsGateChannel;
  let statuses: ChannelStatus[];

  beforeEach(async () => {
    gate = await startFakeSmsGate({ username: 'shop', password: 'p4ss:word', pathPrefix });
    channel = new SmsGateChannel({ baseUrl: `${gate.baseUrl}/`, username: 'shop', password: 'p4ss:word', logger: silentLogger, timeoutMs: 5_000 });
    statuses = [];
    channel.onStatusChange((s) => statuses.push(s));
  });

  afterEach(async () => {
    await gate.close();
  });

  it('sends the text to the number with our delivery key as the message id', async () => {
    const result = await channel.send(message());
    expect(result).toEqual({ ok: true, providerMessageId: 'd-17-3' });
    expect([...gate.messages.values()]).toMatchObject([
      { id: 'd-17-3', text: 'Hello Anna, here is our brochure.', phoneNumbers: ['+4915123456789'], shape: 'textMessage' },
    ]);
    expect(gate.requests[0]).toMatchObject({ method: 'POST', path: `${pathPrefix}/messages`, authorized: true });
    expect(channel.status()).toEqual({ state: 'ready', reason: null });
  });

  it('a resend with the same key (crash recovery) is deduplicated by the gateway, not sent twice', async () => {
    expect(await channel.send(message())).toMatchObject({ ok: true });
    const again = await channel.send(message());
    expect(again).toEqual({ ok: true, providerMessageId: 'd-17-3', deduplicated: true });
    expect(gate.messages.size).toBe(1);
    expect(gate.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('a different key is a different message', async () => {
    await channel.send(message());
    await channel.send(message({ deliveryKey: 'd-17-3-r1' }));
    expect([...gate.messages.keys()]).toEqual(['d-17-3', 'd-17-3-r1']);
  });

  it('sends only the text of a message with an attachment, and says so', async () => {
    const result = await channel.send(message({ media: { filePath: '/data/media/ab12.pdf', mimeType: 'application/pdf', fileName: 'brochure.pdf' } }));
    expect(result).toEqual({ ok: true, providerMessageId: 'd-17-3', note: 'The attachment was not sent: SMS carries text only.' });
    expect(gate.messages.get('d-17-3')?.text).toBe('Hello Anna, here is our brochure.');
  });

  it('hashes keys the gateway would not accept into a stable id of at most 36 characters', async () => {
    const key = 'subscription:123456789/message:987654321/attempt:1';
    const id = smsGateMessageId(key);
    expect(id).toHaveLength(36);
    expect(smsGateMessageId(key)).toBe(id);
    expect(await channel.send(message({ deliveryKey: key }))).toEqual({ ok: true, providerMessageId: id });
    expect(await channel.send(message({ deliveryKey: key }))).toMatchObject({ ok: true, deduplicated: true });
    expect(await channel.lookup(query(key))).toEqual({ outcome: 'sent', providerMessageId: id });
  });

  it.each([500, 502, 503])('HTTP %i is transient and sends nothing', async (status) => {
    gate.failNext(status);
    const result = await channel.send(message());
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', detail: expect.stringContaining(String(status)) as unknown } });
    expect(gate.messages.size).toBe(0);
    expect(channel.status().state).toBe('ready');
  });

  it('HTTP 429 is transient and passes on Retry-After', async () => {
    gate.failNext(429, { headers: { 'Retry-After': '120' }, body: { message: 'too many requests' } });
    expect(await channel.send(message())).toEqual({
      ok: false,
      error: { kind: 'transient', reason: 'The SMS gateway is busy (HTTP 429); it will be retried.', detail: 'HTTP 429: too many requests', retryAfterMs: 120_000 },
    });
  });

  it('a retry after a transient failure goes through once', async () => {
    gate.failNext(503);
    expect(await channel.send(message())).toMatchObject({ ok: false });
    expect(await channel.send(message())).toEqual({ ok: true, providerMessageId: 'd-17-3' });
    expect(gate.messages.size).toBe(1);
  });

  it('a wrong password takes the channel down with a reason the owner can act on', async () => {
    const wrong = new SmsGateChannel({ baseUrl: gate.baseUrl, username: 'shop', password: 'nope', logger: silentLogger });
    const result = await wrong.send(message());
    expect(result).toEqual({
      ok: false,
      error: { kind: 'channel-down', reason: 'SMS gateway rejected the login — check the username and password in Settings.', detail: 'HTTP 401: Unauthorized' },
    });
    expect(wrong.status()).toEqual({ state: 'down', reason: 'SMS gateway rejected the login — check the username and password in Settings.' });
    expect(gate.messages.size).toBe(0);
  });

  it('HTTP 403 is treated like a rejected login', async () => {
    gate.failNext(403);
    expect(await channel.send(message())).toMatchObject({ ok: false, error: { kind: 'channel-down' } });
    expect(statuses.map((s) => s.state)).toEqual(['down']);
  });

  it('an invalid phone number is permanent, with a readable reason', async () => {
    const result = await channel.send(message({ to: '015123' }));
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'permanent',
        reason: 'The SMS gateway says the phone number 015123 is not valid.',
        detail: 'HTTP 400: failed to enqueue message: invalid phone number "015123"',
      },
    });
    expect(channel.status().state).toBe('ready');
  });

  it('another 400 is permanent and quotes the gateway', async () => {
    gate.failNext(400, { body: { message: 'text too long' } });
    expect(await channel.send(message())).toMatchObject({ ok: false, error: { kind: 'permanent', reason: 'The SMS gateway refused the message: text too long' } });
  });

  it('a wrong base URL (404) takes the channel down instead of failing the message', async () => {
    const misplaced = new SmsGateChannel({ baseUrl: `${gate.baseUrl}/api`, username: 'shop', password: 'p4ss:word', logger: silentLogger });
    expect(await misplaced.send(message())).toMatchObject({ ok: false, error: { kind: 'channel-down', reason: expect.stringContaining('address looks wrong') as unknown } });
  });

  it('gives up on a gateway that does not answer, as a transient failure', async () => {
    const impatient = new SmsGateChannel({ baseUrl: gate.baseUrl, username: 'shop', password: 'p4ss:word', logger: silentLogger, timeoutMs: 200 });
    gate.hangNext();
    expect(await impatient.send(message())).toEqual({
      ok: false,
      error: { kind: 'transient', reason: 'The SMS gateway did not answer in time; it will be retried.', detail: 'no answer within 200 ms' },
    });
  });

  it('stops waiting when the caller aborts (shutdown), as a transient failure', async () => {
    gate.hangNext();
    const controller = new AbortController();
    const pending = channel.send(message(), controller.signal);
    await expect.poll(() => gate.requests.length).toBe(1);
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'Sending was interrupted; it will be retried.' } });
  });

  it('an already-aborted signal sends nothing', async () => {
    const result = await channel.send(message(), AbortSignal.abort());
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient' } });
    expect(gate.requests).toHaveLength(0);
  });

  describe('lookup (crash recovery)', () => {
    it('reports a key the gateway never received as not sent', async () => {
      expect(await channel.lookup(query('d-404'))).toEqual({ outcome: 'not-sent' });
    });

    it.each(['Pending', 'Processed', 'Sent', 'Delivered'] as const)('reports a message in state %s as sent', async (state) => {
      await channel.send(message());
      gate.setState('d-17-3', state);
      expect(await channel.lookup(query('d-17-3'))).toEqual({ outcome: 'sent', providerMessageId: 'd-17-3' });
    });

    it('reports a message that failed on the phone as failed, with the phone’s reason', async () => {
      await channel.send(message());
      gate.setState('d-17-3', 'Failed', 'RESULT_ERROR_GENERIC_FAILURE');
      expect(await channel.lookup(query('d-17-3'))).toEqual({
        outcome: 'failed',
        error: { kind: 'permanent', reason: 'The phone could not send the SMS: RESULT_ERROR_GENERIC_FAILURE', detail: 'state Failed' },
      });
    });

    it('says unknown when the gateway cannot be asked', async () => {
      gate.failNext(500);
      expect(await channel.lookup(query('d-17-3'))).toMatchObject({ outcome: 'unknown' });
    });
  });

  describe('probe', () => {
    it('finds a working gateway ready and a rejected login down, and reports both changes', async () => {
      gate.failNext(401);
      expect(await channel.probe()).toEqual({ state: 'down', reason: 'SMS gateway rejected the login — check the username and password in Settings.' });
      expect(await channel.probe()).toEqual({ state: 'ready', reason: null });
      expect(statuses.map((s) => s.state)).toEqual(['down', 'ready']);
      expect(gate.messages.size).toBe(0);
    });
  });
});

describe('SmsGateChannel when the gateway cannot be reached', () => {
  it('takes the channel down without using up the message, and probe brings it back', async () => {
    const port = await closedPort();
    const channel = new SmsGateChannel({ baseUrl: `http://127.0.0.1:${port}`, username: 'shop', password: 'secret', logger: silentLogger });
    const result = await channel.send(message());
    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'channel-down', reason: `Can't reach the SMS gateway at 127.0.0.1:${port} — is the phone on, with SMS Gateway running?` },
    });
    expect(channel.status().state).toBe('down');
    expect((await channel.probe()).state).toBe('down');
    expect(await channel.lookup(query('d-17-3'))).toMatchObject({ outcome: 'unknown' });
  });

  it('rejects a base URL that is not a web address as a validation error', () => {
    expect(() => new SmsGateChannel({ baseUrl: '192.168.1.20:8080', username: 'a', password: 'b', logger: silentLogger })).toThrow(AppError);
    expect(() => new SmsGateChannel({ baseUrl: 'ftp://gateway', username: 'a', password: 'b', logger: silentLogger })).toThrow(AppError);
  });
});
