/**
 * TEST SUPPORT — a simulated WhatsApp (the phone, its account, the other people, the chats) and
 * in-memory clients of it that implement WhatsAppClient. Unit tests drive it directly; the fake
 * WhatsApp Web server (fake-whatsapp-server.ts) puts the same simulation behind loopback HTTP
 * for processes that must not share memory with it. Never used by the app.
 *
 *   const wa = new ScriptedWhatsApp({ clock });
 *   wa.register('+4915100000001');                       // this number has WhatsApp
 *   const connection = new WhatsAppConnection({ clientFactory: wa.factory, … });
 *   await connection.link();  wa.scan();                 // QR shown, then scanned: ready
 *   wa.receive({ phone: '+4915100000001' }, 'Hi');      // a customer writes in
 *   wa.sent                                              // what the shop sent, in order
 *
 * Like WhatsApp Web with LocalAuth, a client started with a saved session (and the phone still
 * linked) becomes ready by itself; without one it shows a QR and waits for `scan()`. With
 * `autoConnect: false` a client does nothing after `initialize` until the test says so
 * (`showQr`, `scan`, `connect`). Events are emitted synchronously, some before `initialize`
 * resolves, as the real library may.
 *
 * Trouble on command: `drop()` (the connection is lost; new clients hang in start-up until
 * `restore()`), `breakSession()` (every call of the current client fails with puppeteer's
 * "Session closed"), `logoutFromPhone()` (the phone removed this device), `failNextSends()`,
 * `setSocketState()`. `maxAlive` tells whether two clients ever ran at once.
 */
import { statSync } from 'node:fs';
import type { Clock } from '../../clock';
import { systemClock } from '../../clock';
import { ClientEventHub, fileSession, type FakeSession } from './fake-client-support';
import type { LinkedAccount, OutgoingMedia, WhatsAppClient, WhatsAppClientEvent, WhatsAppClientEvents, WhatsAppClientFactory, WhatsAppMessage } from './whatsapp-client';
import { digitsOf, whatsAppIdKind, whatsAppIdOfPhone } from './whatsapp-ids';

/** What puppeteer says when a call is made on a page that has gone away. */
export const SESSION_CLOSED_ERROR = 'Protocol error (Runtime.callFunctionOn): Session closed. Most likely the page has been closed.';

export interface ScriptedWhatsAppOptions {
  /** Timestamps of messages. Default: the system clock. */
  clock?: Clock;
  /** The shop's account. Default +4915100000000, "Test Shop". */
  account?: { phone: string; name: string };
  /** Default true: clients connect (QR, or ready with a saved session) by themselves. */
  autoConnect?: boolean;
}

/** A message the shop sent, as WhatsApp has it. */
export interface ShopMessage {
  id: string;
  chatId: string;
  text: string;
  media: { fileName: string; mimeType: string; size: number } | null;
  at: number;
}

/** Who a simulated inbound message comes from. */
export type InboundSender =
  | { phone: string }
  /** A privacy id; `phone` is the number behind it, revealed by getContactLidAndPhone only when `resolvable`. */
  | { lid: string; phone?: string; resolvable?: boolean };

export interface InboundOptions {
  id?: string;
  /** The customer's profile name. */
  name?: string | null;
  /** Sent in this group instead of directly. */
  group?: string;
  type?: string;
  at?: number;
  hasMedia?: boolean;
  fileName?: string | null;
}

type Phase = 'new' | 'starting' | 'qr' | 'authenticated' | 'ready' | 'destroyed';

interface Person {
  phone: string;
  lid: string | null;
  lidResolvable: boolean;
}

export class ScriptedWhatsApp {
  readonly clock: Clock;
  readonly account: { phone: string; name: string };
  autoConnect: boolean;
  /** Every client ever created, in order. */
  readonly clients: ScriptedWhatsAppClient[] = [];
  /** Every message the shop sent, in order. */
  readonly sent: ShopMessage[] = [];
  /** getNumberId calls, in order (digits asked). */
  readonly numberLookups: string[] = [];
  /** The phone has this computer as a linked device. */
  linked = false;
  /** The connection is lost: new clients hang in start-up until `restore()`. */
  offline = false;
  /** The most clients that were running (initialised, not destroyed) at the same time. */
  maxAlive = 0;
  /** Called after a send is recorded and before it is answered (to crash or drop in between). */
  onSend: ((message: ShopMessage) => void | Promise<void>) | null = null;
  readonly factory: WhatsAppClientFactory = ({ sessionDir }) => this.createClient(fileSession(sessionDir));

  private readonly people = new Map<string, Person>();
  private readonly chats = new Map<string, WhatsAppMessage[]>();
  private readonly undelivered: WhatsAppMessage[] = [];
  private readonly sendFailures: string[] = [];
  private qrCount = 0;
  private messageCount = 0;

  constructor(options: ScriptedWhatsAppOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.account = options.account ?? { phone: '+4915100000000', name: 'Test Shop' };
    this.autoConnect = options.autoConnect ?? true;
  }

  /** A client of this simulation whose saved session is `session` (the fake server passes its own). */
  createClient(session: FakeSession): ScriptedWhatsAppClient {
    const client = new ScriptedWhatsAppClient(this, session);
    this.clients.push(client);
    return client;
  }

  /** The newest client that is running, if any. */
  get current(): ScriptedWhatsAppClient | null {
    for (let i = this.clients.length - 1; i >= 0; i--) {
      const client = this.clients[i];
      if (client !== undefined && client.alive) return client;
    }
    return null;
  }

  get alive(): number {
    return this.clients.filter((client) => client.alive).length;
  }

  // --- people -------------------------------------------------------------------------------

  /** This number has WhatsApp (optionally behind a privacy id). Returns its chat id. */
  register(phone: string, options: { lid?: string; lidResolvable?: boolean } = {}): string {
    this.people.set(phone, { phone, lid: options.lid ?? null, lidResolvable: options.lidResolvable ?? true });
    return whatsAppIdOfPhone(phone);
  }

  unregister(phone: string): void {
    this.people.delete(phone);
  }

  // --- linking ------------------------------------------------------------------------------

  /** The waiting client shows a (new) QR code; returns it. */
  showQr(): string {
    const client = this.require('showQr');
    return client.showQr();
  }

  /** The phone scans the QR: authenticated, then ready; the device is linked. */
  scan(): void {
    const client = this.require('scan');
    if (client.phase !== 'qr') throw new Error(`scan: the current client is ${client.phase}, not showing a QR.`);
    this.linked = true;
    client.becomeReady(true);
  }

  /** With autoConnect off: the current client connects as it would by itself. */
  connect(): void {
    this.require('connect').connect();
  }

  /** The phone removes this linked device. */
  logoutFromPhone(): void {
    this.linked = false;
    const client = this.current;
    if (client === null) return;
    client.session.clear();
    client.emit('disconnected', 'LOGOUT');
    client.phase = 'destroyed';
  }

  // --- trouble ------------------------------------------------------------------------------

  /** The connection is lost: the current client reports `disconnected(reason)`; new ones hang until `restore()`. */
  drop(reason = 'CONFLICT'): void {
    this.offline = true;
    const client = this.current;
    if (client !== null && client.phase !== 'starting') {
      client.emit('disconnected', reason);
      // whatsapp-web.js destroys itself after reporting a disconnect.
      client.phase = 'destroyed';
    }
  }

  restore(): void {
    this.offline = false;
    const client = this.current;
    if (client !== null && client.phase === 'starting' && this.autoConnect) client.connect();
  }

  /** The current client's page is gone: every call fails with `message`, without any event. */
  breakSession(message = SESSION_CLOSED_ERROR): void {
    this.require('breakSession').broken = message;
  }

  /** The current client's WhatsApp Web reports a connection state (OPENING, TIMEOUT, CONNECTED, …). */
  setSocketState(state: string): void {
    this.require('setSocketState').emit('change_state', state);
  }

  /** The next `count` sends fail with this error (nothing is sent). */
  failNextSends(error: string, count = 1): void {
    for (let i = 0; i < count; i++) this.sendFailures.push(error);
  }

  // --- messages -----------------------------------------------------------------------------

  /** A customer writes to the shop. Delivered to the ready client now, or once one is ready. Returns the message id. */
  receive(from: InboundSender, text: string, options: InboundOptions = {}): string {
    let sender: string;
    if ('lid' in from) {
      sender = from.lid;
      if (from.phone !== undefined) this.people.set(from.phone, { phone: from.phone, lid: from.lid, lidResolvable: from.resolvable ?? false });
    } else {
      sender = whatsAppIdOfPhone(from.phone);
    }
    const chatId = options.group ?? sender;
    return this.deliver({
      id: options.id ?? `false_${chatId}_IN${String(++this.messageCount).padStart(6, '0')}`,
      chatId,
      from: chatId,
      author: options.group === undefined ? null : sender,
      fromMe: false,
      body: text,
      hasMedia: options.hasMedia ?? false,
      fileName: options.fileName ?? null,
      type: options.type ?? 'chat',
      isStatus: false,
      broadcast: false,
      notifyName: options.name ?? null,
      at: options.at ?? this.clock.now(),
    });
  }

  /** Any message exactly as given (status updates, newsletters, the shop's own from another device). */
  receiveRaw(message: Partial<WhatsAppMessage> & { from: string }): string {
    return this.deliver({
      id: `false_${message.from}_RAW${String(++this.messageCount).padStart(6, '0')}`,
      chatId: message.from,
      author: null,
      fromMe: false,
      body: '',
      hasMedia: false,
      fileName: null,
      type: 'chat',
      isStatus: message.from === 'status@broadcast',
      broadcast: false,
      notifyName: null,
      at: this.clock.now(),
      ...message,
    });
  }

  /** WhatsApp acknowledges a message the shop sent (see WHATSAPP_ACK). */
  ack(messageId: string, ack: number): void {
    const client = this.current;
    if (client?.phase === 'ready') client.emit('message_ack', messageId, ack);
  }

  /** A chat's messages, oldest first. */
  history(chatId: string): WhatsAppMessage[] {
    return [...(this.chats.get(chatId) ?? [])];
  }

  // --- used by the clients ------------------------------------------------------------------

  /** @internal */
  noteAlive(): void {
    this.maxAlive = Math.max(this.maxAlive, this.alive);
  }

  /** @internal */
  lookupNumber(digits: string): string | null {
    this.numberLookups.push(digits);
    const phone = `+${digits}`;
    return this.people.has(phone) ? whatsAppIdOfPhone(phone) : null;
  }

  /** @internal */
  async recordSend(chatId: string, text: string, media: OutgoingMedia | null): Promise<{ id: string }> {
    const failure = this.sendFailures.shift();
    if (failure !== undefined) throw new Error(failure);
    if (!this.reachable(chatId)) throw new Error(`No LID for user (${chatId} is not on WhatsApp)`);
    const at = this.clock.now();
    const id = `true_${chatId}_3EB0${String(++this.messageCount).padStart(8, '0')}`;
    // WhatsApp keeps a document's name, not a photo's or a video's.
    const keepsName = media !== null && !/^(image|video)\//.test(media.mimeType);
    const sent: ShopMessage = {
      id,
      chatId,
      text,
      media: media === null ? null : { fileName: media.fileName, mimeType: media.mimeType, size: statSync(media.filePath).size },
      at,
    };
    this.sent.push(sent);
    this.appendToChat({
      id,
      chatId,
      from: whatsAppIdOfPhone(this.account.phone),
      author: null,
      fromMe: true,
      body: text,
      hasMedia: media !== null,
      fileName: keepsName ? media.fileName : null,
      type: media === null ? 'chat' : media.mimeType.startsWith('image/') ? 'image' : media.mimeType.startsWith('video/') ? 'video' : 'document',
      isStatus: false,
      broadcast: false,
      notifyName: null,
      at,
    });
    if (this.onSend !== null) await this.onSend(sent);
    return { id };
  }

  /** @internal */
  lidAndPhone(ids: string[]): Array<{ lid: string | null; pn: string | null }> {
    return ids.map((id) => {
      const people = [...this.people.values()];
      if (whatsAppIdKind(id) === 'lid') {
        const person = people.find((p) => p.lid === id);
        return { lid: id, pn: person !== undefined && person.lidResolvable ? whatsAppIdOfPhone(person.phone) : null };
      }
      const person = people.find((p) => whatsAppIdOfPhone(p.phone) === id);
      return { lid: person?.lid ?? null, pn: person === undefined ? null : id };
    });
  }

  /** @internal */
  flushUndelivered(client: ScriptedWhatsAppClient): void {
    for (const message of this.undelivered.splice(0)) client.emit('message', message);
  }

  /** @internal */
  nextQr(): string {
    return `2@fake-qr-${++this.qrCount},${digitsOf(this.account.phone)}`;
  }

  private reachable(chatId: string): boolean {
    const kind = whatsAppIdKind(chatId);
    const people = [...this.people.values()];
    if (kind === 'phone') return people.some((p) => whatsAppIdOfPhone(p.phone) === chatId);
    if (kind === 'lid') return people.some((p) => p.lid === chatId);
    return false;
  }

  private deliver(message: WhatsAppMessage): string {
    this.appendToChat(message);
    const client = this.current;
    if (client?.phase === 'ready') client.emit('message', message);
    else this.undelivered.push(message);
    return message.id;
  }

  private appendToChat(message: WhatsAppMessage): void {
    const chat = this.chats.get(message.chatId) ?? [];
    chat.push(message);
    this.chats.set(message.chatId, chat);
  }

  private require(what: string): ScriptedWhatsAppClient {
    const client = this.current;
    if (client === null) throw new Error(`${what}: no WhatsApp client is running.`);
    return client;
  }
}

export class ScriptedWhatsAppClient implements WhatsAppClient {
  phase: Phase = 'new';
  /** Set by `breakSession`: every call fails with this. */
  broken: string | null = null;
  private readonly hub = new ClientEventHub();

  constructor(
    private readonly world: ScriptedWhatsApp,
    readonly session: FakeSession,
  ) {}

  get alive(): boolean {
    return this.phase !== 'new' && this.phase !== 'destroyed';
  }

  on<E extends WhatsAppClientEvent>(event: E, listener: WhatsAppClientEvents[E]): void {
    this.hub.on(event, listener);
  }

  emit<E extends WhatsAppClientEvent>(event: E, ...args: Parameters<WhatsAppClientEvents[E]>): void {
    if (this.phase === 'destroyed') return;
    this.hub.emit(event, ...args);
  }

  initialize(): Promise<void> {
    if (this.phase !== 'new') return Promise.reject(new Error(`initialize: this client is ${this.phase}.`));
    this.phase = 'starting';
    this.world.noteAlive();
    if (this.world.autoConnect && !this.world.offline) this.connect();
    return Promise.resolve();
  }

  /** @internal What WhatsApp Web does once it can reach WhatsApp: a saved session logs in, else a QR. */
  connect(): void {
    if (this.phase !== 'starting') return;
    if (this.session.exists() && this.world.linked) this.becomeReady(false);
    else this.showQr();
  }

  /** @internal */
  showQr(): string {
    if (this.phase !== 'starting' && this.phase !== 'qr') throw new Error(`showQr: this client is ${this.phase}.`);
    this.phase = 'qr';
    const qr = this.world.nextQr();
    this.emit('qr', qr);
    return qr;
  }

  /** @internal */
  becomeReady(saveSession: boolean): void {
    this.phase = 'authenticated';
    if (saveSession) this.session.save();
    this.emit('authenticated');
    if (this.phase !== 'authenticated') return;
    this.phase = 'ready';
    this.emit('ready');
    if (this.phase === 'ready') this.world.flushUndelivered(this);
  }

  destroy(): Promise<void> {
    this.phase = 'destroyed';
    return Promise.resolve();
  }

  logout(): Promise<void> {
    const failure = this.check('logout', false);
    if (failure !== null) return Promise.reject(failure);
    this.world.linked = false;
    this.session.clear();
    // The page navigates to the logged-out screen before the browser closes, as WhatsApp Web does.
    this.emit('disconnected', 'LOGOUT');
    this.phase = 'destroyed';
    return Promise.resolve();
  }

  account(): LinkedAccount | null {
    if (this.phase !== 'ready') return null;
    return { wid: whatsAppIdOfPhone(this.world.account.phone), pushname: this.world.account.name };
  }

  getNumberId(digits: string): Promise<string | null> {
    const failure = this.check('getNumberId');
    return failure === null ? Promise.resolve(this.world.lookupNumber(digits)) : Promise.reject(failure);
  }

  sendMessage(chatId: string, text: string, media: OutgoingMedia | null): Promise<{ id: string }> {
    const failure = this.check('sendMessage');
    return failure === null ? this.world.recordSend(chatId, text, media) : Promise.reject(failure);
  }

  latestMessages(chatId: string, limit: number): Promise<WhatsAppMessage[]> {
    const failure = this.check('latestMessages');
    return failure === null ? Promise.resolve(this.world.history(chatId).slice(-limit)) : Promise.reject(failure);
  }

  getContactLidAndPhone(ids: string[]): Promise<Array<{ lid: string | null; pn: string | null }>> {
    const failure = this.check('getContactLidAndPhone');
    return failure === null ? Promise.resolve(this.world.lidAndPhone(ids)) : Promise.reject(failure);
  }

  private check(what: string, needsReady = true): Error | null {
    if (this.broken !== null) return new Error(this.broken);
    if (this.phase === 'destroyed') return new Error(SESSION_CLOSED_ERROR);
    if (needsReady && this.phase !== 'ready') return new Error(`${what}: WhatsApp Web is not ready (${this.phase}).`);
    return null;
  }
}
