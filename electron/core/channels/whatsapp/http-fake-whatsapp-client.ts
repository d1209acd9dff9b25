/**
 * TEST SUPPORT in the app bundle — a WhatsAppClient that talks to the fake WhatsApp Web server
 * (fake-whatsapp-server.ts, protocol in its doc-block) over loopback HTTP instead of driving a
 * browser. Selected only by the headless test wiring (`--fake-whatsapp <url>` with
 * SEQA_ALLOW_FAKE_WHATSAPP=1, see shell/fake-whatsapp-option.ts); the desktop app never uses it.
 *
 * One client = one event stream = one "browser" on the server; closing the stream (destroy, or
 * the process dying) ends it there. The saved session is a file in the session folder, as with
 * the in-process fake (fake-client-support.ts), so the app's own session handling (reconnect
 * without QR, delete on unlink) is exercised unchanged. If the stream breaks by itself the
 * client reports `disconnected(BROWSER_CLOSED)`, like a crashed browser.
 */
import { request, type ClientRequest } from 'node:http';
import { z } from 'zod';
import { errorMessage } from '../../errors';
import { ClientEventHub, fileSession, type FakeSession } from './fake-client-support';
import {
  BROWSER_CLOSED,
  type LinkedAccount,
  type OutgoingMedia,
  type WhatsAppClient,
  type WhatsAppClientEvent,
  type WhatsAppClientEvents,
  type WhatsAppClientFactory,
  type WhatsAppMessage,
} from './whatsapp-client';

const MessageSchema = z.object({
  id: z.string(),
  chatId: z.string(),
  from: z.string(),
  author: z.string().nullable(),
  fromMe: z.boolean(),
  body: z.string(),
  hasMedia: z.boolean(),
  fileName: z.string().nullable(),
  type: z.string(),
  isStatus: z.boolean(),
  broadcast: z.boolean(),
  notifyName: z.string().nullable(),
  at: z.number(),
});

const AccountSchema = z.object({ wid: z.string(), pushname: z.string().nullable() });

const StreamItemSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), clientId: z.string() }),
  z.object({ type: z.literal('event'), event: z.string(), args: z.array(z.unknown()) }),
  z.object({ type: z.literal('account'), account: AccountSchema.nullable() }),
  z.object({ type: z.literal('session'), saved: z.boolean() }),
]);

const ReplySchema = z.union([z.object({ ok: z.literal(true), value: z.unknown() }), z.object({ ok: z.literal(false), error: z.string() })]);

export function httpFakeWhatsAppClientFactory(baseUrl: string): WhatsAppClientFactory {
  const base = new URL(baseUrl);
  if (base.hostname !== '127.0.0.1' && base.hostname !== 'localhost' && base.hostname !== '[::1]') {
    throw new Error(`The fake WhatsApp server must be on this computer (127.0.0.1), not ${base.hostname}.`);
  }
  return ({ sessionDir }) => new HttpFakeWhatsAppClient(base, fileSession(sessionDir));
}

export class HttpFakeWhatsAppClient implements WhatsAppClient {
  private readonly hub = new ClientEventHub();
  private clientId: string | null = null;
  private stream: ClientRequest | null = null;
  private linkedAccount: LinkedAccount | null = null;
  private destroyed = false;

  constructor(
    private readonly base: URL,
    private readonly session: FakeSession,
  ) {}

  on<E extends WhatsAppClientEvent>(event: E, listener: WhatsAppClientEvents[E]): void {
    this.hub.on(event, listener);
  }

  async initialize(): Promise<void> {
    this.clientId = await this.openStream();
    await this.command('initialize', {});
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.clientId !== null) await this.command('destroy', {}).catch(() => undefined);
    this.stream?.destroy();
  }

  async logout(): Promise<void> {
    await this.command('logout', {});
    this.destroyed = true;
    this.stream?.destroy();
  }

  account(): LinkedAccount | null {
    return this.linkedAccount;
  }

  async getNumberId(digits: string): Promise<string | null> {
    return z.string().nullable().parse(await this.command('getNumberId', { digits }));
  }

  async sendMessage(chatId: string, text: string, media: OutgoingMedia | null): Promise<{ id: string }> {
    return z.object({ id: z.string() }).parse(await this.command('sendMessage', { chatId, text, media }));
  }

  async latestMessages(chatId: string, limit: number): Promise<WhatsAppMessage[]> {
    return z.array(MessageSchema).parse(await this.command('latestMessages', { chatId, limit }));
  }

  async getContactLidAndPhone(ids: string[]): Promise<Array<{ lid: string | null; pn: string | null }>> {
    return z.array(z.object({ lid: z.string().nullable(), pn: z.string().nullable() })).parse(await this.command('getContactLidAndPhone', { ids }));
  }

  private async command(name: string, body: unknown): Promise<unknown> {
    if (this.clientId === null) throw new Error('Protocol error: Session closed. The fake WhatsApp client is not running.');
    const response = await fetch(new URL(`/client/${this.clientId}/${name}`, this.base), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = ReplySchema.safeParse(safeJson(text));
    if (!parsed.success) throw new Error(`The fake WhatsApp server answered ${response.status}: ${text}`);
    if (!parsed.data.ok) throw new Error(parsed.data.error);
    return parsed.data.value;
  }

  /** Opens the event stream; resolves with the client id the server assigned. */
  private openStream(): Promise<string> {
    const url = new URL(`/client/events?session=${this.session.exists() ? '1' : '0'}`, this.base);
    return new Promise((resolve, reject) => {
      let greeted = false;
      let buffer = '';
      const req = request(url, { method: 'GET', headers: { Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`The fake WhatsApp server refused the event stream (${res.statusCode ?? 'no status'}).`));
          res.resume();
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n');
            if (data === '') continue;
            const item = StreamItemSchema.safeParse(safeJson(data));
            if (!item.success) continue;
            if (item.data.type === 'hello') {
              greeted = true;
              resolve(item.data.clientId);
            } else {
              this.handle(item.data);
            }
          }
        });
        res.on('close', () => this.streamEnded(greeted, reject));
      });
      req.on('error', (error) => {
        if (!greeted) reject(error);
        else this.streamEnded(true, reject);
      });
      req.end();
      this.stream = req;
    });
  }

  private streamEnded(greeted: boolean, reject: (error: Error) => void): void {
    if (!greeted) {
      reject(new Error('The fake WhatsApp server closed the event stream.'));
      return;
    }
    if (this.destroyed) return;
    this.destroyed = true;
    this.hub.emit('disconnected', BROWSER_CLOSED);
  }

  private handle(item: Exclude<z.infer<typeof StreamItemSchema>, { type: 'hello' }>): void {
    if (this.destroyed) return;
    switch (item.type) {
      case 'account':
        this.linkedAccount = item.account;
        return;
      case 'session':
        if (item.saved) this.session.save();
        else this.session.clear();
        return;
      case 'event':
        this.dispatch(item.event, item.args);
        return;
    }
  }

  private dispatch(event: string, args: unknown[]): void {
    const text = (index: number): string => String(args[index] ?? '');
    try {
      switch (event) {
        case 'qr':
        case 'auth_failure':
        case 'disconnected':
        case 'change_state':
          this.hub.emit(event, text(0));
          return;
        case 'authenticated':
        case 'ready':
          this.hub.emit(event);
          return;
        case 'message':
          this.hub.emit('message', MessageSchema.parse(args[0]));
          return;
        case 'message_ack':
          this.hub.emit('message_ack', text(0), z.number().parse(args[1]));
          return;
      }
    } catch (error) {
      // A listener failed or the server sent something malformed: the stream goes on.
      process.emitWarning(`Fake WhatsApp event ${event} could not be handled: ${errorMessage(error)}`);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
