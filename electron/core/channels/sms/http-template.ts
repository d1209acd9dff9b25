/**
 * A generic HTTP SMS gateway, described by a template: the many local gateways (an old Android
 * phone app, a GSM modem box, a shop's reseller API) that take "call this URL with the number and
 * the text". The owner gives the URL, GET or POST, headers (API keys: kept as secrets), a body and
 * its content type; `{{to}}` (E.164) and `{{text}}` are filled in per message:
 * - in the URL and in form bodies: URL-encoded (encodeURIComponent);
 * - in JSON bodies: JSON-string-escaped (quotes, backslashes, line breaks, control characters), so
 *   the placeholders belong inside the template's quotes: `{"to":"{{to}}","message":"{{text}}"}`;
 * - in text/plain bodies: as is;
 * - in header values: `{{to}}` as is, `{{text}}` URL-encoded (a header cannot carry line breaks or
 *   most non-ASCII characters).
 * A template is checked when it is built (unknown placeholders, no `{{to}}` or `{{text}}` anywhere,
 * an address that is not http(s) once filled in, a JSON body that is not JSON once filled in, a GET
 * with a body) and refused with the field at fault, so nothing unusable is ever stored.
 *
 * Success is any 2xx. Error mapping (see channel.ts):
 * - could not connect → channel-down (nothing was sent); a redirect → channel-down (wrong address;
 *   never followed);
 * - timeout / abort / reset, 408, 425, 429, 5xx → transient, Retry-After passed on;
 * - any other 4xx → permanent, quoting the gateway's answer.
 * There is no idempotency key and nothing to ask afterwards, so `idempotentSend` is false and there
 * is no `lookup`: recovery marks a claimed delivery `unknown` for the owner to decide. There is no
 * probe either (no request exists that sends nothing): `probe` reports ready, and the next send
 * finds out.
 */
import { z } from 'zod';
import { validation } from '../../errors';
import type { Logger } from '../../logger';
import { ChannelStatusHolder, READY, type Channel, type ChannelError, type ChannelStatus, type OutboundMessage, type SendResult } from '../channel';
import { bodySnippet, isRetryableStatus, isSuccess, retryAfter, sendHttpRequest, type HttpResponseOutcome } from './http-request';
import { MEDIA_NOT_SENT, NO_PHONE } from './sms-texts';

export const HTTP_TEMPLATE_DEFAULT_TIMEOUT_MS = 30_000;

export type HttpTemplateContentType = 'application/json' | 'application/x-www-form-urlencoded' | 'text/plain';

export interface HttpTemplateHeader {
  name: string;
  value: string;
}

export interface HttpTemplate {
  url: string;
  method: 'GET' | 'POST';
  headers: readonly HttpTemplateHeader[];
  /** POST only; must be empty for GET. */
  body: string;
  contentType: HttpTemplateContentType;
}

export interface HttpTemplateConfig extends HttpTemplate {
  timeoutMs?: number;
  logger: Logger;
  fetch?: typeof fetch;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
/** Filled in when checking a template: every character an escape must get right. */
const SAMPLE = { to: '+4915123456789', text: 'Sample "quoted" text\\ with\na line break, tab\t, & ü € 😀' };

/** Where a gateway's own message id may be in a JSON answer (best effort: else our key). */
const GatewayIdSchema = z.object({ id: z.union([z.string(), z.number()]) }).or(z.object({ messageId: z.union([z.string(), z.number()]) }));

export class HttpTemplateChannel implements Channel {
  readonly id = 'sms' as const;
  readonly idempotentSend = false;
  readonly carriesMedia = false;
  private readonly template: HttpTemplate;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly statusHolder: ChannelStatusHolder;

  /** Throws a VALIDATION AppError naming the field (`url`, `body`, `headers.<i>.value`, …) of a template that cannot work. */
  constructor(private readonly config: HttpTemplateConfig) {
    this.template = checkTemplate(config);
    this.timeoutMs = config.timeoutMs ?? HTTP_TEMPLATE_DEFAULT_TIMEOUT_MS;
    this.fetchImpl = config.fetch ?? fetch;
    this.statusHolder = new ChannelStatusHolder(READY, config.logger);
  }

  status(): ChannelStatus {
    return this.statusHolder.get();
  }

  onStatusChange(listener: (status: ChannelStatus) => void): () => void {
    return this.statusHolder.subscribe(listener);
  }

  /** Nothing to ask without sending a message: ready, and the next send finds out. */
  probe(): Promise<ChannelStatus> {
    this.statusHolder.set(READY);
    return Promise.resolve(this.statusHolder.get());
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (message.to === null) {
      return { ok: false, error: { kind: 'permanent', code: 'no-phone', reason: NO_PHONE } };
    }
    const values = { to: message.to, text: message.text };
    const outcome = await sendHttpRequest(renderRequest(this.template, values), {
      fetch: this.fetchImpl,
      timeoutMs: this.timeoutMs,
      signal,
      logger: this.config.logger,
      provider: 'SMS gateway (HTTP template)',
    });

    if (outcome.kind === 'no-connection') {
      const reason = `Can't reach the SMS gateway at ${new URL(renderUrl(this.template.url, SAMPLE)).host} — is it switched on and connected?`;
      this.statusHolder.set({ state: 'down', reason });
      return { ok: false, error: { kind: 'channel-down', reason, detail: outcome.detail } };
    }
    if (outcome.kind === 'interrupted') {
      const reason = outcome.timedOut ? 'The SMS gateway did not answer in time; it will be retried.' : 'Sending was interrupted; it will be retried.';
      return { ok: false, error: { kind: 'transient', reason, detail: outcome.detail } };
    }
    if (isSuccess(outcome.status)) {
      this.statusHolder.set(READY);
      const note = message.media === null ? {} : { note: MEDIA_NOT_SENT };
      return { ok: true, providerMessageId: gatewayId(outcome.body) ?? message.deliveryKey, ...note };
    }
    const error = errorFor(outcome);
    if (error.kind === 'channel-down') this.statusHolder.set({ state: 'down', reason: error.reason });
    return { ok: false, error };
  }
}

function errorFor(response: HttpResponseOutcome): ChannelError {
  const { status } = response;
  const answer = bodySnippet(response);
  const detail = answer === '' ? `HTTP ${status}` : `HTTP ${status}: ${answer}`;
  if (status >= 300 && status < 400) {
    return { kind: 'channel-down', reason: 'The SMS gateway answered with a redirect: its address looks wrong — check the URL in Settings.', detail };
  }
  if (isRetryableStatus(status)) {
    const reason = status === 429 || status === 503 ? `The SMS gateway is busy (HTTP ${status}); it will be retried.` : `The SMS gateway had a problem (HTTP ${status}); it will be retried.`;
    return { kind: 'transient', reason, detail, ...retryAfter(response) };
  }
  if (status === 401 || status === 403) {
    return { kind: 'permanent', reason: `The SMS gateway refused the request (HTTP ${status}) — check the API key or login in the headers in Settings.`, detail };
  }
  return { kind: 'permanent', reason: `The SMS gateway refused the message (HTTP ${status}).`, detail };
}

function gatewayId(body: unknown): string | null {
  const parsed = GatewayIdSchema.safeParse(body);
  if (!parsed.success) return null;
  const id = 'id' in parsed.data ? parsed.data.id : parsed.data.messageId;
  const text = String(id);
  return text === '' ? null : text;
}

interface Values {
  to: string;
  text: string;
}

/** The request for one message. */
export function renderRequest(template: HttpTemplate, values: Values): { method: 'GET' | 'POST'; url: string; headers: Record<string, string>; body: string | null } {
  const headers: Record<string, string> = {};
  for (const header of template.headers) {
    headers[header.name] = fill(header.value, (name) => (name === 'text' ? encodeURIComponent(values.text) : values[name]));
  }
  if (template.method === 'GET') return { method: 'GET', url: renderUrl(template.url, values), headers, body: null };
  // Set after the owner's headers: the chosen content type is the one the body was escaped for.
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') delete headers[name];
  headers['Content-Type'] = template.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : template.contentType;
  return { method: 'POST', url: renderUrl(template.url, values), headers, body: renderBody(template, values) };
}

function renderUrl(url: string, values: Values): string {
  return fill(url, (name) => encodeURIComponent(values[name]));
}

function renderBody(template: HttpTemplate, values: Values): string {
  switch (template.contentType) {
    case 'application/json':
      return fill(template.body, (name) => JSON.stringify(values[name]).slice(1, -1));
    case 'application/x-www-form-urlencoded':
      return fill(template.body, (name) => encodeURIComponent(values[name]));
    case 'text/plain':
      return fill(template.body, (name) => values[name]);
  }
}

function fill(template: string, value: (name: keyof Values) => string): string {
  // Placeholders were checked when the template was built: only {{to}} and {{text}} remain.
  return template.replace(PLACEHOLDER, (whole, raw: string) => {
    const name = raw.trim();
    return name === 'to' || name === 'text' ? value(name) : whole;
  });
}

function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => (match[1] ?? '').trim());
}

function checkTemplate(config: HttpTemplate): HttpTemplate {
  const template: HttpTemplate = {
    url: config.url.trim(),
    method: config.method,
    headers: config.headers.map((h) => ({ name: h.name.trim(), value: h.value })),
    body: config.method === 'GET' ? config.body.trim() : config.body,
    contentType: config.contentType,
  };
  const fields: [string, string][] = [
    ['url', template.url],
    ['body', template.body],
    ...template.headers.map((h, i): [string, string] => [`headers.${i}.value`, h.value]),
  ];
  for (const [field, text] of fields) {
    const unknown = placeholdersIn(text).find((name) => name !== 'to' && name !== 'text');
    if (unknown !== undefined) throw validation(`Only {{to}} and {{text}} can be filled in; "{{${unknown}}}" is not one of them.`, field);
  }
  const used = new Set(fields.flatMap(([, text]) => placeholdersIn(text)));
  if (!used.has('to')) throw validation('Put {{to}} where the gateway expects the phone number (in the URL, the body or a header).', 'url');
  if (!used.has('text')) throw validation('Put {{text}} where the gateway expects the message (in the URL, the body or a header).', template.method === 'GET' ? 'url' : 'body');

  let url: URL;
  try {
    url = new URL(renderUrl(template.url, SAMPLE));
  } catch {
    throw validation(`"${template.url}" is not a web address. Use something like http://192.168.1.30/send?to={{to}}&text={{text}}.`, 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw validation('The address must start with http:// or https://.', 'url');

  if (template.method === 'GET' && template.body !== '') {
    throw validation('A GET request has no body: put {{to}} and {{text}} in the URL, or choose POST.', 'body');
  }
  if (template.method === 'POST' && template.contentType === 'application/json') {
    try {
      JSON.parse(renderBody(template, SAMPLE));
    } catch {
      throw validation('The body is not valid JSON once filled in. Put the placeholders inside quotes, e.g. {"to":"{{to}}","message":"{{text}}"}.', 'body');
    }
  }
  const names = new Set<string>();
  template.headers.forEach((header, i) => {
    if (!/^[A-Za-z0-9-]{1,100}$/.test(header.name)) throw validation('Header names use letters, digits and -.', `headers.${i}.name`);
    if (names.has(header.name.toLowerCase())) throw validation(`The header "${header.name}" is there twice.`, `headers.${i}.name`);
    names.add(header.name.toLowerCase());
    // A header value is bytes 0x20–0xFF plus tab; anything else makes every request fail.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(header.value)) throw validation(`The value of "${header.name}" has a line break or a character a header cannot carry.`, `headers.${i}.value`);
  });
  return template;
}
