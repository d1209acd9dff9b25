/**
 * Reads a request body with a hard size limit: as JSON (the API), or as raw bytes (webhooks).
 *
 * Past the limit nothing more is kept in memory: the rest of the body is discarded as it arrives
 * (not buffered) so the client, which is usually still writing, can read our 413 answer instead of
 * seeing its connection reset. The server's `requestTimeout` bounds a client that never stops.
 */
import type { IncomingMessage } from 'node:http';
import { failureOf, type DispatchResponse } from './dispatch';

export type BodyResult =
  | { kind: 'ok'; value: unknown }
  | { kind: 'rejected'; response: DispatchResponse }
  /** The client went away before the body was complete: there is nobody to answer. */
  | { kind: 'aborted' };

export function tooLarge(limitBytes: number): DispatchResponse {
  const mb = Math.floor(limitBytes / (1024 * 1024));
  return failureOf('TOO_LARGE', `The request is too large (at most ${mb} MB).`);
}

const notJson = (): DispatchResponse => failureOf('VALIDATION', 'The request body is not valid JSON.');

export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const raw = await readRawBody(req, limitBytes);
  if (raw.kind === 'too-large') return { kind: 'rejected', response: tooLarge(limitBytes) };
  if (raw.kind === 'aborted') return raw;
  return parseJson(raw.body);
}

export type RawBodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * The body as the bytes that were sent (webhook signatures are computed over exactly those), at
 * most `limitBytes` of them. A body declared larger is refused before reading (Node discards it
 * once the answer is sent); one that turns out larger is drained, keeping nothing.
 */
export function readRawBody(req: IncomingMessage, limitBytes: number): Promise<RawBodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) return Promise.resolve({ kind: 'too-large' });

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: RawBodyResult): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      resolve(result);
    };

    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limitBytes) {
        chunks.length = 0;
        settle({ kind: 'too-large' });
        req.resume(); // keep draining, keep nothing
        return;
      }
      chunks.push(chunk);
    };

    const onEnd = (): void => settle({ kind: 'ok', body: Buffer.concat(chunks, received) });

    req.on('data', onData);
    req.on('end', onEnd);
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('close', () => settle({ kind: 'aborted' }));
  });
}

function parseJson(bytes: Buffer): BodyResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not UTF-8 at all: the caller sent something that is not JSON text.
    return { kind: 'rejected', response: notJson() };
  }
  if (text.trim() === '') return { kind: 'ok', value: {} };
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown };
  } catch {
    // JSON.parse's own message quotes the input; the caller only needs to know it is malformed.
    return { kind: 'rejected', response: notJson() };
  }
}
