/**
 * Channels the shop owner links and configures (issue 8, DESIGN.md §6): the shop's WhatsApp
 * (whatsapp-web.js), the SMS providers (SMSGate, Twilio, a generic HTTP template), and the
 * receiver for inbound webhooks. Secrets (passwords, tokens, signing keys) are write-only: no
 * answer ever carries one back; `has…` flags say whether one is stored.
 * The method map that uses them is in ../contract.ts.
 */
import { z } from 'zod';
import { EpochMsSchema } from './primitives';

// --- WhatsApp ---------------------------------------------------------------------------------

/**
 * The linked WhatsApp session's state machine:
 * disconnected → starting → qr → authenticating → ready; failed (with a reason) from any of them.
 * `disconnected` is also where an owner's Unlink, or the phone removing this device, ends.
 */
export const whatsAppStates = ['disconnected', 'starting', 'qr', 'authenticating', 'ready', 'failed'] as const;
export const WhatsAppStateSchema = z.enum(whatsAppStates);

export const WhatsAppStatusSchema = z.object({
  state: WhatsAppStateSchema,
  /** The text to render as a QR code while `state` is 'qr' (refreshed as WhatsApp issues new ones). */
  qr: z.string().nullable(),
  /** The linked account once ready (and remembered while reconnecting). */
  account: z.object({ phone: z.string().nullable(), name: z.string().nullable() }).nullable(),
  /** Readable for a shop owner: why it failed / is disconnected, what to do. Null when ready. */
  reason: z.string().nullable(),
  /** The phone removed this linked device (or the session expired): offer to link again. */
  loggedOutByPhone: z.boolean(),
  /** The browser whatsapp-web.js drives; null when none was found (reason says what to install). */
  browser: z.object({ path: z.string(), source: z.enum(['settings', 'found']) }).nullable(),
  /** Whether a saved session exists under the data folder (linking again needs no QR). */
  hasSession: z.boolean(),
  updatedAt: EpochMsSchema,
});

export const WhatsAppSettingsSchema = z.object({
  /** Chrome/Chromium/Edge to use; null: find one in the usual install paths. */
  browserPath: z.string().trim().min(1).max(1000).nullable(),
  /** "WhatsApp, else SMS" sequences send by SMS once WhatsApp has been down this long. */
  smsFallbackAfterMinutes: z.number().int().min(1).max(7 * 24 * 60),
});

// --- SMS providers ----------------------------------------------------------------------------

export const smsProviders = ['smsgate', 'twilio', 'http'] as const;
export const SmsProviderSchema = z.enum(smsProviders);

const HttpUrl = (example: string) =>
  z
    .string()
    .trim()
    .url(`Enter the address, e.g. ${example}`)
    .max(1000)
    .refine((url) => /^https?:\/\//i.test(url), 'The address must start with http:// or https://');

export const SmsGateProviderConfigSchema = z.object({
  provider: z.literal('smsgate'),
  /** Local server `http://<phone-ip>:8080` or the cloud server. */
  baseUrl: HttpUrl('http://192.168.1.20:8080'),
  username: z.string().trim().min(1, 'Username is required').max(200),
  /** Write-only. Omitted on an update: keep the stored one. */
  password: z.string().min(1, 'Password is required').max(500).optional(),
});

export const TwilioProviderConfigSchema = z.object({
  provider: z.literal('twilio'),
  accountSid: z
    .string()
    .trim()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'The Account SID starts with AC followed by 32 letters and digits'),
  /** Write-only. Omitted on an update: keep the stored one. */
  authToken: z.string().trim().min(1, 'Auth token is required').max(200).optional(),
  /** The sender: a Twilio phone number (E.164) or a Messaging Service SID (MG…). */
  from: z
    .string()
    .trim()
    .regex(/^(\+[1-9]\d{3,14}|MG[0-9a-fA-F]{32})$/, 'Use your Twilio number such as +15017122661, or a Messaging Service SID (MG…)'),
  /** Default https://api.twilio.com; tests point it at a loopback fake. */
  baseUrl: HttpUrl('https://api.twilio.com').optional(),
});

export const HttpTemplateProviderConfigSchema = z.object({
  provider: z.literal('http'),
  /** May contain {{to}} and {{text}} (URL-encoded there). */
  url: HttpUrl('http://192.168.1.30/send?to={{to}}&text={{text}}'),
  method: z.enum(['GET', 'POST']),
  /**
   * Header values may contain {{to}}/{{text}}; values are secrets (API keys): write-only. On an
   * update, `headers` left out keeps the stored headers as they are, and a value left out keeps the
   * stored value of the header with that name.
   */
  headers: z
    .array(z.object({ name: z.string().trim().regex(/^[A-Za-z0-9-]{1,100}$/, 'Header names use letters, digits and -'), value: z.string().max(2000).optional() }))
    .max(20)
    .optional(),
  /** POST body with {{to}} and {{text}} (JSON-escaped for application/json, URL-encoded for forms); empty for GET. */
  body: z.string().max(10_000),
  contentType: z.enum(['application/json', 'application/x-www-form-urlencoded', 'text/plain']),
});

export const SmsProviderConfigSchema = z.discriminatedUnion('provider', [
  SmsGateProviderConfigSchema,
  TwilioProviderConfigSchema,
  HttpTemplateProviderConfigSchema,
]);

/** What the app tells about the configured SMS provider: the configuration without its secrets. */
export const SmsProviderStatusSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('smsgate'), baseUrl: z.string(), username: z.string(), hasPassword: z.boolean() }),
  z.object({ provider: z.literal('twilio'), accountSid: z.string(), from: z.string(), baseUrl: z.string(), hasAuthToken: z.boolean() }),
  z.object({
    provider: z.literal('http'),
    url: z.string(),
    method: z.enum(['GET', 'POST']),
    /** Header names only: the values are secrets. */
    headerNames: z.array(z.string()),
    body: z.string(),
    contentType: z.string(),
  }),
]);

// --- Inbound webhook receiver -----------------------------------------------------------------

/**
 * A small HTTP server the SMS gateways call with inbound messages (SMSGate's sms:received,
 * Twilio's incoming-message webhook). Off until the owner turns it on.
 */
export const WebhookReceiverConfigSchema = z.object({
  enabled: z.boolean(),
  /** Address to listen on: 0.0.0.0 so a phone on the shop's Wi-Fi can reach it, 127.0.0.1 for local only. */
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1024).max(65535),
  /** Path prefix, e.g. /webhooks; SMSGate posts to <path>/smsgate, Twilio to <path>/twilio. */
  path: z
    .string()
    .trim()
    .regex(/^\/[A-Za-z0-9/_-]{0,100}$/, 'Use a path such as /webhooks'),
  /** The address the gateway should call (as the gateway sees this computer), e.g. http://192.168.1.10:8787. */
  publicUrl: HttpUrl('http://192.168.1.10:8787').nullable(),
  /** SMSGate's webhook signing key (Settings → Webhooks in the SMSGate app). Write-only. */
  smsGateSigningKey: z.string().min(8, 'The signing key is at least 8 characters').max(200).optional(),
});

export const WebhookReceiverStatusSchema = z.object({
  enabled: z.boolean(),
  host: z.string(),
  port: z.number().int(),
  path: z.string(),
  publicUrl: z.string().nullable(),
  hasSmsGateSigningKey: z.boolean(),
  state: z.enum(['off', 'listening', 'failed']),
  /** e.g. "Port 8787 is already in use". */
  reason: z.string().nullable(),
  /** The full URLs to give each gateway. */
  urls: z.object({ smsgate: z.string().nullable(), twilio: z.string().nullable() }),
  receivedCount: z.number().int().min(0),
  rejectedCount: z.number().int().min(0),
});

export const SendTestMessageInputSchema = z.strictObject({
  channel: z.enum(['whatsapp', 'sms']),
  /** As typed: normalised with the default country. */
  phone: z.string().trim().min(1, 'Enter the phone number to send the test to').max(40),
  text: z.string().trim().min(1, 'Enter a message').max(1000).optional().default('Test message from Sequence Automation'),
});

export const SendTestMessageResultSchema = z.object({
  ok: z.boolean(),
  providerMessageId: z.string().nullable(),
  /** Readable: what happened ("Sent to +49…", or why not). */
  message: z.string(),
});
