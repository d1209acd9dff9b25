/**
 * Twilio Programmable Messaging (twilio.com/docs/messaging/api/message-resource), REST API 2010-04-01.
 *
 * Protocol used:
 * - send: `POST <base>/2010-04-01/Accounts/<AccountSid>/Messages.json`, Basic auth (SID:token),
 *   form-encoded `To`, `Body` and either `From` (a Twilio number) or `MessagingServiceSid` (MG…)
 *   → 201 with the Message resource (`sid` SM…, `status` queued/accepted).
 * - probe: `GET <base>/2010-04-01/Accounts/<AccountSid>.json` → the account (`status` active,
 *   suspended or closed): checks the address, the SID and the token without sending anything.
 * - errors: `{ code, message, more_info, status }`, `code` from twilio.com/docs/api/errors.
 *
 * Twilio takes no idempotency key, so `idempotentSend` is false and start-up recovery asks `lookup`:
 * it reads the messages sent to the number (`GET …/Messages.json?To=…`, pages of 50, at most
 * LOOKUP_MAX_PAGES) and looks for an outbound one with the same text created after the claim
 * (less CLOCK_SKEW_MS, since our clock and Twilio's differ). Found → `sent` with its SID (or
 * `failed` if Twilio could not deliver it); the whole list read without a match → `not-sent`;
 * anything else → `unknown`, so the owner decides and nothing is sent twice.
 * Deliberately NOT filtered with `DateSent>=`: Twilio's date filter is on the date a message was
 * *sent*, which stays empty while a message waits in Twilio's queue — exactly the state a crash
 * right after the POST leaves it in — so the filter could hide the very message we look for and
 * lead to a second copy. The date is compared here on `date_created` instead.
 *
 * Error mapping (see channel.ts for what the engine does with each kind):
 * - could not connect at all → channel-down (nothing was sent; the probe brings it back).
 * - timeout / abort / reset mid-request, 408, 429 (Twilio's 20429), 5xx → transient, Retry-After
 *   passed on. The message may have been accepted: recovery of such a delivery goes through lookup.
 * - 401, 403 → channel-down ("check the Account SID and auth token"); 404 or a redirect →
 *   channel-down (unknown account or wrong address).
 * - 400 with a code: 21211/21614/21401 (not a valid / not a mobile number) → permanent
 *   'invalid-number'; 21610 (the customer replied STOP to the Twilio number) → permanent; a problem
 *   with the sender (21212, 21603, 21606, 21659, 21660, 21705, 21708, 21709) → channel-down, since
 *   every message would fail the same way until the owner fixes the settings (the probe reads the
 *   account, not the sender, so until then the engine tries one message about once a minute,
 *   without counting attempts); other 4xx → permanent with Twilio's message.
 * SMS carries no files (MMS needs a public media URL this app does not have): a message with media
 * goes out as its text only, with a `note` saying so.
 */
import { z } from 'zod';
import type { Logger } from '../../logger';
import {
  ChannelStatusHolder,
  READY,
  type Channel,
  type ChannelError,
  type ChannelStatus,
  type LookupQuery,
  type LookupResult,
  type OutboundMessage,
  type SendResult,
} from '../channel';
import { bodySnippet, isRetryableStatus, isSuccess, normaliseBaseUrl, retryAfter, sendHttpRequest, type HttpOutcome, type HttpResponseOutcome } from './http-request';
import { MEDIA_NOT_SENT, NO_PHONE } from './sms-texts';

export const TWILIO_API_URL = 'https://api.twilio.com';
export const TWILIO_DEFAULT_TIMEOUT_MS = 30_000;
/** How far our clock and Twilio's may disagree when matching a message to its claim. */
export const CLOCK_SKEW_MS = 5 * 60_000;
export const LOOKUP_PAGE_SIZE = 50;
export const LOOKUP_MAX_PAGES = 4;

export interface TwilioConfig {
  /** AC…, the account that sends. */
  accountSid: string;
  authToken: string;
  /** A Twilio phone number in E.164, or a Messaging Service SID (MG…). */
  from: string;
  /** Default https://api.twilio.com; tests point it at a loopback fake. */
  baseUrl?: string;
  /** Per request; the caller's AbortSignal can end it sooner. */
  timeoutMs?: number;
  logger: Logger;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

const LOGIN_REJECTED = 'Twilio rejected the login — check the Account SID and auth token in Settings.';
const SENDER_REFUSED = 'Twilio refused the sender — check the "From" number or Messaging Service in Settings.';

/** Codes whose cause is the configured sender, not the message: every send would fail alike. */
const SENDER_ERRORS = new Set([21212, 21603, 21606, 21659, 21660, 21705, 21708, 21709]);
const INVALID_NUMBER_ERRORS = new Set([21211, 21401, 21614]);
const UNSUBSCRIBED_ERROR = 21610;

const MessageSchema = z.object({
  sid: z.string().min(1),
  to: z.string().nullish(),
  body: z.string().nullish(),
  status: z.string(),
  direction: z.string().nullish(),
  date_created: z.string().nullish(),
  /** Empty while the message is still queued at Twilio. */
  date_sent: z.string().nullish(),
  error_code: z.union([z.number(), z.string()]).nullish(),
  error_message: z.string().nullish(),
});
const MessagePageSchema = z.object({ messages: z.array(z.unknown()), next_page_uri: z.string().nullish() });
const AccountSchema = z.object({ sid: z.string(), status: z.string() });
const ErrorBodySchema = z.object({ code: z.number().nullish(), message: z.string() });

type TwilioMessage = z.infer<typeof MessageSchema>;

export class TwilioChannel implements Channel {
  readonly id = 'sms' as const;
  readonly idempotentSend = false;
  readonly carriesMedia = false;
  private readonly baseUrl: string;
  private readonly accountPath: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly statusHolder: ChannelStatusHolder;

  constructor(private readonly config: TwilioConfig) {
    this.baseUrl = normaliseBaseUrl(config.baseUrl ?? TWILIO_API_URL, 'baseUrl', TWILIO_API_URL);
    this.accountPath = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}`;
    this.authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`, 'utf8').toString('base64')}`;
    this.timeoutMs = config.timeoutMs ?? TWILIO_DEFAULT_TIMEOUT_MS;
    this.fetchImpl = config.fetch ?? fetch;
    // Optimistic until a request says otherwise: the first send or probe finds out.
    this.statusHolder = new ChannelStatusHolder(READY, config.logger);
  }

  status(): ChannelStatus {
    return this.statusHolder.get();
  }

  onStatusChange(listener: (status: ChannelStatus) => void): () => void {
    return this.statusHolder.subscribe(listener);
  }

  async probe(signal?: AbortSignal): Promise<ChannelStatus> {
    const outcome = await this.request('GET', `${this.baseUrl}${this.accountPath}.json`, null, signal);
    if (outcome.kind === 'no-connection') {
      this.markDown(this.unreachableReason());
    } else if (outcome.kind === 'interrupted') {
      if (outcome.timedOut) this.markDown('Twilio does not answer.');
    } else if (isSuccess(outcome.status)) {
      const account = AccountSchema.safeParse(outcome.body);
      if (account.success && account.data.status !== 'active') {
        this.markDown(`Your Twilio account is ${account.data.status} — Twilio will not send messages until it is active again.`);
      } else {
        this.statusHolder.set(READY);
      }
    } else {
      const error = this.errorFor(outcome, null);
      this.markDown(error.kind === 'channel-down' ? error.reason : `Twilio is not working properly (HTTP ${outcome.status}).`);
    }
    return this.statusHolder.get();
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (message.to === null) {
      return { ok: false, error: { kind: 'permanent', code: 'no-phone', reason: NO_PHONE } };
    }
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    form.set(this.config.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', this.config.from);
    const outcome = await this.request('POST', `${this.baseUrl}${this.accountPath}/Messages.json`, form.toString(), signal);

    if (outcome.kind === 'no-connection') {
      this.markDown(this.unreachableReason());
      return { ok: false, error: { kind: 'channel-down', reason: this.unreachableReason(), detail: outcome.detail } };
    }
    if (outcome.kind === 'interrupted') {
      const reason = outcome.timedOut ? 'Twilio did not answer in time; it will be retried.' : 'Sending was interrupted; it will be retried.';
      return { ok: false, error: { kind: 'transient', reason, detail: outcome.detail } };
    }
    if (isSuccess(outcome.status)) {
      this.statusHolder.set(READY);
      const created = MessageSchema.safeParse(outcome.body);
      if (!created.success) {
        // Accepted (2xx) but unreadable: it went out, so it must be recorded as sent all the same.
        this.config.logger.warn('Twilio accepted a message with an answer this app does not understand', { status: outcome.status, body: bodySnippet(outcome) });
      }
      const note = message.media === null ? {} : { note: MEDIA_NOT_SENT };
      return { ok: true, providerMessageId: created.success ? created.data.sid : message.deliveryKey, ...note };
    }
    const error = this.errorFor(outcome, message.to);
    if (error.kind === 'channel-down') this.markDown(error.reason);
    return { ok: false, error };
  }

  async lookup(query: LookupQuery, signal?: AbortSignal): Promise<LookupResult> {
    // Without a number there was nothing to send: `send` refuses it again, permanently.
    if (query.to === null) return { outcome: 'not-sent' };
    const params = new URLSearchParams({ To: query.to, PageSize: String(LOOKUP_PAGE_SIZE) });
    let url: string | null = `${this.baseUrl}${this.accountPath}/Messages.json?${params.toString()}`;
    const notBefore = query.claimedAt - CLOCK_SKEW_MS;
    for (let page = 0; url !== null; page++) {
      if (page === LOOKUP_MAX_PAGES) {
        return { outcome: 'unknown', reason: `Twilio lists more than ${LOOKUP_MAX_PAGES * LOOKUP_PAGE_SIZE} messages to ${query.to}; the app could not tell whether this one went out.` };
      }
      const outcome = await this.request('GET', url, null, signal);
      if (outcome.kind !== 'response') return { outcome: 'unknown', reason: `Could not ask Twilio about the message (${outcome.detail}).` };
      if (outcome.status !== 200) {
        return { outcome: 'unknown', reason: `Twilio answered HTTP ${outcome.status} when asked about the message${describeError(outcome) === '' ? '' : `: ${describeError(outcome)}`}.` };
      }
      const listed = MessagePageSchema.safeParse(outcome.body);
      if (!listed.success) return { outcome: 'unknown', reason: 'Twilio gave an answer this app does not understand.' };
      for (const item of listed.data.messages) {
        const parsed = MessageSchema.safeParse(item);
        if (!parsed.success) return { outcome: 'unknown', reason: 'Twilio listed a message this app does not understand.' };
        if (isOurs(parsed.data, query.text, notBefore)) return resultFor(parsed.data);
      }
      url = this.nextPageUrl(listed.data.next_page_uri ?? null);
    }
    return { outcome: 'not-sent' };
  }

  private nextPageUrl(uri: string | null): string | null {
    if (uri === null || uri === '') return null;
    // Twilio answers a path ("/2010-04-01/Accounts/…?Page=1&PageToken=…"): resolved against our base.
    return uri.startsWith('/') ? `${this.baseUrl}${uri}` : new URL(uri, `${this.baseUrl}/`).toString();
  }

  private errorFor(response: HttpResponseOutcome, to: string | null): ChannelError {
    const { status } = response;
    const code = ErrorBodySchema.safeParse(response.body).data?.code ?? null;
    const twilioMessage = describeError(response);
    const detail = `HTTP ${status}${code === null ? '' : `, Twilio error ${code}`}${twilioMessage === '' ? '' : `: ${twilioMessage}`}`;
    if (status === 401 || status === 403) return { kind: 'channel-down', reason: LOGIN_REJECTED, detail };
    if (status === 404) return { kind: 'channel-down', reason: 'Twilio does not know this Account SID (or the Twilio address is wrong) — check Settings.', detail };
    if (status >= 300 && status < 400) return { kind: 'channel-down', reason: 'The Twilio address looks wrong — check it in Settings.', detail };
    if (isRetryableStatus(status)) {
      const reason = status === 429 ? 'Twilio asks to slow down (too many requests); it will be retried.' : `Twilio had a problem (HTTP ${status}); it will be retried.`;
      return { kind: 'transient', reason, detail, ...retryAfter(response) };
    }
    if (code !== null && SENDER_ERRORS.has(code)) return { kind: 'channel-down', reason: SENDER_REFUSED, detail };
    if (code !== null && INVALID_NUMBER_ERRORS.has(code)) {
      return { kind: 'permanent', code: 'invalid-number', reason: `Twilio says ${to ?? 'the number'} is not a valid mobile phone number.`, detail };
    }
    if (code === UNSUBSCRIBED_ERROR) {
      return { kind: 'permanent', reason: 'This customer replied STOP to your Twilio number, so Twilio will not send to them (until they reply START).', detail };
    }
    return {
      kind: 'permanent',
      reason: twilioMessage === '' ? `Twilio refused the message (HTTP ${status}).` : `Twilio refused the message: ${twilioMessage}`,
      detail,
    };
  }

  private markDown(reason: string): void {
    this.statusHolder.set({ state: 'down', reason });
  }

  private unreachableReason(): string {
    return `Can't reach Twilio at ${new URL(this.baseUrl).host} — is this computer online?`;
  }

  private request(method: 'GET' | 'POST', url: string, form: string | null, signal: AbortSignal | undefined): Promise<HttpOutcome> {
    const headers: Record<string, string> = { Authorization: this.authorization, Accept: 'application/json' };
    if (form !== null) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return sendHttpRequest({ method, url, headers, body: form }, { fetch: this.fetchImpl, timeoutMs: this.timeoutMs, signal, logger: this.config.logger, provider: 'Twilio' });
  }
}

/** An outbound message with this text, created after the claim (less the clock skew). */
function isOurs(message: TwilioMessage, text: string, notBefore: number): boolean {
  if (message.direction?.startsWith('outbound') !== true) return false;
  if (message.body === null || message.body === undefined || sameText(message.body, text) === false) return false;
  const created = message.date_created === null || message.date_created === undefined ? Number.NaN : Date.parse(message.date_created);
  // A message without a readable creation date counts: claiming it sent is safer than sending twice.
  return Number.isNaN(created) || created >= notBefore;
}

/** Twilio keeps the body as sent; line endings and outer whitespace are not worth a second message. */
function sameText(a: string, b: string): boolean {
  const normal = (s: string): string => s.replace(/\r\n?/g, '\n').trim().normalize('NFC');
  return normal(a) === normal(b);
}

function resultFor(message: TwilioMessage): LookupResult {
  if (message.status === 'failed' || message.status === 'undelivered' || message.status === 'canceled') {
    const why = message.error_message ?? null;
    const code = message.error_code === null || message.error_code === undefined ? '' : `, error ${String(message.error_code)}`;
    const reason = message.status === 'canceled' ? 'The SMS was cancelled in Twilio.' : why === null ? 'Twilio could not deliver the SMS.' : `Twilio could not deliver the SMS: ${why}`;
    return { outcome: 'failed', error: { kind: 'permanent', reason, detail: `status ${message.status}${code}` } };
  }
  // RFC 2822 dates ("Thu, 03 Dec 2026 10:00:00 +0000"); a queued message has no date_sent yet.
  const sentAt = Date.parse(message.date_sent || message.date_created || '');
  return Number.isNaN(sentAt) ? { outcome: 'sent', providerMessageId: message.sid } : { outcome: 'sent', providerMessageId: message.sid, sentAt };
}

function describeError(response: HttpResponseOutcome): string {
  const parsed = ErrorBodySchema.safeParse(response.body);
  return parsed.success ? parsed.data.message : bodySnippet(response);
}
