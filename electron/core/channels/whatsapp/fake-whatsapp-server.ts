/**
 * TEST SUPPORT — a simulated "WhatsApp Web" as a real HTTP server on 127.0.0.1, so that the
 * WhatsApp side (the linked phone, the customers, every chat's history) lives OUTSIDE the app
 * process: a headless app started with `--fake-whatsapp <url>` (http-fake-whatsapp-client.ts)
 * connects to it, can be SIGKILLed and restarted, and finds the chats as it left them. The
 * crash test and the Playwright e2e tests drive it; unit tests may too. Never used by the app.
 *
 * The simulation is a ScriptedWhatsApp (scripted-whatsapp-client.ts): `server.sim` gives the
 * test in this process direct access; other processes use the control endpoints below.
 *
 * Client endpoints (what the app's fake client speaks):
 *   GET  /client/events?session=0|1     Server-Sent Events, one stream per client (= one
 *                                       "browser"). First `{type:'hello', clientId}`; then
 *                                       `{type:'event', event, args}` for qr, authenticated,
 *                                       auth_failure, ready, disconnected, change_state, message,
 *                                       message_ack; `{type:'account', account}` before ready;
 *                                       `{type:'session', saved}` when the session is saved or
 *                                       cleared (the client keeps it in its session folder).
 *                                       Closing the stream destroys that client.
 *   POST /client/<clientId>/<command>   JSON body → 200 `{ok:true, value}` | 500 `{ok:false, error}`.
 *                                       Commands: initialize, destroy, logout,
 *                                       getNumberId {digits}, sendMessage {chatId, text, media},
 *                                       latestMessages {chatId, limit}, getContactLidAndPhone {ids}.
 *
 * Control endpoints (for tests in other processes; JSON in, JSON out):
 *   GET  /control/state                 {linked, offline, alive, maxAlive, clients, phase, qr, account}
 *   GET  /control/sent                  {messages: ShopMessage[]} — everything the shop sent, in order
 *   GET  /control/history?chatId=…      {messages: WhatsAppMessage[]} — one chat, oldest first
 *   POST /control/wait {for, timeoutMs?}  resolves once the current client is in phase `for`
 *                                       ('qr' | 'ready' | 'starting', or 'none': no client
 *                                       running) → {ok:true}; 408 on timeout
 *   POST /control/qr                    show a new QR → {qr}
 *   POST /control/scan                  the phone scans the QR: authenticated → ready
 *   POST /control/register {phone, lid?, lidResolvable?}   this number has WhatsApp → {chatId}
 *   POST /control/unregister {phone}
 *   POST /control/inbound {from: {phone} | {lid, phone?, resolvable?}, text, name?, group?, id?} → {id}
 *   POST /control/inbound-raw {message}  any message as given (status updates, newsletters, …) → {id}
 *   POST /control/drop {reason?}        the connection is lost (new clients hang until restore)
 *   POST /control/restore
 *   POST /control/break-session {message?}  the current client's calls fail ("Session closed")
 *   POST /control/logout-from-phone     the phone removes this device
 *   POST /control/socket-state {state}  WhatsApp Web reports OPENING / TIMEOUT / CONNECTED …
 *   POST /control/ack {messageId, ack}  message_ack (-1 error … 4 played)
 *   POST /control/fail-sends {error, count?}
 *   POST /control/send-delay {minMs, maxMs}  answer each send this long AFTER WhatsApp has it
 *                                       (so a kill can land between "sent" and "recorded")
 * Errors: 400 `{error}` for a malformed body, 404 for an unknown path or client, 409 `{error}`
 * when the simulation refuses (e.g. scan without a QR showing).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage as HttpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { errorMessage } from '../../errors';
import { ScriptedWhatsApp, type ScriptedWhatsAppClient, type ScriptedWhatsAppOptions } from './scripted-whatsapp-client';
import type { WhatsAppClientEvent } from './whatsapp-client';

export interface FakeWhatsAppServer {
  /** e.g. http://127.0.0.1:40123 — what `--fake-whatsapp` takes. */
  readonly url: string;
  /** The simulation itself, for a test in this process. */
  readonly sim: ScriptedWhatsApp;
  /** Resolves once the current client is in `phase` (e.g. after the app was told to link); 'none': no client is running. */
  waitFor(phase: WaitPhase, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type WaitPhase = 'qr' | 'ready' | 'starting' | 'none';

const EVENTS: WhatsAppClientEvent[] = ['qr', 'authenticated', 'auth_failure', 'ready', 'disconnected', 'change_state', 'message', 'message_ack'];

const Phone = z.string().regex(/^\+[1-9]\d{3,14}$/);
const Schemas = {
  initialize: z.object({}).loose(),
  getNumberId: z.object({ digits: z.string().regex(/^\d{4,15}$/) }),
  sendMessage: z.object({
    chatId: z.string().min(3),
    text: z.string(),
    media: z.object({ filePath: z.string().min(1), mimeType: z.string().min(1), fileName: z.string().min(1) }).nullable(),
  }),
  latestMessages: z.object({ chatId: z.string().min(3), limit: z.number().int().min(1).max(1000) }),
  getContactLidAndPhone: z.object({ ids: z.array(z.string()).max(100) }),
  register: z.object({ phone: Phone, lid: z.string().optional(), lidResolvable: z.boolean().optional() }),
  unregister: z.object({ phone: Phone }),
  inbound: z.object({
    from: z.union([z.object({ lid: z.string(), phone: Phone.optional(), resolvable: z.boolean().optional() }), z.object({ phone: Phone })]),
    text: z.string(),
    name: z.string().nullable().optional(),
    group: z.string().optional(),
    id: z.string().optional(),
  }),
  inboundRaw: z.object({ message: z.object({ from: z.string() }).loose() }),
  drop: z.object({ reason: z.string().optional() }),
  breakSession: z.object({ message: z.string().optional() }),
  socketState: z.object({ state: z.string() }),
  ack: z.object({ messageId: z.string(), ack: z.number().int().min(-1).max(4) }),
  failSends: z.object({ error: z.string(), count: z.number().int().min(1).optional() }),
  sendDelay: z.object({ minMs: z.number().int().min(0), maxMs: z.number().int().min(0) }),
  wait: z.object({ for: z.enum(['qr', 'ready', 'starting', 'none']), timeoutMs: z.number().int().min(1).max(120_000).optional() }),
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Attached {
  client: ScriptedWhatsAppClient;
  push(payload: unknown): void;
}

export async function startFakeWhatsAppServer(options: ScriptedWhatsAppOptions = {}): Promise<FakeWhatsAppServer> {
  const sim = new ScriptedWhatsApp(options);
  const attached = new Map<string, Attached>();
  const streams = new Set<ServerResponse>();
  let lastQr: string | null = null;
  let sendDelay: { minMs: number; maxMs: number } | null = null;
  const changeWaiters = new Set<() => void>();
  const changed = (): void => {
    for (const wake of [...changeWaiters]) wake();
  };

  sim.onSend = async () => {
    if (sendDelay === null) return;
    const { minMs, maxMs } = sendDelay;
    const ms = minMs + Math.floor(Math.random() * (Math.max(maxMs, minMs) - minMs + 1));
    // The simulated network's latency, not a test waiting: WhatsApp already has the message.
    await new Promise((resolve) => setTimeout(resolve, ms));
  };

  const waitFor = (phase: WaitPhase, timeoutMs = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        if ((sim.current?.phase ?? 'none') !== phase) return false;
        finish();
        resolve();
        return true;
      };
      const finish = (): void => {
        changeWaiters.delete(onChange);
        clearTimeout(timer);
      };
      const onChange = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        finish();
        reject(new HttpError(408, `The fake WhatsApp client did not reach "${phase}" within ${timeoutMs} ms (it is ${sim.current?.phase ?? 'not running'}).`));
      }, timeoutMs);
      changeWaiters.add(onChange);
      check();
    });

  const openStream = (req: HttpRequest, res: ServerResponse, url: URL): void => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    streams.add(res);
    const clientId = randomUUID();
    const push = (payload: unknown): void => {
      if (!res.writableEnded) res.write(`data: ${JSON.stringify(payload)}\n\n`);
    };
    let hasSession = url.searchParams.get('session') === '1';
    const client = sim.createClient({
      exists: () => hasSession,
      save: () => {
        hasSession = true;
        push({ type: 'session', saved: true });
      },
      clear: () => {
        hasSession = false;
        push({ type: 'session', saved: false });
      },
    });
    for (const event of EVENTS) {
      client.on(event, (...args: unknown[]) => {
        if (event === 'qr' && typeof args[0] === 'string') lastQr = args[0];
        if (event === 'ready') push({ type: 'account', account: client.account() });
        push({ type: 'event', event, args });
        // Listeners of `changed` check the phase, which the client sets after emitting.
        queueMicrotask(changed);
      });
    }
    attached.set(clientId, { client, push });
    push({ type: 'hello', clientId });
    req.on('close', () => {
      streams.delete(res);
      attached.delete(clientId);
      // The app (its "browser") went away, killed or not: that client is gone.
      void client.destroy().then(changed);
    });
  };

  const command = async (clientId: string, name: string, body: unknown): Promise<unknown> => {
    const entry = attached.get(clientId);
    if (entry === undefined) throw new HttpError(404, `No fake WhatsApp client ${clientId}.`);
    const { client } = entry;
    try {
      switch (name) {
        case 'initialize':
          Schemas.initialize.parse(body);
          await client.initialize();
          return null;
        case 'destroy':
          await client.destroy();
          return null;
        case 'logout':
          await client.logout();
          return null;
        case 'getNumberId':
          return await client.getNumberId(Schemas.getNumberId.parse(body).digits);
        case 'sendMessage': {
          const { chatId, text, media } = Schemas.sendMessage.parse(body);
          return await client.sendMessage(chatId, text, media);
        }
        case 'latestMessages': {
          const { chatId, limit } = Schemas.latestMessages.parse(body);
          return await client.latestMessages(chatId, limit);
        }
        case 'getContactLidAndPhone':
          return await client.getContactLidAndPhone(Schemas.getContactLidAndPhone.parse(body).ids);
        default:
          throw new HttpError(404, `Unknown command ${name}.`);
      }
    } finally {
      queueMicrotask(changed);
    }
  };

  const control = async (method: string, name: string, body: unknown, url: URL): Promise<unknown> => {
    const refuse = (work: () => unknown): unknown => {
      try {
        return work();
      } catch (error) {
        throw error instanceof z.ZodError || error instanceof HttpError ? error : new HttpError(409, errorMessage(error));
      }
    };
    if (method === 'GET') {
      switch (name) {
        case 'state':
          return {
            linked: sim.linked,
            offline: sim.offline,
            alive: sim.alive,
            maxAlive: sim.maxAlive,
            clients: sim.clients.length,
            phase: sim.current?.phase ?? null,
            qr: sim.current?.phase === 'qr' ? lastQr : null,
            account: sim.account,
          };
        case 'sent':
          return { messages: sim.sent };
        case 'history':
          return { messages: sim.history(url.searchParams.get('chatId') ?? '') };
        default:
          throw new HttpError(404, `Unknown control ${name}.`);
      }
    }
    switch (name) {
      case 'wait': {
        const { for: phase, timeoutMs } = Schemas.wait.parse(body);
        await waitFor(phase, timeoutMs);
        return { ok: true };
      }
      case 'qr':
        return refuse(() => ({ qr: sim.showQr() }));
      case 'scan':
        return refuse(() => {
          sim.scan();
          return {};
        });
      case 'register': {
        const { phone, lid, lidResolvable } = Schemas.register.parse(body);
        return { chatId: sim.register(phone, { ...(lid === undefined ? {} : { lid }), ...(lidResolvable === undefined ? {} : { lidResolvable }) }) };
      }
      case 'unregister':
        sim.unregister(Schemas.unregister.parse(body).phone);
        return {};
      case 'inbound': {
        const { from, text, name: profileName, group, id } = Schemas.inbound.parse(body);
        return { id: sim.receive(from, text, { ...(profileName === undefined ? {} : { name: profileName }), ...(group === undefined ? {} : { group }), ...(id === undefined ? {} : { id }) }) };
      }
      case 'inbound-raw':
        return { id: sim.receiveRaw(Schemas.inboundRaw.parse(body).message) };
      case 'drop':
        sim.drop(Schemas.drop.parse(body).reason);
        return {};
      case 'restore':
        sim.restore();
        return {};
      case 'break-session':
        return refuse(() => {
          sim.breakSession(Schemas.breakSession.parse(body).message);
          return {};
        });
      case 'logout-from-phone':
        sim.logoutFromPhone();
        return {};
      case 'socket-state':
        return refuse(() => {
          sim.setSocketState(Schemas.socketState.parse(body).state);
          return {};
        });
      case 'ack': {
        const { messageId, ack } = Schemas.ack.parse(body);
        sim.ack(messageId, ack);
        return {};
      }
      case 'fail-sends': {
        const { error, count } = Schemas.failSends.parse(body);
        sim.failNextSends(error, count);
        return {};
      }
      case 'send-delay':
        sendDelay = Schemas.sendDelay.parse(body);
        return {};
      default:
        throw new HttpError(404, `Unknown control ${name}.`);
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter((part) => part !== '');
    if (req.method === 'GET' && url.pathname === '/client/events') {
      openStream(req, res, url);
      return;
    }
    readBody(req)
      .then(async (raw) => {
        const body: unknown = raw === '' ? {} : JSON.parse(raw);
        if (parts[0] === 'client' && parts.length === 3 && req.method === 'POST') {
          try {
            return reply(res, 200, { ok: true, value: (await command(parts[1] ?? '', parts[2] ?? '', body)) ?? null });
          } catch (error) {
            if (error instanceof HttpError || error instanceof z.ZodError) throw error;
            return reply(res, 500, { ok: false, error: errorMessage(error) });
          }
        }
        if (parts[0] === 'control' && parts.length === 2) return reply(res, 200, await control(req.method ?? 'GET', parts[1] ?? '', body, url));
        throw new HttpError(404, `Unknown path ${url.pathname}.`);
      })
      .catch((error: unknown) => {
        if (error instanceof HttpError) return reply(res, error.status, { error: error.message });
        if (error instanceof z.ZodError || error instanceof SyntaxError) return reply(res, 400, { error: errorMessage(error) });
        return reply(res, 500, { error: errorMessage(error) });
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    sim,
    waitFor,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: HttpRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => resolve(raw));
    req.on('error', reject);
  });
}
