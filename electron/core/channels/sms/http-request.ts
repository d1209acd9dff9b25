/**
 * One HTTP request to an SMS provider, with the outcome sorted the way every SMS channel needs it
 * (see channel.ts for what the engine does with each kind of failure):
 * - `response`: the provider answered (any status);
 * - `no-connection`: nothing reached the provider (refused, DNS, unreachable, connect timeout), so
 *   nothing was sent — the channel is down, no attempt is burned;
 * - `interrupted`: the request may have reached it (timeout, abort, reset mid-way) — transient.
 *
 * Redirects are never followed: for a provider a redirect means the address is wrong, and following
 * it would send the login (or a message) somewhere else.
 */
import { validation } from '../../errors';
import type { Logger } from '../../logger';

export type HttpOutcome =
  | { kind: 'response'; status: number; body: unknown; text: string; retryAfterMs: number | undefined }
  | { kind: 'no-connection'; detail: string }
  | { kind: 'interrupted'; detail: string; timedOut: boolean };

export type HttpResponseOutcome = Extract<HttpOutcome, { kind: 'response' }>;

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface HttpRequestOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  logger: Logger;
  /** Names the provider in the log line of a request that failed mid-way. */
  provider: string;
}

/** Never rejects: every failure is an outcome. */
export async function sendHttpRequest(request: HttpRequest, options: HttpRequestOptions): Promise<HttpOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const combined = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  try {
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: combined,
      redirect: 'manual',
    });
    const text = await response.text();
    return { kind: 'response', status: response.status, body: parseJson(text), text, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  } catch (error) {
    if (combined.aborted) {
      const timedOut = timeout.aborted && options.signal?.aborted !== true;
      return { kind: 'interrupted', detail: timedOut ? `no answer within ${options.timeoutMs} ms` : 'aborted', timedOut };
    }
    const code = errorCode(error);
    const detail = code === null ? String(error) : `${String(error)} (${code})`;
    if (code !== null && CONNECT_FAILURES.has(code)) return { kind: 'no-connection', detail };
    // Only the path: a query string may carry the customer's number and text (HTTP templates).
    options.logger.warn(`${options.provider} request failed mid-way`, { method: request.method, path: pathOf(request.url), detail });
    return { kind: 'interrupted', detail, timedOut: false };
  }
}

/** A provider's base address: http(s) only, without trailing slashes. Throws VALIDATION on `field`. */
export function normaliseBaseUrl(text: string, field: string, examples: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw validation(`"${text}" is not a web address. Use something like ${examples}.`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw validation('The address must start with http:// or https://.', field);
  return url.toString().replace(/\/+$/, '');
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** 408, 425, 429 and 5xx: worth trying again later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** `{ retryAfterMs }` when the provider asked for a wait, else `{}` (for spreading into a ChannelError). */
export function retryAfter(response: HttpResponseOutcome): { retryAfterMs?: number } {
  return response.retryAfterMs === undefined ? {} : { retryAfterMs: response.retryAfterMs };
}

/** The start of a non-JSON answer (an HTML error page, say), for the technician's detail. */
export function bodySnippet(response: HttpResponseOutcome): string {
  return response.text.slice(0, 200).trim();
}

/** Failures that happen before any byte of the request reaches the provider. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null; // Not JSON (a proxy's HTML error page, say): the status code still tells what happened.
  }
}

/** Retry-After in seconds, or as an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d{1,6}$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - Date.now());
}

/** Node's fetch wraps socket errors: `TypeError('fetch failed', { cause: { code } })`. */
function errorCode(error: unknown): string | null {
  for (let current: unknown = error, depth = 0; current instanceof Object && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(unparsable address)';
  }
}
