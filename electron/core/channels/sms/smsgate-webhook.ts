/**
 * Inbound webhooks from SMSGate (docs.sms-gate.app → Webhooks): the phone POSTs a JSON event to
 * our URL, signed with the signing key from the app's Settings → Webhooks.
 *
 * Verification (before trusting a single byte of the body):
 * - `X-Timestamp` is Unix seconds; more than 5 minutes away from our clock → rejected (replay).
 * - `X-Signature` is hex HMAC-SHA256(key, rawBody + X-Timestamp), computed over the body bytes
 *   exactly as received (not re-serialised JSON), compared in constant time.
 * Then the envelope `{ id, event, deviceId, payload, webhookId }` is parsed with zod. `sms:received`
 * becomes an inbound message (sender: `payload.sender`, falling back to the deprecated
 * `phoneNumber`); the outbound status events carry our message id (= the delivery key's gateway
 * id); anything else is reported as `ignored` so the receiver can still answer 2xx.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const WEBHOOK_MAX_SKEW_MS = 5 * 60_000;

export interface SmsGateWebhookRequest {
  /** The body exactly as received. */
  rawBody: Buffer | string;
  /** Header values; a header sent twice (array) is rejected. */
  signature: string | string[] | undefined;
  timestamp: string | string[] | undefined;
}

export type SmsGateWebhookEvent =
  | {
      type: 'sms:received';
      /** The webhook event id (stable across the gateway's retries: use it to ignore repeats). */
      eventId: string;
      deviceId: string | null;
      from: string;
      text: string;
      receivedAt: number;
    }
  | { type: 'sms:sent' | 'sms:delivered'; eventId: string; messageId: string; at: number }
  | { type: 'sms:failed'; eventId: string; messageId: string; at: number; reason: string }
  | { type: 'ignored'; eventId: string; event: string };

export type WebhookResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const isoInstant = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a date-time');

const EnvelopeSchema = z.object({
  id: z.string().min(1),
  event: z.string().min(1),
  deviceId: z.string().nullish(),
  payload: z.unknown(),
});

const ReceivedSchema = z
  .object({
    message: z.string(),
    sender: z.string().min(1).nullish(),
    phoneNumber: z.string().min(1).nullish(),
    receivedAt: isoInstant,
  })
  .refine((p) => typeof (p.sender ?? p.phoneNumber) === 'string', 'no sender');

const StatusSchema = z.object({
  messageId: z.string().min(1),
  sentAt: isoInstant.optional(),
  deliveredAt: isoInstant.optional(),
  failedAt: isoInstant.optional(),
  reason: z.string().optional(),
  error: z.string().optional(),
});

/** Checks the signature and timestamp of a webhook request. */
export function verifySmsGateSignature(request: SmsGateWebhookRequest, signingKey: string, nowMs: number): WebhookResult<null> {
  if (signingKey === '') return { ok: false, reason: 'No webhook signing key is configured.' };
  const { signature, timestamp } = request;
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'Missing or malformed X-Timestamp.' };
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, reason: 'Missing or malformed X-Signature.' };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > WEBHOOK_MAX_SKEW_MS) {
    return { ok: false, reason: 'X-Timestamp is more than 5 minutes away from this computer’s clock.' };
  }
  const expected = createHmac('sha256', signingKey).update(toBuffer(request.rawBody)).update(timestamp, 'utf8').digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'Signature does not match.' };
  return { ok: true, value: null };
}

/** Parses a (verified) webhook body. */
export function parseSmsGateWebhook(rawBody: Buffer | string): WebhookResult<SmsGateWebhookEvent> {
  let json: unknown;
  try {
    json = JSON.parse(toBuffer(rawBody).toString('utf8')) as unknown;
  } catch {
    return { ok: false, reason: 'The body is not JSON.' };
  }
  const envelope = EnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, reason: `Not an SMSGate webhook: ${z.prettifyError(envelope.error)}` };
  const { id: eventId, event, payload } = envelope.data;

  if (event === 'sms:received') {
    const received = ReceivedSchema.safeParse(payload);
    if (!received.success) return { ok: false, reason: `Malformed sms:received payload: ${z.prettifyError(received.error)}` };
    const p = received.data;
    return {
      ok: true,
      value: {
        type: 'sms:received',
        eventId,
        deviceId: envelope.data.deviceId ?? null,
        from: p.sender ?? p.phoneNumber ?? '',
        text: p.message,
        receivedAt: Date.parse(p.receivedAt),
      },
    };
  }

  if (event === 'sms:sent' || event === 'sms:delivered' || event === 'sms:failed') {
    const status = StatusSchema.safeParse(payload);
    if (!status.success) return { ok: false, reason: `Malformed ${event} payload: ${z.prettifyError(status.error)}` };
    const p = status.data;
    const when = p.sentAt ?? p.deliveredAt ?? p.failedAt;
    if (when === undefined) return { ok: false, reason: `Malformed ${event} payload: no time given.` };
    const at = Date.parse(when);
    if (event === 'sms:failed') {
      return { ok: true, value: { type: 'sms:failed', eventId, messageId: p.messageId, at, reason: p.reason ?? p.error ?? 'unknown reason' } };
    }
    return { ok: true, value: { type: event, eventId, messageId: p.messageId, at } };
  }

  return { ok: true, value: { type: 'ignored', eventId, event } };
}

/** Verification, then parsing: what a webhook receiver calls. */
export function readSmsGateWebhook(request: SmsGateWebhookRequest, signingKey: string, nowMs: number): WebhookResult<SmsGateWebhookEvent> {
  const verified = verifySmsGateSignature(request, signingKey, nowMs);
  if (!verified.ok) return verified;
  return parseSmsGateWebhook(request.rawBody);
}

function toBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
