/**
 * TEST SUPPORT — a fake "generic" HTTP SMS gateway on 127.0.0.1 for the HTTP template channel's
 * tests and the registry's. Never used by the app.
 *
 * It accepts whatever is sent to it and records the request exactly as it arrived (method, the raw
 * URL, headers, the raw body), answering 200 `{ "id": "gw-<n>", "status": "queued" }` (or, with
 * `answer`, a plain-text OK), unless a test makes the next requests fail with a status or hang.
 * Tests assert on what the gateway received — the point of a template is the bytes on the wire.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHttpGatewayRequest {
  method: string;
  /** Path and query exactly as sent (still percent-encoded). */
  rawUrl: string;
  url: URL;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface FakeHttpGateway {
  /** e.g. http://127.0.0.1:43121 (no trailing slash). */
  readonly baseUrl: string;
  readonly requests: FakeHttpGatewayRequest[];
  /** How a success is answered: a JSON id (default) or a plain "OK". */
  answer: 'json-id' | 'plain-ok';
  failNext(status: number, options?: { count?: number; body?: string; headers?: Record<string, string> }): void;
  hangNext(count?: number): void;
  close(): Promise<void>;
}

type Fault = { kind: 'status'; status: number; body: string; headers: Record<string, string> } | { kind: 'hang' };

export async function startFakeHttpGateway(): Promise<FakeHttpGateway> {
  const requests: FakeHttpGatewayRequest[] = [];
  const faults: Fault[] = [];
  let sent = 0;

  const gateway: FakeHttpGateway = {
    baseUrl: '',
    requests,
    answer: 'json-id',
    failNext(status, opts = {}) {
      for (let i = 0; i < (opts.count ?? 1); i++) faults.push({ kind: 'status', status, body: opts.body ?? `fake failure ${status}`, headers: opts.headers ?? {} });
    },
    hangNext(count = 1) {
      for (let i = 0; i < count; i++) faults.push({ kind: 'hang' });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      });
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse, rawBody: string): void => {
    const rawUrl = req.url ?? '/';
    requests.push({ method: req.method ?? '', rawUrl, url: new URL(rawUrl, 'http://fake'), headers: req.headers, rawBody });
    const fault = faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'Content-Type': 'text/plain', ...fault.headers });
      res.end(fault.body);
      return;
    }
    sent += 1;
    if (gateway.answer === 'plain-ok') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('OK');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: `gw-${sent}`, status: 'queued' }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return Object.assign(gateway, { baseUrl: `http://127.0.0.1:${port}` });
}
