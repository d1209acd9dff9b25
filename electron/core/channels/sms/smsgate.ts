/**
 * SMSGate ("SMS Gateway for Android", docs.sms-gate.app): local server on the phone
 * (`http://<phone-ip>:8080`) or the cloud/private server (`https://api.sms-gate.app/3rdparty/v1`).
 *
 * Protocol used (the 3rd-party API, identical on both servers below the base URL):
 * - `POST <base>/messages`, Basic auth, JSON `{ id, textMessage: { text }, phoneNumbers: [to],
 *   withDeliveryReport: true }` → 202 `{ id, state, recipients }`. `id` is our delivery key, so
 *   a resend after a crash is recognised: the server answers 409 "message with the same ID
 *   already exists", which we report as success (`deduplicated`), never as a second message.
 *   Ids are at most 36 characters on the server; longer keys are hashed deterministically.
 * - `GET <base>/messages/<id>` → 200 `{ id, state, recipients }` or 404: `lookup` for recovery.
 *
 * Why not the official `android-sms-gateway` client (v3.0.0; evaluated, not a dependency): it posts to the legacy
 * `<base>/message` path with the deprecated `message` field instead of `textMessage`, its
 * pluggable HttpClient returns only parsed bodies (no status codes, so 409/401/429 could not be
 * told apart, nor Retry-After read) and takes no AbortSignal. The protocol is two requests; this
 * adapter speaks it directly over `fetch` (injectable for tests).
 *
 * Error mapping (see channel.ts for what the engine does with each kind):
 * - could not connect at all (refused, DNS, unreachable, connect timeout) → channel-down: the
 *   request never reached the gateway, so nothing was sent and no attempt should be burned while
 *   the phone is off; `probe` brings the channel back.
 * - timeout / abort / connection reset mid-request, 408, 425, 429, 5xx (503 = gateway queue
 *   full) → transient; Retry-After (seconds) is passed on.
 * - 401, 403 → channel-down ("check the username and password"); 404 or a redirect on POST →
 *   channel-down (the base URL is wrong; redirects are never followed, so the login is not sent
 *   elsewhere).
 * - 400 (invalid phone number, refused content) and other 4xx → permanent.
 * SMS carries no files: a message with media goes out as its text only, with a `note` saying so.
 */
import { createHash } from 'node:crypto';
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

export const SMSGATE_CLOUD_URL = 'https://api.sms-gate.app/3rdparty/v1';
export const SMSGATE_DEFAULT_TIMEOUT_MS = 30_000;

export interface SmsGateConfig {
  /** Cloud/private: `https://api.sms-gate.app/3rdparty/v1`; local: `http://<phone-ip>:8080`. */
  baseUrl: string;
  username: string;
  password: string;
  /** Per request; the caller's AbortSignal can end it sooner. */
  timeoutMs?: number;
  logger: Logger;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

const LOGIN_REJECTED = 'SMS gateway rejected the login — check the username and password in Settings.';
/** A key that can never be a delivery key, used to check the connection and login. */
const PROBE_ID = 'seqa-connection-check';

const MessageStateSchema = z.object({
  id: z.string().min(1),
  state: z.string(),
  recipients: z.array(z.object({ phoneNumber: z.string(), state: z.string(), error: z.string().nullish() })).optional(),
});
const ErrorBodySchema = z.object({ message: z.string() });

/** The `id` SMSGate stores for a delivery key: the key itself if it fits (≤ 36 safe chars), else a stable hash. */
export function smsGateMessageId(deliveryKey: string): string {
  if (/^[A-Za-z0-9_-]{1,36}$/.test(deliveryKey)) return deliveryKey;
  return `h${createHash('sha256').update(deliveryKey, 'utf8').digest('hex').slice(0, 35)}`;
}

export class SmsGateChannel implements Channel {
  readonly id = 'sms' as const;
  readonly idempotentSend = true;
  readonly carriesMedia = false;
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly statusHolder: ChannelStatusHolder;

  constructor(private readonly config: SmsGateConfig) {
    this.baseUrl = normaliseBaseUrl(config.baseUrl, 'baseUrl', `${SMSGATE_CLOUD_URL} or http://192.168.1.20:8080`);
    this.authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`, 'utf8').toString('base64')}`;
    this.timeoutMs = config.timeoutMs ?? SMSGATE_DEFAULT_TIMEOUT_MS;
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
    const outcome = await this.request('GET', `/messages/${PROBE_ID}`, undefined, signal);
    if (outcome.kind === 'response') {
      const { status } = outcome;
      if (status === 401 || status === 403) this.markDown(LOGIN_REJECTED);
      else if (isSuccess(status) || status === 404) this.statusHolder.set(READY);
      else this.markDown(`The SMS gateway is not working properly (HTTP ${status}).`);
    } else if (outcome.kind === 'no-connection') {
      this.markDown(this.unreachableReason());
    } else if (outcome.timedOut) {
      this.markDown('The SMS gateway does not answer.');
    }
    return this.statusHolder.get();
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (message.to === null) {
      return { ok: false, error: { kind: 'permanent', code: 'no-phone', reason: NO_PHONE } };
    }
    const id = smsGateMessageId(message.deliveryKey);
    const body = { id, textMessage: { text: message.text }, phoneNumbers: [message.to], withDeliveryReport: true };
    const outcome = await this.request('POST', '/messages', body, signal);
    const note = message.media === null ? {} : { note: MEDIA_NOT_SENT };

    if (outcome.kind === 'no-connection') {
      this.markDown(this.unreachableReason());
      return { ok: false, error: { kind: 'channel-down', reason: this.unreachableReason(), detail: outcome.detail } };
    }
    if (outcome.kind === 'interrupted') {
      const reason = outcome.timedOut
        ? 'The SMS gateway did not answer in time; it will be retried.'
        : 'Sending was interrupted; it will be retried.';
      return { ok: false, error: { kind: 'transient', reason, detail: outcome.detail } };
    }

    const { status } = outcome;
    if (isSuccess(status)) {
      this.statusHolder.set(READY);
      const state = MessageStateSchema.safeParse(outcome.body);
      return { ok: true, providerMessageId: state.success ? state.data.id : id, ...note };
    }
    if (status === 409) {
      this.statusHolder.set(READY);
      return { ok: true, providerMessageId: id, deduplicated: true, ...note };
    }
    const error = this.errorFor(outcome, message.to);
    if (error.kind === 'channel-down') this.markDown(error.reason);
    return { ok: false, error };
  }

  async lookup({ deliveryKey }: LookupQuery, signal?: AbortSignal): Promise<LookupResult> {
    const id = smsGateMessageId(deliveryKey);
    const outcome = await this.request('GET', `/messages/${encodeURIComponent(id)}`, undefined, signal);
    if (outcome.kind !== 'response') {
      return { outcome: 'unknown', reason: `Could not ask the SMS gateway (${outcome.detail}).` };
    }
    if (outcome.status === 404) return { outcome: 'not-sent' };
    if (outcome.status !== 200) {
      return { outcome: 'unknown', reason: `The SMS gateway answered HTTP ${outcome.status} when asked about the message.` };
    }
    const parsed = MessageStateSchema.safeParse(outcome.body);
    if (!parsed.success) return { outcome: 'unknown', reason: 'The SMS gateway gave an answer this app does not understand.' };
    const { state, recipients } = parsed.data;
    switch (state) {
      case 'Pending':
      case 'Processed':
      case 'Sent':
      case 'Delivered':
        return { outcome: 'sent', providerMessageId: parsed.data.id };
      case 'Failed': {
        const why = recipients?.find((r) => r.error)?.error ?? null;
        return {
          outcome: 'failed',
          error: { kind: 'permanent', reason: why === null ? 'The phone could not send the SMS.' : `The phone could not send the SMS: ${why}`, detail: `state ${state}` },
        };
      }
      case 'Cancelling':
      case 'Cancelled':
        return { outcome: 'failed', error: { kind: 'permanent', reason: 'The SMS was cancelled in the SMS gateway.', detail: `state ${state}` } };
      default:
        return { outcome: 'unknown', reason: `The SMS gateway reports an unfamiliar state "${state}".` };
    }
  }

  private errorFor(response: HttpResponseOutcome, to: string): ChannelError {
    const { status } = response;
    const serverMessage = describeBody(response);
    const detail = serverMessage === '' ? `HTTP ${status}` : `HTTP ${status}: ${serverMessage}`;
    if (status === 401 || status === 403) return { kind: 'channel-down', reason: LOGIN_REJECTED, detail };
    if (status === 404 || (status >= 300 && status < 400)) {
      return { kind: 'channel-down', reason: 'The SMS gateway address looks wrong — check the gateway URL in Settings.', detail };
    }
    if (isRetryableStatus(status)) {
      const reason =
        status === 429 || status === 503
          ? `The SMS gateway is busy (HTTP ${status}); it will be retried.`
          : `The SMS gateway had a problem (HTTP ${status}); it will be retried.`;
      return { kind: 'transient', reason, detail, ...retryAfter(response) };
    }
    if (status === 400 && /phone/i.test(serverMessage)) {
      return { kind: 'permanent', reason: `The SMS gateway says the phone number ${to} is not valid.`, detail };
    }
    return {
      kind: 'permanent',
      reason: serverMessage === '' ? `The SMS gateway refused the message (HTTP ${status}).` : `The SMS gateway refused the message: ${serverMessage}`,
      detail,
    };
  }

  private markDown(reason: string): void {
    this.statusHolder.set({ state: 'down', reason });
  }

  private unreachableReason(): string {
    return `Can't reach the SMS gateway at ${new URL(this.baseUrl).host} — is the phone on, with SMS Gateway running?`;
  }

  private request(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal | undefined): Promise<HttpOutcome> {
    const headers: Record<string, string> = { Authorization: this.authorization, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return sendHttpRequest(
      { method, url: `${this.baseUrl}${path}`, headers, body: body === undefined ? null : JSON.stringify(body) },
      { fetch: this.fetchImpl, timeoutMs: this.timeoutMs, signal, logger: this.config.logger, provider: 'SMS gateway' },
    );
  }
}

function describeBody(response: HttpResponseOutcome): string {
  const parsed = ErrorBodySchema.safeParse(response.body);
  if (parsed.success) return parsed.data.message;
  return bodySnippet(response);
}
