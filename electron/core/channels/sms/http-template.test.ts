import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../errors';
import { silentLogger } from '../../logger';
import type { OutboundMessage } from '../channel';
import { closedPort } from './closed-port';
import { startFakeHttpGateway, type FakeHttpGateway } from './fake-http-gateway';
import { HttpTemplateChannel, type HttpTemplate } from './http-template';

const TO = '+4915123456789';
/** Quotes, a backslash, line breaks, a tab, &, =, +, %, accents, € and an emoji. */
const TRICKY = 'He said "hi" \\ o/\nline two\r\ntab\there & a=b+c 100% — Grüße € 😀';

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  deliveryKey: 'd-17-3',
  to: TO,
  whatsappId: null,
  text: 'Hello Anna',
  media: null,
  ...overrides,
});

describe('HttpTemplateChannel against a fake gateway', () => {
  let gateway: FakeHttpGateway;

  const make = (template: Partial<HttpTemplate> = {}, timeoutMs = 5_000): HttpTemplateChannel =>
    new HttpTemplateChannel({
      url: `${gateway.baseUrl}/send?to={{to}}&text={{text}}`,
      method: 'GET',
      headers: [],
      body: '',
      contentType: 'text/plain',
      logger: silentLogger,
      timeoutMs,
      ...template,
    });

  beforeEach(async () => {
    gateway = await startFakeHttpGateway();
  });

  afterEach(async () => {
    await gateway.close();
  });

  it('GET: fills the number and the text into the URL, URL-encoded, and sends no body', async () => {
    const result = await make().send(message({ text: TRICKY }));
    expect(result).toEqual({ ok: true, providerMessageId: 'gw-1' });
    const [request] = gateway.requests;
    expect(request?.method).toBe('GET');
    expect(request?.rawUrl).toBe(`/send?to=${encodeURIComponent(TO)}&text=${encodeURIComponent(TRICKY)}`);
    expect(request?.url.searchParams.get('to')).toBe(TO);
    expect(request?.url.searchParams.get('text')).toBe(TRICKY);
    expect(request?.rawBody).toBe('');
  });

  it('POST JSON: escapes quotes, backslashes, line breaks and keeps unicode, so the gateway reads the exact text', async () => {
    const channel = make({
      url: `${gateway.baseUrl}/api/sms`,
      method: 'POST',
      contentType: 'application/json',
      body: '{"recipient":"{{to}}","message":"{{text}}","flash":false}',
    });
    expect(await channel.send(message({ text: TRICKY }))).toMatchObject({ ok: true });
    const [request] = gateway.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.rawBody ?? '')).toEqual({ recipient: TO, message: TRICKY, flash: false });
    expect(request?.rawBody).toContain('Grüße € 😀');
  });

  it('POST form: URL-encodes the values in the body', async () => {
    const channel = make({ url: `${gateway.baseUrl}/sms`, method: 'POST', contentType: 'application/x-www-form-urlencoded', body: 'number={{to}}&msg={{text}}&user=shop' });
    await channel.send(message({ text: TRICKY }));
    const [request] = gateway.requests;
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.rawBody))).toEqual({ number: TO, msg: TRICKY, user: 'shop' });
  });

  it('POST text/plain: the text as it is', async () => {
    gateway.answer = 'plain-ok';
    const channel = make({ url: `${gateway.baseUrl}/raw/{{to}}`, method: 'POST', contentType: 'text/plain', body: '{{text}}' });
    expect(await channel.send(message({ text: TRICKY }))).toEqual({ ok: true, providerMessageId: 'd-17-3' });
    const [request] = gateway.requests;
    expect(request?.rawUrl).toBe(`/raw/${encodeURIComponent(TO)}`);
    expect(request?.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(request?.rawBody).toBe(TRICKY);
  });

  it('sends the header values (an API key), filling placeholders in them; the chosen content type wins', async () => {
    const channel = make({
      url: `${gateway.baseUrl}/send`,
      method: 'POST',
      contentType: 'application/json',
      body: '{"to":"{{to}}","text":"{{text}}"}',
      headers: [
        { name: 'X-Api-Key', value: 'k3y-s3cret' },
        { name: 'X-Recipient', value: '{{to}}' },
        { name: 'X-Text', value: '{{text}}' },
        { name: 'content-type', value: 'text/html' },
      ],
    });
    await channel.send(message({ text: 'Line one\nGrüße' }));
    const [request] = gateway.requests;
    expect(request?.headers['x-api-key']).toBe('k3y-s3cret');
    expect(request?.headers['x-recipient']).toBe(TO);
    expect(request?.headers['x-text']).toBe(encodeURIComponent('Line one\nGrüße'));
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('sends only the text of a message with an attachment, and says so', async () => {
    const result = await make().send(message({ media: { filePath: '/data/media/ab.pdf', mimeType: 'application/pdf', fileName: 'b.pdf' } }));
    expect(result).toMatchObject({ ok: true, note: 'The attachment was not sent: SMS carries text only.' });
  });

  it('refuses a contact without a phone number permanently, without calling the gateway', async () => {
    expect(await make().send(message({ to: null }))).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'no-phone' } });
    expect(gateway.requests).toHaveLength(0);
  });

  it('is not idempotent and has no lookup: recovery marks a claimed delivery unknown', () => {
    const channel = make();
    expect(channel.idempotentSend).toBe(false);
    expect('lookup' in channel).toBe(false);
  });

  describe('errors', () => {
    it.each([500, 502, 503, 429])('HTTP %i is transient', async (status) => {
      gateway.failNext(status, { body: 'queue full', headers: { 'Retry-After': '30' } });
      expect(await make().send(message())).toMatchObject({ ok: false, error: { kind: 'transient', detail: `HTTP ${status}: queue full`, retryAfterMs: 30_000 } });
    });

    it('reads a Retry-After given as a date', async () => {
      gateway.failNext(503, { headers: { 'Retry-After': new Date(Date.now() + 120_000).toUTCString() } });
      const result = await make().send(message());
      const wait = !result.ok ? (result.error.retryAfterMs ?? 0) : 0;
      // The header has whole seconds: between 119 and 120 s from when it was written.
      expect(wait).toBeGreaterThan(115_000);
      expect(wait).toBeLessThanOrEqual(120_000);
    });

    it.each([400, 401, 404, 422])('HTTP %i is permanent and quotes the gateway', async (status) => {
      gateway.failNext(status, { body: 'bad number' });
      const result = await make().send(message());
      expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', detail: `HTTP ${status}: bad number` } });
    });

    it('a redirect is not followed: the address is wrong, the channel is down', async () => {
      const channel = make();
      gateway.failNext(302, { headers: { Location: 'http://127.0.0.1:9/elsewhere' } });
      expect(await channel.send(message())).toMatchObject({ ok: false, error: { kind: 'channel-down' } });
      expect(gateway.requests).toHaveLength(1);
      expect(channel.status().state).toBe('down');
      expect(await channel.probe()).toEqual({ state: 'ready', reason: null });
    });

    it('gives up on a gateway that does not answer, as a transient failure', async () => {
      gateway.hangNext();
      expect(await make({}, 200).send(message())).toEqual({
        ok: false,
        error: { kind: 'transient', reason: 'The SMS gateway did not answer in time; it will be retried.', detail: 'no answer within 200 ms' },
      });
    });
  });
});

describe('HttpTemplateChannel when the gateway cannot be reached', () => {
  it('takes the channel down without using up the message', async () => {
    const port = await closedPort();
    const channel = new HttpTemplateChannel({ url: `http://127.0.0.1:${port}/send?to={{to}}&text={{text}}`, method: 'GET', headers: [], body: '', contentType: 'text/plain', logger: silentLogger });
    expect(await channel.send(message())).toMatchObject({
      ok: false,
      error: { kind: 'channel-down', reason: `Can't reach the SMS gateway at 127.0.0.1:${port} — is it switched on and connected?` },
    });
    expect(channel.status().state).toBe('down');
  });
});

describe('HttpTemplateChannel refuses a template that cannot work, naming the field', () => {
  const base: HttpTemplate = { url: 'http://192.168.1.30/send?to={{to}}&text={{text}}', method: 'GET', headers: [], body: '', contentType: 'text/plain' };
  const build = (template: Partial<HttpTemplate>): HttpTemplateChannel => new HttpTemplateChannel({ ...base, ...template, logger: silentLogger });
  const refusal = (template: Partial<HttpTemplate>): { field: string | undefined; message: string } => {
    try {
      build(template);
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') return { field: error.field, message: error.message };
      throw error;
    }
    throw new Error('the template was accepted');
  };

  it('accepts a working template, with spaces inside the braces', () => {
    expect(() => build({ url: 'http://192.168.1.30/send?to={{ to }}&text={{text}}' })).not.toThrow();
  });

  it.each<[string, Partial<HttpTemplate>, string, RegExp]>([
    ['an unknown placeholder', { url: 'http://gw/send?to={{to}}&text={{text}}&n={{name}}' }, 'url', /"\{\{name\}\}" is not one of them/],
    ['no {{to}} anywhere', { url: 'http://gw/send?text={{text}}' }, 'url', /\{\{to\}\}/],
    ['no {{text}} in a POST', { url: 'http://gw/send?to={{to}}', method: 'POST', body: 'hello' }, 'body', /\{\{text\}\}/],
    ['not a web address', { url: 'gw/send?to={{to}}&text={{text}}' }, 'url', /not a web address/],
    ['another scheme', { url: 'ftp://gw/send?to={{to}}&text={{text}}' }, 'url', /http:\/\/ or https:\/\//],
    ['a GET with a body', { body: 'x={{text}}' }, 'body', /GET request has no body/],
    ['JSON placeholders outside quotes', { url: 'http://gw/send', method: 'POST', contentType: 'application/json', body: '{"to":{{to}},"text":"{{text}}"}' }, 'body', /not valid JSON/],
    ['a header value with a line break', { headers: [{ name: 'X-Key', value: 'a\nb' }] }, 'headers.0.value', /line break/],
    ['a header twice', { headers: [{ name: 'X-Key', value: 'a' }, { name: 'x-key', value: 'b' }] }, 'headers.1.name', /twice/],
  ])('%s', (_what, template, field, message) => {
    const refused = refusal(template);
    expect(refused.field).toBe(field);
    expect(refused.message).toMatch(message);
  });
});
