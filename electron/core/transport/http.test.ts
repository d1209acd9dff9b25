import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { EventBus } from '../events';
import { createDispatcher } from './dispatch';
import { startHttpServer, type HttpServerHandle } from './http';
import { fakeHandlers, recordingLogger, sampleSequence, sseReader } from './test-support';

const TOKEN = 'test-token-0123456789abcdef';

/** Counts live `onAny` subscriptions so the test can see an SSE stream let go of the bus. */
class WatchedBus extends EventBus {
  private released: (() => void)[] = [];
  live = 0;

  override onAny(listener: Parameters<EventBus['onAny']>[0]): () => void {
    const off = super.onAny(listener);
    this.live += 1;
    return () => {
      off();
      this.live -= 1;
      for (const resolve of this.released.splice(0)) resolve();
    };
  }

  nextRelease(): Promise<void> {
    return new Promise((resolve) => this.released.push(resolve));
  }
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http instead of fetch where the test needs a path fetch would normalise, or a streamed body. */
function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: (req: http.ClientRequest) => void },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    if (options.body) options.body(req);
    else req.end();
  });
}

describe('startHttpServer', () => {
  let tmp: string;
  let staticDir: string;
  let server: HttpServerHandle;
  let bus: WatchedBus;
  const logger = recordingLogger();
  const created: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seqa-'));
    staticDir = path.join(tmp, 'renderer');
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Sequence Automation</title>');
    fs.writeFileSync(path.join(staticDir, 'assets', 'app-1234.js'), 'console.log("app")');
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the root');
    fs.mkdirSync(path.join(tmp, 'renderer-private'));
    fs.writeFileSync(path.join(tmp, 'renderer-private', 'secret.txt'), 'sibling with the same prefix');

    bus = new WatchedBus();
    const dispatch = createDispatcher(
      fakeHandlers({
        'sequences.list': () => [sampleSequence()],
        'sequences.create': (input) => {
          created.push(input.name);
          return sampleSequence({ name: input.name });
        },
        'sequences.get': (input) => {
          throw new AppError('NOT_FOUND', `Sequence ${input.id} does not exist (it may have been deleted).`);
        },
        'media.add': () => {
          throw new Error('must never be reached by an oversize body');
        },
      }),
      logger,
    );
    server = await startHttpServer({
      dispatch,
      events: bus,
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      staticDir,
      logger,
      heartbeatMs: 20,
    });
  });

  afterAll(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const api = (method: string, body: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/api/${method}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers },
      body,
    });

  it('reports its address with the port it actually got', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('answers /healthz without a token', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('calls a method with the right token and answers its envelope', async () => {
    const res = await api('sequences.create', JSON.stringify({ name: 'Welcome' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ ok: true, value: sampleSequence({ name: 'Welcome' }) });
  });

  it('treats an empty body as {}', async () => {
    const res = await fetch(`${server.url}/api/sequences.list`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, value: [sampleSequence()] });
  });

  it('refuses a missing or wrong token with 401 and does not run the method', async () => {
    const before = created.length;
    const missing = await fetch(`${server.url}/api/sequences.create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Sneaky' }),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN]) {
      const wrong = await api('sequences.create', JSON.stringify({ name: 'Sneaky' }), { Authorization: authorization });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(created.length).toBe(before);
  });

  it('answers malformed JSON with 400 VALIDATION', async () => {
    const res = await api('sequences.create', '{"name": "Welcome"');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: 'The request body is not valid JSON.' },
    });
  });

  it('answers wrong types and missing fields with 400 VALIDATION naming the field', async () => {
    const wrongType = await api('sequences.create', JSON.stringify({ name: 12 }));
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'name' } });

    const missing = await api('sequences.create', JSON.stringify({}));
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'name' } });
  });

  it('passes the status of an AppError through', async () => {
    const res = await api('sequences.get', JSON.stringify({ id: 999 }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses a body that is not declared as JSON', async () => {
    const res = await api('sequences.create', 'name=Welcome', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('answers an unknown method with a 404 envelope, and non-POST calls with 405', async () => {
    const unknown = await api('sequences.explode', '{}');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Unknown API method' } });

    const get = await fetch(`${server.url}/api/sequences.list`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(await get.json()).toMatchObject({ ok: false });
  });

  it('refuses a 25 MB body with 413 TOO_LARGE, whether declared up front or streamed, and keeps serving', async () => {
    const declared = await api('media.add', Buffer.alloc(25 * 1024 * 1024, 0x61).toString());
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });

    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const streamed = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/media.add',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: (req) => {
        let sent = 0;
        const writeMore = (): void => {
          while (sent < 25) {
            sent += 1;
            if (!req.write(chunk)) {
              req.once('drain', writeMore);
              return;
            }
          }
          req.end();
        };
        writeMore();
      },
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ ok: false, error: { code: 'TOO_LARGE' } });

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('streams bus events to an SSE client holding the token in the query, with heartbeats, and lets go on disconnect', async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.url}/api/events?token=${TOKEN}`, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = res.body;
    if (!body) throw new Error('no body');
    const readUntil = sseReader(body);

    await readUntil(': connected');
    bus.dataChanged('sequences', 'messages');
    await readUntil('event: data.changed\ndata: {"tables":["sequences","messages"]}\n\n');
    await readUntil(': heartbeat\n\n');

    expect(bus.live).toBe(1);
    const released = bus.nextRelease();
    abort.abort();
    await released;
    expect(bus.live).toBe(0);
  });

  it('accepts the SSE token in the Authorization header and refuses a stream without a token', async () => {
    const refused = await fetch(`${server.url}/api/events`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const wrong = await fetch(`${server.url}/api/events?token=nope`);
    expect(wrong.status).toBe(401);
    await wrong.body?.cancel();

    const abort = new AbortController();
    const accepted = await fetch(`${server.url}/api/events`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
      signal: abort.signal,
    });
    expect(accepted.status).toBe(200);
    const released = bus.nextRelease();
    abort.abort();
    await released;
  });

  it('serves the built UI with its content type and security headers', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toContain('<title>Sequence Automation</title>');
    const csp = index.headers.get('content-security-policy') ?? '';
    for (const directive of [
      "default-src 'self'",
      "img-src 'self' data: blob:",
      "media-src 'self' data: blob:",
      "connect-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');

    const script = await fetch(`${server.url}/assets/app-1234.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log("app")');
  });

  it('never serves a file outside the UI folder', async () => {
    for (const attempt of [
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%2frenderer-private%2fsecret.txt',
      '/..%5csecret.txt',
      `/${encodeURIComponent(path.join(tmp, 'secret.txt'))}`,
      '/%00index.html',
      '/%E0%A4%A',
    ]) {
      const res = await rawRequest(server.url, { path: attempt });
      expect(res.status, attempt).toBe(404);
      expect(res.body, attempt).not.toContain('outside the root');
      expect(res.body, attempt).not.toContain('sibling');
    }
  });

  it('answers unknown paths with 404 and other verbs with 405, as envelopes', async () => {
    const missing = await fetch(`${server.url}/nope.html`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const folder = await fetch(`${server.url}/assets`);
    expect(folder.status).toBe(404);
    await folder.body?.cancel();

    const put = await fetch(`${server.url}/index.html`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(await put.json()).toMatchObject({ ok: false });
  });

  it('survives a malformed request line', async () => {
    const net = await import('node:net');
    const { port } = new URL(server.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GARBAGE \x00 nonsense\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('startHttpServer shutdown and start-up failure', () => {
  it('closes even while an event stream is open', async () => {
    const bus = new EventBus();
    const handle = await startHttpServer({
      dispatch: createDispatcher(fakeHandlers({}), recordingLogger()),
      events: bus,
      token: TOKEN,
      host: '127.0.0.1',
      port: 0,
      staticDir: os.tmpdir(),
      logger: recordingLogger(),
    });
    const res = await fetch(`${handle.url}/api/events?token=${TOKEN}`);
    expect(res.status).toBe(200);
    await handle.close();
    const body = res.body;
    if (!body) throw new Error('no body');
    // The stream ends once the server closes it.
    for (const reader = body.getReader(); !(await reader.read()).done; );
  });

  it('rejects when the port is taken', async () => {
    const options = {
      dispatch: createDispatcher(fakeHandlers({}), recordingLogger()),
      events: new EventBus(),
      token: TOKEN,
      host: '127.0.0.1',
      staticDir: os.tmpdir(),
      logger: recordingLogger(),
    };
    const first = await startHttpServer({ ...options, port: 0 });
    try {
      await expect(startHttpServer({ ...options, port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
