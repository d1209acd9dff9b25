/**
 * Twilio's webhook signature (`X-Twilio-Signature`, twilio.com/docs/usage/webhooks/webhooks-security):
 * base64 HMAC-SHA1, keyed with the account's auth token, over the full URL Twilio called (scheme,
 * host, path and query exactly as configured) followed by every POST parameter, sorted by name,
 * each written as name + value with no separators. A parameter sent several times contributes each
 * distinct value, sorted, under its name (as the official helper does).
 *
 * Twilio is known to sign some requests with the default port written out (`https://host:443/…`)
 * and others without it, so — like the official `validateRequest` — both spellings are accepted.
 *
 * Hand-written rather than imported from the `twilio` package (6.x): its `validateRequest` is this
 * one HMAC, but the package is Twilio's whole REST client with axios, jsonwebtoken, xmlbuilder,
 * dayjs, qs and https-proxy-agent as dependencies, and electron-builder ships every production
 * dependency inside the app whatever esbuild bundles — all that for twenty lines of `node:crypto`.
 * Tested against the worked example in Twilio's documentation.
 *
 * Only form-encoded webhooks (what Twilio sends for incoming SMS) are covered; JSON webhooks signed
 * through a `bodySHA256` query parameter are not used by this app.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export interface TwilioSignatureInput {
  /** The account's auth token (the HMAC key). */
  authToken: string;
  /** The full webhook URL as Twilio called it, query string included. */
  url: string;
  /** The form-encoded POST parameters, decoded. */
  params: Readonly<Record<string, string | readonly string[]>>;
  /** The `X-Twilio-Signature` header; missing, empty or sent twice (array) → not valid. */
  signature: string | readonly string[] | undefined;
}

/** The signature Twilio would send for this URL and these parameters. */
export function twilioSignature(authToken: string, url: string, params: TwilioSignatureInput['params']): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      data += name + value;
    } else {
      for (const each of [...new Set(value)].sort()) data += name + each;
    }
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether the request was signed by Twilio with this auth token. Compares in constant time. */
export function verifyTwilioSignature({ authToken, url, params, signature }: TwilioSignatureInput): boolean {
  if (typeof signature !== 'string' || signature === '' || authToken === '') return false;
  const received = Buffer.from(signature, 'utf8');
  let matched = false;
  // Every spelling is computed and compared, so the time taken does not tell which one matched.
  for (const candidate of urlSpellings(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    if (expected.length === received.length && timingSafeEqual(expected, received)) matched = true;
  }
  return matched;
}

/** The URL as given, without its port, and with the scheme's default port written out. */
function urlSpellings(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const spellings = new Set<string>([url]);
  const userInfo = parsed.username === '' ? '' : `${parsed.username}${parsed.password === '' ? '' : `:${parsed.password}`}@`;
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : null;
  // `URL` drops a default port, so the spelling with it is assembled by hand.
  if (defaultPort !== null && parsed.port === '') spellings.add(`${parsed.protocol}//${userInfo}${parsed.hostname}:${defaultPort}${rest}`);
  spellings.add(`${parsed.protocol}//${userInfo}${parsed.hostname}${rest}`);
  spellings.add(parsed.toString());
  return [...spellings];
}
