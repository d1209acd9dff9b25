/**
 * Reads a JSON request body with a hard size limit.
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

export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    // Never started reading: Node discards the body itself once the response is finished.
    return Promise.resolve({ kind: 'rejected', response: tooLarge(limitBytes) });
  }

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
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
        settle({ kind: 'rejected', response: tooLarge(limitBytes) });
        req.resume(); // keep draining, keep nothing
        return;
      }
      chunks.push(chunk);
    };

    const onEnd = (): void => {
      settle(parseJson(Buffer.concat(chunks, received)));
    };

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
