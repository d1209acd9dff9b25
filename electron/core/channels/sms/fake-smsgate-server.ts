/**
 * TEST SUPPORT — a fake SMSGate server on 127.0.0.1 speaking the documented 3rd-party API, for
 * the adapter's tests and the engine's integration and crash tests. Never used by the app.
 *
 * Like the real server it checks Basic auth (401), validates the JSON body and E.164 numbers
 * (400), stores each message under its `id` and refuses a second message with the same id (409),
 * answers `GET <prefix>/messages/<id>` (200 or 404). Tests can make the next requests fail with a
 * status, or hang without answering, and can move a stored message to another state.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSmsGateMessage {
  id: string;
  text: string;
  phoneNumbers: string[];
  state: 'Pending' | 'Processed' | 'Sent' | 'Delivered' | 'Failed' | 'Cancelled';
  error: string | null;
  /** Which body shape the client used. */
  shape: 'textMessage' | 'message';
  receivedAt: number;
}

export interface FakeSmsGateRequest {
  method: string;
  path: string;
  authorized: boolean;
  body: unknown;
}

export interface FakeSmsGateOptions {
  username?: string;
  password?: string;
  /** '/3rdparty/v1' to look like the cloud server, '' for the phone's local server. */
  pathPrefix?: string;
}

export interface FakeSmsGate {
  /** Base URL to configure the channel with (includes the prefix). */
  readonly baseUrl: string;
  /** Accepted messages by id, in arrival order. */
  readonly messages: Map<string, FakeSmsGateMessage>;
  /** Every request seen, in order. */
  readonly requests: FakeSmsGateRequest[];
  /** The next `count` requests are answered with this status (and body/headers). */
  failNext(status: number, options?: { count?: number; body?: unknown; headers?: Record<string, string> }): void;
  /** The next `count` requests are never answered (until close). */
  hangNext(count?: number): void;
  setState(id: string, state: FakeSmsGateMessage['state'], error?: string): void;
  close(): Promise<void>;
}

type Fault = { kind: 'status'; status: number; body: unknown; headers: Record<string, string> } | { kind: 'hang' };

export async function startFakeSmsGate(options: FakeSmsGateOptions = {}): Promise<FakeSmsGate> {
  const username = options.username ?? 'shop';
  const password = options.password ?? 'secret';
  const prefix = options.pathPrefix ?? '';
  const messages = new Map<string, FakeSmsGateMessage>();
  const requests: FakeSmsGateRequest[] = [];
  const faults: Fault[] = [];
  const expectedAuth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const stateOf = (m: FakeSmsGateMessage): unknown => ({
    id: m.id,
    deviceId: 'fakeDevice0000000000',
    state: m.state,
    isHashed: false,
    isEncrypted: false,
    recipients: m.phoneNumbers.map((phoneNumber) => ({ phoneNumber, state: m.state, ...(m.error === null ? {} : { error: m.error }) })),
    states: {},
  });

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    let body: unknown;
    try {
      body = raw === '' ? null : (JSON.parse(raw) as unknown);
    } catch {
      body = raw; // Not JSON: kept as text, so the POST handler answers 400 like the real server.
    }
    const authorized = req.headers.authorization === expectedAuth;
    requests.push({ method: req.method ?? '', path, authorized, body });

    const fault = faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') return reply(res, fault.status, fault.body, fault.headers);

    if (!authorized) return reply(res, 401, { message: 'Unauthorized' });

    if (req.method === 'POST' && path === `${prefix}/messages`) {
      if (typeof body !== 'object' || body === null) return reply(res, 400, { message: 'invalid JSON body' });
      const b = body as { id?: unknown; textMessage?: { text?: unknown }; message?: unknown; phoneNumbers?: unknown };
      const text = typeof b.textMessage?.text === 'string' ? b.textMessage.text : typeof b.message === 'string' ? b.message : null;
      if (text === null || text === '') return reply(res, 400, { message: 'No message content provided' });
      if (!Array.isArray(b.phoneNumbers) || b.phoneNumbers.length === 0 || !b.phoneNumbers.every((p) => typeof p === 'string')) {
        return reply(res, 400, { message: 'phoneNumbers is required' });
      }
      const phoneNumbers = b.phoneNumbers as string[];
      const bad = phoneNumbers.find((p) => !/^\+[1-9]\d{6,14}$/.test(p));
      if (bad !== undefined) return reply(res, 400, { message: `failed to enqueue message: invalid phone number "${bad}"` });
      if (b.id !== undefined && (typeof b.id !== 'string' || b.id.length > 36)) return reply(res, 400, { message: 'id must be at most 36 characters' });
      const id = typeof b.id === 'string' && b.id !== '' ? b.id : randomUUID().slice(0, 21);
      if (messages.has(id)) return reply(res, 409, { message: 'message with the same ID already exists' });
      const message: FakeSmsGateMessage = {
        id,
        text,
        phoneNumbers,
        state: 'Pending',
        error: null,
        shape: b.textMessage === undefined ? 'message' : 'textMessage',
        receivedAt: Date.now(),
      };
      messages.set(id, message);
      return reply(res, 202, stateOf(message), { Location: `${prefix}/messages/${id}` });
    }

    const match = /^(.*)\/messages\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && match !== null && match[1] === prefix) {
      const message = messages.get(decodeURIComponent(match[2] ?? ''));
      return message === undefined ? reply(res, 404, { message: 'message not found' }) : reply(res, 200, stateOf(message));
    }
    return reply(res, 404, { message: `Cannot ${req.method ?? ''} ${path}` });
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

  return {
    baseUrl: `http://127.0.0.1:${port}${prefix}`,
    messages,
    requests,
    failNext(status, opts = {}) {
      for (let i = 0; i < (opts.count ?? 1); i++) faults.push({ kind: 'status', status, body: opts.body ?? { message: `fake failure ${status}` }, headers: opts.headers ?? {} });
    },
    hangNext(count = 1) {
      for (let i = 0; i < count; i++) faults.push({ kind: 'hang' });
    },
    setState(id, state, error) {
      const message = messages.get(id);
      if (message === undefined) throw new Error(`fake SMSGate has no message ${id}`);
      message.state = state;
      message.error = error ?? null;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      });
    },
  };
}
