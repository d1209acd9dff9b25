/**
 * The real WhatsAppClient: whatsapp-web.js 1.34 driving the Chrome/Chromium/Edge found on the
 * machine (puppeteer `executablePath`; the app never downloads a browser), with the session in
 * `LocalAuth({ dataPath: <dataDir>/whatsapp-session })`.
 *
 * - The library (and puppeteer under it) is loaded on the first `initialize`, not at import: an
 *   app that never links WhatsApp never pays for it at start-up.
 * - The WhatsApp Web version is the library's own choice (its pinned `webVersion` with the
 *   default local cache), kept inside the session folder rather than the working directory,
 *   which for an installed app may not be writable.
 * - The device shows up on the phone under Linked devices as "Sequence Automation", so the
 *   owner can tell it apart (and remove it there).
 * - Messages are sent without marking the chat as read (`sendSeen: false`): an automatic
 *   follow-up must not make the owner's phone show the customer's question as read.
 * - Media: `MessageMedia.fromFilePath` on the file in the app's media store, with the owner's
 *   file name and type (the stored file is named by its hash).
 * - A browser that dies by itself (crash, killed) is reported as `disconnected(BROWSER_CLOSED)`,
 *   so the connection's watchdog restarts it. `destroy` is bounded: if closing the browser
 *   hangs, its process is killed, so the next client can open the same profile folder.
 * - What the page hands back (`rawData`, lid lookups, client info) is parsed, not trusted.
 */
import path from 'node:path';
import type { Client, ClientOptions, Message } from 'whatsapp-web.js';
import { z } from 'zod';
import { errorMessage } from '../../errors';
import type { Logger } from '../../logger';
import { ClientEventHub } from './fake-client-support';
import {
  BROWSER_CLOSED,
  type LinkedAccount,
  type OutgoingMedia,
  type WhatsAppClient,
  type WhatsAppClientEvent,
  type WhatsAppClientEvents,
  type WhatsAppClientFactory,
  type WhatsAppClientOptions,
  type WhatsAppMessage,
} from './whatsapp-client';

type Library = typeof import('whatsapp-web.js');

/** How long closing the browser may take before its process is killed. */
const DESTROY_TIMEOUT_MS = 15_000;
/** The name the phone lists this device under. */
export const DEVICE_NAME = 'Sequence Automation';

let library: Promise<Library> | null = null;

function loadLibrary(): Promise<Library> {
  // whatsapp-web.js is CommonJS: its exports object is the default export.
  library ??= import('whatsapp-web.js').then((module) => module.default);
  return library;
}

const RawMessageSchema = z.object({ filename: z.string().nullish(), notifyName: z.string().nullish() }).loose();
const LidAndPhoneSchema = z.array(z.object({ lid: z.string().nullish(), pn: z.string().nullish() }).loose());
const ClientInfoSchema = z.object({ wid: z.object({ _serialized: z.string() }).loose(), pushname: z.string().nullish() }).loose();
const ContactIdSchema = z.object({ _serialized: z.string() }).loose();

/** The app's default client factory. */
export function wwebjsClientFactory(logger: Logger): WhatsAppClientFactory {
  return (options) => new WwebjsClient(options, logger);
}

export class WwebjsClient implements WhatsAppClient {
  private readonly hub = new ClientEventHub();
  private client: Client | null = null;
  private initializing: Promise<void> | null = null;
  private destroyed = false;

  constructor(
    private readonly options: WhatsAppClientOptions,
    private readonly logger: Logger,
  ) {}

  /** The options the library is given (exposed for the test that checks them). */
  static clientOptions(lib: Pick<Library, 'LocalAuth'>, options: WhatsAppClientOptions): ClientOptions {
    return {
      authStrategy: new lib.LocalAuth({ dataPath: options.sessionDir }),
      puppeteer: {
        executablePath: options.browserPath,
        headless: true,
        args: ['--no-first-run', '--no-default-browser-check', '--disable-dev-shm-usage'],
      },
      webVersionCache: { type: 'local', path: path.join(options.sessionDir, 'web-cache') },
      deviceName: DEVICE_NAME,
      browserName: 'Chrome',
    };
  }

  on<E extends WhatsAppClientEvent>(event: E, listener: WhatsAppClientEvents[E]): void {
    this.hub.on(event, listener);
  }

  initialize(): Promise<void> {
    if (this.initializing !== null) return Promise.reject(new Error('This WhatsApp client was started already.'));
    this.initializing = (async () => {
      const lib = await loadLibrary();
      if (this.destroyed) throw new Error('The WhatsApp client was stopped before it started.');
      const client = new lib.Client(WwebjsClient.clientOptions(lib, this.options));
      this.client = client;
      this.forwardEvents(client);
      await client.initialize();
      this.watchBrowser(client);
    })();
    return this.initializing;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const client = this.client;
    if (client === null) return;
    const closed = (async () => {
      await client.destroy();
      // Stopped while the browser was still launching: it may have appeared since. (Its start
      // failing now is expected; the connection has logged why it stopped it.)
      if (this.initializing !== null) await this.initializing.catch(() => undefined);
      if (client.pupBrowser?.connected === true) await client.pupBrowser.close();
    })().catch((error: unknown) => this.logger.warn('Closing the WhatsApp browser failed', { error: errorMessage(error) }));
    const finished = await withTimeout(closed, DESTROY_TIMEOUT_MS);
    if (!finished) {
      this.logger.warn('The WhatsApp browser did not close in time; ending its process');
      client.pupBrowser?.process()?.kill('SIGKILL');
    }
  }

  async logout(): Promise<void> {
    const client = this.requireClient();
    this.destroyed = true;
    await client.logout();
  }

  account(): LinkedAccount | null {
    const info = ClientInfoSchema.safeParse(this.client?.info);
    if (!info.success) return null;
    return { wid: info.data.wid._serialized, pushname: info.data.pushname ?? null };
  }

  async getNumberId(digits: string): Promise<string | null> {
    const id: unknown = await this.requireClient().getNumberId(digits);
    if (id === null || id === undefined) return null;
    return ContactIdSchema.parse(id)._serialized;
  }

  async sendMessage(chatId: string, text: string, media: OutgoingMedia | null): Promise<{ id: string }> {
    const client = this.requireClient();
    if (media === null) {
      const sent = await client.sendMessage(chatId, text, { sendSeen: false });
      return { id: sent.id._serialized };
    }
    const lib = await loadLibrary();
    const file = lib.MessageMedia.fromFilePath(media.filePath);
    file.mimetype = media.mimeType;
    file.filename = media.fileName;
    const sent = await client.sendMessage(chatId, file, { sendSeen: false, ...(text.trim() === '' ? {} : { caption: text }) });
    return { id: sent.id._serialized };
  }

  async latestMessages(chatId: string, limit: number): Promise<WhatsAppMessage[]> {
    const chat: unknown = await this.requireClient().getChatById(chatId);
    if (chat === undefined || chat === null) return [];
    const messages = await (chat as Awaited<ReturnType<Client['getChatById']>>).fetchMessages({ limit });
    return messages.map(toWhatsAppMessage);
  }

  async getContactLidAndPhone(ids: string[]): Promise<Array<{ lid: string | null; pn: string | null }>> {
    const answer: unknown = await this.requireClient().getContactLidAndPhone(ids);
    return LidAndPhoneSchema.parse(answer).map((entry) => ({ lid: entry.lid ?? null, pn: entry.pn ?? null }));
  }

  private requireClient(): Client {
    if (this.client === null || this.destroyed) throw new Error('Protocol error: Session closed. The WhatsApp client is not running.');
    return this.client;
  }

  private forwardEvents(client: Client): void {
    const { hub } = this;
    client.on('qr', (qr: string) => {
      this.watchBrowser(client);
      hub.emit('qr', qr);
    });
    client.on('authenticated', () => {
      this.watchBrowser(client);
      hub.emit('authenticated');
    });
    client.on('auth_failure', (message: unknown) => hub.emit('auth_failure', String(message)));
    client.on('ready', () => {
      this.watchBrowser(client);
      hub.emit('ready');
    });
    client.on('disconnected', (reason: unknown) => hub.emit('disconnected', String(reason)));
    client.on('change_state', (state: unknown) => hub.emit('change_state', String(state)));
    client.on('message', (message: Message) => {
      try {
        hub.emit('message', toWhatsAppMessage(message));
      } catch (error) {
        this.logger.error('An incoming WhatsApp message could not be read', { error: errorMessage(error) });
      }
    });
    client.on('message_ack', (message: Message, ack: number) => hub.emit('message_ack', message.id._serialized, ack));
  }

  private watchingBrowser = false;

  /** Reports a browser (or page) that dies by itself; whatsapp-web.js has no event for it. */
  private watchBrowser(client: Client): void {
    if (this.watchingBrowser || client.pupBrowser === undefined) return;
    this.watchingBrowser = true;
    const report = (what: string) => () => {
      if (this.destroyed) return;
      this.logger.warn(`The WhatsApp ${what}`);
      this.hub.emit('disconnected', BROWSER_CLOSED);
    };
    client.pupBrowser.on('disconnected', report('browser closed unexpectedly'));
    client.pupPage?.on('error', report('page crashed'));
  }
}

export function toWhatsAppMessage(message: Message): WhatsAppMessage {
  const raw = RawMessageSchema.safeParse(message.rawData);
  const extra = raw.success ? raw.data : {};
  return {
    id: message.id._serialized,
    chatId: message.fromMe ? message.to : message.from,
    from: message.from,
    author: message.author ?? null,
    fromMe: message.fromMe,
    body: message.body,
    hasMedia: message.hasMedia,
    fileName: extra.filename ?? null,
    type: message.type,
    isStatus: message.isStatus,
    broadcast: message.broadcast,
    notifyName: extra.notifyName ?? null,
    at: message.timestamp * 1000,
  };
}

/** True when `work` settled within `ms`, false when it had not. `work` must not reject. */
function withTimeout(work: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    void work.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
