/**
 * Reads a request body as raw bytes with a hard size limit: webhook signatures are computed over
 * the bytes exactly as sent, so nothing may be decoded or re-serialised before they are checked.
 * Past the limit nothing more is kept; the rest is drained so the sender can read our 413.
 */
import type { IncomingMessage } from 'node:http';

export type RawBodyResult = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

export function readRawBody(req: IncomingMessage, limitBytes: number): Promise<RawBodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.resolve({ kind: 'too-large' });
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
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => settle({ kind: 'ok', body: Buffer.concat(chunks, received) });
    req.on('data', onData);
    req.on('end', onEnd);
    req.once('error', () => settle({ kind: 'aborted' }));
    req.once('aborted', () => settle({ kind: 'aborted' }));
  });
}
