/**
 * Registering our webhook receiver with SMSGate (docs.sms-gate.app → Webhooks), so the phone
 * posts incoming SMS (and the delivery reports of what we sent) to us.
 *
 * Protocol: `POST <base>/webhooks` with Basic auth and JSON `{ id, url, event }`, one
 * registration per event. A registration with an id the gateway has already is replaced, so each
 * event is registered under a FIXED id: pressing "Register" again (or with a new address) updates
 * the one registration instead of piling up copies, and the phone never posts the same SMS twice.
 *
 * Registered: `sms:received` (customers who write in), plus `sms:delivered` and `sms:failed`
 * (the receipts of messages the app sent; the receiver passes them to the engine).
 *
 * The answer is one readable sentence for the owner; the technical detail goes to the log.
 */
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { bodySnippet, isSuccess, normaliseBaseUrl, sendHttpRequest } from './http-request';

export const SMSGATE_WEBHOOK_EVENTS = ['sms:received', 'sms:delivered', 'sms:failed'] as const;
export type SmsGateWebhookEventName = (typeof SMSGATE_WEBHOOK_EVENTS)[number];

/** The fixed registration id of each event (letters, digits and dashes: every SMSGate server takes them). */
export function smsGateWebhookId(event: SmsGateWebhookEventName): string {
  return `sequence-automation-${event.replace(':', '-')}`;
}

export interface RegisterSmsGateWebhooksInput {
  baseUrl: string;
  username: string;
  password: string;
  /** The receiver's SMSGate URL, as the phone must call it. */
  url: string;
  logger: Logger;
  fetch?: typeof fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RegistrationResult {
  ok: boolean;
  message: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** Registers every event under its fixed id. Never rejects. */
export async function registerSmsGateWebhooks(input: RegisterSmsGateWebhooksInput): Promise<RegistrationResult> {
  let base: string;
  try {
    base = normaliseBaseUrl(input.baseUrl, 'baseUrl', 'http://192.168.1.20:8080');
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, message: `The SMSGate address “${input.baseUrl}” is not a web address. Check it in Settings → Channels.` };
  }
  const authorization = `Basic ${Buffer.from(`${input.username}:${input.password}`, 'utf8').toString('base64')}`;
  for (const event of SMSGATE_WEBHOOK_EVENTS) {
    const outcome = await sendHttpRequest(
      {
        method: 'POST',
        url: `${base}/webhooks`,
        headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ id: smsGateWebhookId(event), url: input.url, event }),
      },
      { fetch: input.fetch ?? fetch, timeoutMs: input.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: input.signal, logger: input.logger, provider: 'SMSGate' },
    );
    if (outcome.kind === 'no-connection') {
      input.logger.warn('Could not reach SMSGate to register the webhook', { event, detail: outcome.detail });
      return { ok: false, message: `Could not reach SMSGate at ${base}. Is the phone on, on the same network, and the app's server running?` };
    }
    if (outcome.kind === 'interrupted') {
      input.logger.warn('Registering the SMSGate webhook was interrupted', { event, detail: outcome.detail });
      return { ok: false, message: `SMSGate did not answer in time at ${base}. Try again.` };
    }
    if (!isSuccess(outcome.status)) {
      input.logger.warn('SMSGate refused the webhook registration', { event, status: outcome.status, body: bodySnippet(outcome) });
      return { ok: false, message: refusal(outcome.status, outcome.body, input.url) };
    }
  }
  input.logger.info('Webhooks registered with SMSGate', { url: input.url });
  return { ok: true, message: `SMSGate now sends incoming SMS and delivery reports to ${input.url}.` };
}

function refusal(status: number, body: unknown, url: string): string {
  if (status === 401 || status === 403) return 'SMSGate rejected the login — check the username and password in Settings → Channels.';
  if (status === 404) return 'This SMSGate server has no webhooks API at that address. Check the address in Settings → Channels (and that the app is up to date).';
  const said = typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string' ? `: ${body.message}` : '';
  if (status === 400) {
    // The app's release build takes only https:// addresses (http:// only for 127.0.0.1 or its "insecure" build).
    const hint = url.startsWith('http://') ? ' SMSGate accepts plain http:// addresses only in its insecure build; use an https:// public address otherwise.' : '';
    return `SMSGate refused the address ${url}${said}.${hint}`;
  }
  return `SMSGate could not register the webhook (HTTP ${status}${said}). Try again later.`;
}
