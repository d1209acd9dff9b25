/**
 * The narrow slice of whatsapp-web.js the WhatsApp adapter uses (issue 8), so the adapter can be
 * driven by the real library (wwebjs-client.ts), by an in-memory script in unit tests
 * (scripted-whatsapp-client.ts) or by a simulated WhatsApp Web over loopback HTTP in the e2e and
 * crash tests (http-fake-whatsapp-client.ts). Nothing here imports the library.
 *
 * Ids are whatsapp-web.js's serialized ids: `<digits>@c.us` for a phone number, `<digits>@lid`
 * for WhatsApp's privacy ids, `…@g.us` groups, `status@broadcast`, `…@newsletter` channels.
 *
 * Contract of an implementation:
 * - One client is one browser session. `initialize` starts it; events follow (they may arrive
 *   before `initialize` resolves). A client is never re-initialised after `destroy`.
 * - `destroy` ends the session and resolves once its browser is gone (bounded: an implementation
 *   that drives a real browser kills it if closing hangs), so the next client can open the same
 *   session folder. `logout` unlinks the device on the phone and deletes the saved session.
 * - Calls reject with the library's own errors (puppeteer's "Protocol error (…): Session
 *   closed. …", "Target closed", page errors); whatsapp-errors.ts reads them.
 */

/** The WhatsApp Web connection state whatsapp-web.js reports (its `WAState`). */
export type WhatsAppSocketState = string;

/** What whatsapp-web.js's `message_ack` carries: ACK_ERROR -1, PENDING 0, SERVER 1, DEVICE 2, READ 3, PLAYED 4. */
export const WHATSAPP_ACK = { error: -1, pending: 0, server: 1, device: 2, read: 3, played: 4 } as const;

/** The shop's own WhatsApp account this device is linked to. */
export interface LinkedAccount {
  /** Serialized id, e.g. `4915100000000@c.us`. */
  wid: string;
  /** The profile name shown in notifications, if set. */
  pushname: string | null;
}

/** A message as the adapter sees it (inbound, or in a chat's history). */
export interface WhatsAppMessage {
  /** `id._serialized`: unique, and what `message_ack` names. */
  id: string;
  /** The chat it belongs to: the sender for a received message, the recipient for one the shop sent. */
  chatId: string;
  /** For a received message, who sent it (`from`); in a group `author` is the person, `from` the group. */
  from: string;
  author: string | null;
  fromMe: boolean;
  /** Text, or a media message's caption. */
  body: string;
  hasMedia: boolean;
  /** A document's file name; WhatsApp keeps none for photos and videos. */
  fileName: string | null;
  /** whatsapp-web.js's message type ('chat', 'image', 'document', 'e2e_notification', …). */
  type: string;
  isStatus: boolean;
  broadcast: boolean;
  /** The customer's WhatsApp profile name (`notifyName`), if known. */
  notifyName: string | null;
  /** When it was sent, epoch ms (whatsapp-web.js gives seconds). */
  at: number;
}

export interface OutgoingMedia {
  /** A file inside the app's data folder (the content-addressed media store). */
  filePath: string;
  mimeType: string;
  /** The name the customer sees (documents). */
  fileName: string;
}

export interface WhatsAppClientEvents {
  qr: (qr: string) => void;
  authenticated: () => void;
  auth_failure: (message: string) => void;
  ready: () => void;
  /** `reason`: a WAState, 'LOGOUT', or BROWSER_CLOSED when the browser died under the client. */
  disconnected: (reason: string) => void;
  change_state: (state: WhatsAppSocketState) => void;
  /** A message someone else sent (whatsapp-web.js's `message`). */
  message: (message: WhatsAppMessage) => void;
  /** `ack`: see WHATSAPP_ACK. */
  message_ack: (messageId: string, ack: number) => void;
}

export type WhatsAppClientEvent = keyof WhatsAppClientEvents;

/** The disconnect reason a wrapper reports when the browser process went away by itself. */
export const BROWSER_CLOSED = 'BROWSER_CLOSED';

export interface WhatsAppClient {
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  logout(): Promise<void>;
  on<E extends WhatsAppClientEvent>(event: E, listener: WhatsAppClientEvents[E]): void;
  /** The linked account once ready; null before. */
  account(): LinkedAccount | null;
  /** The id to message a phone number (digits with country code, no '+'), or null when it has no WhatsApp. */
  getNumberId(digits: string): Promise<string | null>;
  /** Sends text, or a file with the text as its caption. Resolves with the sent message's id. */
  sendMessage(chatId: string, text: string, media: OutgoingMedia | null): Promise<{ id: string }>;
  /** The chat's latest messages (both directions), oldest first; [] when there is no such chat. */
  latestMessages(chatId: string, limit: number): Promise<WhatsAppMessage[]>;
  /** For each id (`…@lid` or `…@c.us`): its privacy id and phone id where WhatsApp reveals them. */
  getContactLidAndPhone(ids: string[]): Promise<Array<{ lid: string | null; pn: string | null }>>;
}

export interface WhatsAppClientOptions {
  /** `<dataDir>/whatsapp-session`: LocalAuth keeps the linked session here. */
  sessionDir: string;
  /** Chrome/Chromium/Edge for puppeteer (browser-finder.ts). */
  browserPath: string;
}

export type WhatsAppClientFactory = (options: WhatsAppClientOptions) => WhatsAppClient;
