/**
 * The headless transport: the contract over plain node:http, plus the built UI.
 *
 *   POST /api/<method>   JSON body = input → `{ ok, value | error }` with the dispatcher's status
 *   GET  /api/events     Server-Sent Events (token in the header, or `?token=` for EventSource)
 *   GET  /healthz        `{ ok: true }`, no auth (for scripts waiting for start-up)
 *   GET  /…              the built renderer
 *
 * Every /api/* request needs `Authorization: Bearer <token>`. Whatever a client sends, it gets an
 * envelope back and the process keeps running: handler failures are values (see dispatch.ts), and
 * anything that still escapes a request is logged and answered 500.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ApiResult } from '../../../shared/contract';
import { isMethodName } from '../../../shared/contract';
import { errorStack } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { bearerToken, createTokenCheck } from './bearer-token';
import { failureOf, INTERNAL_MESSAGE, type Dispatch, type DispatchResponse } from './dispatch';
import { createEventStreams, HEARTBEAT_MS } from './event-stream';
import { readJsonBody } from './http-body';
import { BASE_SECURITY_HEADERS } from './security-headers';
import { serveStatic } from './static-files';

/** A 16 MB media file travels as ~21.4 MB of base64 inside the JSON body. */
export const BODY_LIMIT_BYTES = 24 * 1024 * 1024;

export interface HttpServerOptions {
  dispatch: Dispatch;
  events: EventBus;
  token: string;
  host: string;
  /** 0 picks any free port; the answer says which. */
  port: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  logger: Logger;
  /** Tests shorten these; production uses the defaults. */
  bodyLimitBytes?: number;
  heartbeatMs?: number;
}

export interface HttpServerHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** How long shutdown waits for in-flight requests before cutting their connections. */
const SHUTDOWN_GRACE_MS = 2_000;

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function sendResponse(res: ServerResponse, response: DispatchResponse, headers?: Record<string, string>): void {
  sendJson(res, response.status, response.result, headers);
}

const unauthorized = (): DispatchResponse =>
  failureOf('UNAUTHORIZED', 'Missing or wrong access token. Open the address the server printed.');
const notFound = (): DispatchResponse => failureOf('NOT_FOUND', 'Not found');

function methodNotAllowed(res: ServerResponse, allow: string): void {
  const result: ApiResult<never> = { ok: false, error: { code: 'VALIDATION', message: 'Method not allowed' } };
  sendJson(res, 405, result, { Allow: allow });
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const mediaType = header.split(';', 1)[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function formatUrl(host: string, port: number): string {
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { dispatch, events, host, staticDir, logger } = options;
  const bodyLimit = options.bodyLimitBytes ?? BODY_LIMIT_BYTES;
  const isToken = createTokenCheck(options.token);
  const streams = createEventStreams(events, options.heartbeatMs ?? HEARTBEAT_MS);

  async function handleApiCall(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    if (!isToken(bearerToken(req.headers.authorization))) {
      return sendResponse(res, unauthorized(), { 'WWW-Authenticate': 'Bearer' });
    }
    if (!isMethodName(method)) return sendResponse(res, failureOf('NOT_FOUND', 'Unknown API method'));
    const contentType = req.headers['content-type'];
    // An empty body may come without a type (it means `{}`); a body must say it is JSON.
    if ((contentType !== undefined || hasBody(req)) && !isJsonContentType(contentType)) {
      return sendJson(res, 415, {
        ok: false,
        error: { code: 'VALIDATION', message: 'Send the request body as JSON (Content-Type: application/json).' },
      } satisfies ApiResult<never>);
    }

    const body = await readJsonBody(req, bodyLimit);
    if (body.kind === 'aborted') return;
    if (body.kind === 'rejected') return sendResponse(res, body.response);
    sendResponse(res, await dispatch(method, body.value));
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
    const presented = bearerToken(req.headers.authorization) ?? url.searchParams.get('token') ?? undefined;
    if (!isToken(presented)) return sendResponse(res, unauthorized(), { 'WWW-Authenticate': 'Bearer' });
    streams.open(res);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendResponse(res, failureOf('VALIDATION', 'Malformed request address'));
    }
    const pathname = url.pathname;

    if (pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
      return sendJson(res, 200, { ok: true });
    }
    if (pathname === '/api/events') return handleEvents(req, res, url);
    if (pathname.startsWith('/api/')) return handleApiCall(req, res, pathname.slice('/api/'.length));

    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD');
    const outcome = await serveStatic(staticDir, pathname, req.method === 'HEAD', res, logger);
    if (outcome === 'not-found') sendResponse(res, notFound());
  }

  const server = http.createServer({ requestTimeout: 120_000, headersTimeout: 30_000 }, (req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error('HTTP request failed', {
        method: req.method,
        path: req.url?.split('?', 1)[0],
        error: errorStack(error),
      });
      if (!res.headersSent) sendResponse(res, failureOf('INTERNAL', INTERNAL_MESSAGE));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port: options.port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('HTTP server error', { error: error.message }));

  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The HTTP server is not listening on a TCP port');
  const port = address.port;
  let closing: Promise<void> | undefined;

  return {
    url: formatUrl(host, port),
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // A slow upload must not hold shutdown hostage.
        const cutOff = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        cutOff.unref();
        server.close((error) => {
          clearTimeout(cutOff);
          if (error) reject(error);
          else resolve();
        });
        streams.closeAll();
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
