/**
 * What the webhook receiver does with one request from each gateway, apart from HTTP itself:
 * verify, parse, hand the message to the inbound handling, answer.
 *
 * Nothing is written on any rejection: the signature (and, for SMSGate, the timestamp and that
 * the request is not a replay) is checked before the body is read as anything, and only a
 * verified, well-formed message reaches the inbound handling, which stores it in one
 * transaction. 2xx is answered only once that transaction has committed: a gateway that gets
 * anything else tries again later, and the inbound log drops the repeat.
 *
 * - SMSGate (`sms:received`, and the delivery reports `sms:sent`/`sms:delivered`/`sms:failed`):
 *   smsgate-webhook.ts verifies and parses. Bad or missing signature, stale timestamp → 401;
 *   a byte-for-byte replay of an accepted request → 409; malformed body → 400.
 * - Twilio (incoming SMS): form-encoded, `X-Twilio-Signature` over the public URL Twilio called
 *   plus the sorted parameters (twilio-signature.ts), keyed with the account's auth token. Bad
 *   signature → 401; no MessageSid/From → 400. Answered with empty TwiML (`<Response/>`): the
 *   app replies on its own schedule, not through TwiML. Twilio's WhatsApp senders
 *   (`whatsapp:+…`) are not a channel of this app: answered, not stored.
 */
import { z } from 'zod';
import type { ReceiptLevel } from '../channels/channel';
import { parseSmsGateWebhook, verifySmsGateSignature, type SmsGateWebhookEvent } from '../channels/sms/smsgate-webhook';
import { verifyTwilioSignature } from '../channels/sms/twilio-signature';
import type { IncomingMessageSink } from './incoming-message';
import type { ReplayGuard } from './replay-guard';

/** A delivery report from SMSGate: how far a message we sent got ('failed': it did not). */
export type SmsGateReceiptLevel = Extract<ReceiptLevel, 'server' | 'delivered'> | 'failed';

export type SmsGateReceiptListener = (messageId: string, level: SmsGateReceiptLevel, at: number) => void;

export interface WebhookResponse {
  status: number;
  contentType: string;
  body: string;
  /** What kind of request it was, for the receiver's counts and log. */
  outcome: 'received' | 'receipt' | 'ignored' | 'rejected';
  /** Why it was rejected (for the log; never the message's content). */
  reason?: string;
}

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const json = (status: number, value: unknown, outcome: WebhookResponse['outcome'], reason?: string): WebhookResponse => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
  outcome,
  ...(reason === undefined ? {} : { reason }),
});

const rejected = (status: number, reason: string): WebhookResponse => json(status, { error: reason }, 'rejected', reason);

export interface SmsGateContext {
  /** The signing key from the SecretStore; undefined when none is set. */
  signingKey: string | undefined;
  now: number;
  sink: IncomingMessageSink;
  replays: ReplayGuard;
  onReceipt: SmsGateReceiptListener | undefined;
}

export async function handleSmsGate(request: WebhookRequest, ctx: SmsGateContext): Promise<WebhookResponse> {
  if (ctx.signingKey === undefined) return rejected(401, 'No SMSGate signing key is set in Settings → Channels → Webhook receiver.');
  const signature = request.headers['x-signature'];
  const timestamp = request.headers['x-timestamp'];
  const verified = verifySmsGateSignature({ rawBody: request.rawBody, signature, timestamp }, ctx.signingKey, ctx.now);
  if (!verified.ok) return rejected(401, verified.reason);
  // Verified, so both are single well-formed strings.
  const replayKey = typeof signature === 'string' ? signature.toLowerCase() : '';
  if (ctx.replays.has(replayKey, ctx.now)) return rejected(409, 'This exact request was received before (a replay).');
  const read = parseSmsGateWebhook(request.rawBody);
  if (!read.ok) return rejected(400, read.reason);
  const event = read.value;
  // Held while it is handled, so a copy arriving meanwhile is refused too; forgotten if handling
  // fails, so the gateway's retry of the same request is taken.
  ctx.replays.remember(replayKey, Number(timestamp) * 1000, ctx.now);
  try {
    return await actOn(event, ctx);
  } catch (error) {
    ctx.replays.forget(replayKey);
    throw error;
  }
}

async function actOn(event: SmsGateWebhookEvent, ctx: SmsGateContext): Promise<WebhookResponse> {
  switch (event.type) {
    case 'sms:received':
      await ctx.sink.receive({
        channel: 'sms',
        provider: 'smsgate',
        providerMessageId: event.eventId,
        fromPhone: event.from,
        fromWhatsappId: null,
        fromWhatsappLid: null,
        profileName: null,
        text: event.text,
        receivedAt: event.receivedAt,
      });
      return json(200, { ok: true }, 'received');
    case 'sms:sent':
    case 'sms:delivered':
    case 'sms:failed':
      ctx.onReceipt?.(event.messageId, event.type === 'sms:sent' ? 'server' : event.type === 'sms:delivered' ? 'delivered' : 'failed', event.at);
      return json(200, { ok: true }, 'receipt');
    case 'ignored':
      return json(200, { ok: true, ignored: event.event }, 'ignored');
  }
}

export interface TwilioContext {
  authToken: string | null;
  /** The full URL Twilio called, as it signed it. */
  url: string;
  now: number;
  sink: IncomingMessageSink;
}

const TwilioMessageSchema = z.object({
  MessageSid: z.string().min(1).max(200),
  From: z.string().min(1).max(100),
  Body: z.string().max(20_000).optional().default(''),
});

export async function handleTwilio(request: WebhookRequest, ctx: TwilioContext): Promise<WebhookResponse> {
  if (ctx.authToken === null) return plainRejected(401, 'Twilio is not the SMS provider set up in Settings → Channels.');
  const contentType = request.headers['content-type'];
  if (typeof contentType !== 'string' || !contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return plainRejected(400, 'Expected a form-encoded body.');
  }
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(request.rawBody.toString('utf8'))) {
    const before = params[name];
    params[name] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  if (!verifyTwilioSignature({ authToken: ctx.authToken, url: ctx.url, params, signature: request.headers['x-twilio-signature'] })) {
    return plainRejected(401, 'X-Twilio-Signature does not match (check the public address and the auth token).');
  }
  const parsed = TwilioMessageSchema.safeParse(params);
  if (!parsed.success) return plainRejected(400, `Not a Twilio incoming message: ${z.prettifyError(parsed.error)}`);
  const message = parsed.data;
  if (message.From.startsWith('whatsapp:')) return { status: 200, contentType: 'text/xml; charset=utf-8', body: TWIML_EMPTY, outcome: 'ignored' };
  await ctx.sink.receive({
    channel: 'sms',
    provider: 'twilio',
    providerMessageId: message.MessageSid,
    fromPhone: message.From,
    fromWhatsappId: null,
    fromWhatsappLid: null,
    profileName: null,
    text: message.Body,
    // Twilio's webhook carries no time: it calls as the message arrives.
    receivedAt: ctx.now,
  });
  return { status: 200, contentType: 'text/xml; charset=utf-8', body: TWIML_EMPTY, outcome: 'received' };
}

function plainRejected(status: number, reason: string): WebhookResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: reason, outcome: 'rejected', reason };
}
