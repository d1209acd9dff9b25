/**
 * The shop's WhatsApp as a Channel for the delivery engine (see the contract in ../channel.ts),
 * on top of the linked session (whatsapp-connection.ts).
 *
 * - Status: ready while the session is; connecting while it starts, shows a QR, or reconnects;
 *   down with the connection's reason when it is unlinked or failed.
 * - Sending: to the contact's cached WhatsApp id (`…@c.us`, or `…@lid` for a customer known
 *   only by it); otherwise the number is resolved once with getNumberId and the answer cached on
 *   the contact (whatsapp-identity-repository.ts). A number that is not on WhatsApp fails
 *   permanently with code 'not-on-whatsapp' (a "WhatsApp, else SMS" sequence then goes by SMS),
 *   and is asked about again only after `notOnWhatsAppRecheckMs`. Media go as a file with the
 *   text as caption.
 * - Not idempotent: WhatsApp has no idempotency key. Failures are read by whatsapp-errors.ts:
 *   a broken session ("Session closed": the call never ran) is channel-down and the connection
 *   restarts the client; a session that broke WHILE the send ran may have sent it, so that is
 *   transient (the engine must not treat it as "not accepted") — the client is restarted too.
 *   Anything else is transient. Nothing is ever answered as channel-down once the send may
 *   have reached WhatsApp.
 * - Recovery (`lookup`): the chat's latest messages the shop sent since the claim (minus a
 *   margin for clock skew: WhatsApp's timestamps have whole seconds) with the same text (or
 *   caption) and, with an attachment, the same file name where WhatsApp keeps one → sent, with
 *   that message's id; none → not sent; not connected or unreadable → unknown.
 * - Receipts: message_ack SERVER/DEVICE/READ/PLAYED → server/delivered/read/played.
 * - Inbound: customers' messages (whatsapp-inbound.ts), in the order they arrived.
 */
import type { IncomingMessage } from '../../inbound/incoming-message';
import type { Clock } from '../../clock';
import { errorMessage } from '../../errors';
import type { EventBus } from '../../events';
import type { Logger } from '../../logger';
import type { Store } from '../../store/store';
import {
  ChannelStatusHolder,
  type Channel,
  type ChannelError,
  type ChannelStatus,
  type DeliveryReceipt,
  type LookupQuery,
  type LookupResult,
  type OutboundMessage,
  type ReceiptLevel,
  type SendResult,
} from '../channel';
import { WHATSAPP_ACK, type WhatsAppClient, type WhatsAppMessage } from './whatsapp-client';
import type { WhatsAppConnection } from './whatsapp-connection';
import { classifyWhatsAppFailure } from './whatsapp-errors';
import { toIncomingMessage } from './whatsapp-inbound';
import { digitsOf } from './whatsapp-ids';
import type { WhatsAppStatus } from '../../../../shared/domain';

export const DEFAULT_NOT_ON_WHATSAPP_RECHECK_MS = 7 * 24 * 60 * 60_000;
/** How far before the claim a matching message still counts (clock skew, whole-second timestamps). */
export const LOOKUP_MARGIN_MS = 60_000;
/** How many of the chat's latest messages recovery reads. */
export const LOOKUP_MESSAGE_LIMIT = 50;

const NOT_CONNECTED = 'WhatsApp is not connected.';
const INTERRUPTED = 'Sending was interrupted.';

export interface WhatsAppChannelDeps {
  connection: WhatsAppConnection;
  store: Store;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** How long "not on WhatsApp" is believed before the number is asked about again. */
  notOnWhatsAppRecheckMs?: number;
}

type ChatResolution = { ok: true; chatId: string } | { ok: false; result: SendResult };

export class WhatsAppChannel implements Channel {
  readonly id = 'whatsapp' as const;
  readonly idempotentSend = false;
  readonly carriesMedia = true;
  private readonly holder: ChannelStatusHolder;
  private readonly recheckMs: number;
  private readonly unsubscribe: () => void;
  /** Inbound messages are translated one after another, so a slow lid lookup cannot reorder them. */
  private inbound: Promise<void> = Promise.resolve();

  constructor(private readonly deps: WhatsAppChannelDeps) {
    this.recheckMs = deps.notOnWhatsAppRecheckMs ?? DEFAULT_NOT_ON_WHATSAPP_RECHECK_MS;
    this.holder = new ChannelStatusHolder(channelStatusOf(deps.connection.status()), deps.logger);
    this.unsubscribe = deps.connection.onStatusChange((status) => this.holder.set(channelStatusOf(status)));
  }

  status(): ChannelStatus {
    return this.holder.get();
  }

  onStatusChange(listener: (status: ChannelStatus) => void): () => void {
    return this.holder.subscribe(listener);
  }

  probe(): Promise<ChannelStatus> {
    // The session reports every change itself (and the watchdog restarts it): nothing to ask.
    return Promise.resolve(this.holder.get());
  }

  async send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (signal?.aborted === true) return failure({ kind: 'transient', reason: INTERRUPTED });
    const client = this.deps.connection.readyClient();
    if (client === null) return failure({ kind: 'channel-down', reason: this.status().reason ?? NOT_CONNECTED });
    if (message.text.trim() === '' && message.media === null) return failure({ kind: 'permanent', reason: 'The message is empty.' });

    const chat = await this.resolveChat(client, message, signal);
    if (!chat.ok) return chat.result;

    try {
      const sent = await untilAborted(client.sendMessage(chat.chatId, message.text, message.media), signal);
      return { ok: true, providerMessageId: sent.id };
    } catch (error) {
      if (error instanceof AbortedError) return failure({ kind: 'transient', reason: INTERRUPTED });
      const kind = classifyWhatsAppFailure(error);
      if (kind !== 'other') this.deps.connection.reportBroken(client, error);
      if (kind === 'broken-not-run') return failure({ kind: 'channel-down', reason: 'WhatsApp stopped responding; it is being restarted.', detail: errorMessage(error) });
      // The send may have reached WhatsApp: a retry is the engine's call, never "not accepted".
      return failure({ kind: 'transient', reason: 'WhatsApp did not confirm the message.', detail: errorMessage(error) });
    }
  }

  async lookup(query: LookupQuery, signal?: AbortSignal): Promise<LookupResult> {
    const client = this.deps.connection.readyClient();
    if (client === null) return { outcome: 'unknown', reason: NOT_CONNECTED };
    try {
      const chatId = await this.chatIdForLookup(client, query, signal);
      // No WhatsApp account (or no way to reach them): nothing can have been sent.
      if (chatId === null) return { outcome: 'not-sent' };
      const messages = await untilAborted(client.latestMessages(chatId, LOOKUP_MESSAGE_LIMIT), signal);
      const since = query.claimedAt - LOOKUP_MARGIN_MS;
      const match = messages.find((m) => m.fromMe && m.at >= since && sameContent(m, query));
      return match === undefined ? { outcome: 'not-sent' } : { outcome: 'sent', providerMessageId: match.id, sentAt: match.at };
    } catch (error) {
      if (error instanceof AbortedError) return { outcome: 'unknown', reason: 'the check was interrupted' };
      if (classifyWhatsAppFailure(error) !== 'other') this.deps.connection.reportBroken(client, error);
      this.deps.logger.warn('Could not read the WhatsApp chat to reconcile a delivery', { error: errorMessage(error) });
      return { outcome: 'unknown', reason: `WhatsApp could not show the chat: ${errorMessage(error)}` };
    }
  }

  onReceipt(listener: (receipt: DeliveryReceipt) => void): () => void {
    return this.deps.connection.onAck((messageId, ack) => {
      const level = receiptLevel(ack);
      if (ack === WHATSAPP_ACK.error) this.deps.logger.warn('WhatsApp reports a message as not delivered', { messageId });
      if (level !== null) listener({ providerMessageId: messageId, level, at: this.deps.clock.now() });
    });
  }

  /** Customers' messages, in the order WhatsApp delivered them. Returns an unsubscribe function. */
  onIncoming(listener: (message: IncomingMessage) => void): () => void {
    return this.deps.connection.onMessage((message, client) => {
      this.inbound = this.inbound
        .then(async () => {
          const incoming = await toIncomingMessage(message, client, this.deps.logger, this.deps.clock.now());
          if (incoming !== null) listener(incoming);
        })
        .catch((error: unknown) => this.deps.logger.error('An incoming WhatsApp message could not be handled', { id: message.id, error: errorMessage(error) }));
    });
  }

  close(): void {
    this.unsubscribe();
  }

  // --- resolving recipients ---------------------------------------------------------------------

  private async resolveChat(client: WhatsAppClient, message: OutboundMessage, signal: AbortSignal | undefined): Promise<ChatResolution> {
    if (message.whatsappId !== null) return { ok: true, chatId: message.whatsappId };
    const phone = message.to;
    if (phone === null) {
      return { ok: false, result: failure({ kind: 'permanent', code: 'no-phone', reason: 'This contact has no phone number and no WhatsApp id.' }) };
    }
    const cached = this.deps.store.whatsappIdentities.findByPhone(phone);
    if (cached?.status === 'on' && cached.whatsappId !== null) return { ok: true, chatId: cached.whatsappId };
    if (cached?.status === 'not-on' && cached.checkedAt !== null && this.deps.clock.now() - cached.checkedAt < this.recheckMs) {
      return { ok: false, result: notOnWhatsApp(phone) };
    }

    let id: string | null;
    try {
      id = await untilAborted(client.getNumberId(digitsOf(phone)), signal);
    } catch (error) {
      if (error instanceof AbortedError) return { ok: false, result: failure({ kind: 'transient', reason: INTERRUPTED }) };
      // Nothing was sent yet, whatever went wrong: a broken session is simply down.
      if (classifyWhatsAppFailure(error) !== 'other') {
        this.deps.connection.reportBroken(client, error);
        return { ok: false, result: failure({ kind: 'channel-down', reason: 'WhatsApp stopped responding; it is being restarted.', detail: errorMessage(error) }) };
      }
      return { ok: false, result: failure({ kind: 'transient', reason: 'WhatsApp could not check the number.', detail: errorMessage(error) }) };
    }
    this.remember(phone, id);
    return id === null ? { ok: false, result: notOnWhatsApp(phone) } : { ok: true, chatId: id };
  }

  private async chatIdForLookup(client: WhatsAppClient, query: LookupQuery, signal: AbortSignal | undefined): Promise<string | null> {
    if (query.whatsappId !== null) return query.whatsappId;
    if (query.to === null) return null;
    const cached = this.deps.store.whatsappIdentities.findByPhone(query.to);
    if (cached?.status === 'on' && cached.whatsappId !== null) return cached.whatsappId;
    const id = await untilAborted(client.getNumberId(digitsOf(query.to)), signal);
    this.remember(query.to, id);
    return id;
  }

  /** Caches getNumberId's answer on the contact. A failure to write only costs a lookup next time. */
  private remember(phone: string, id: string | null): void {
    const { store, clock, events, logger } = this.deps;
    const at = clock.now();
    try {
      const written = store.write(() => (id === null ? store.whatsappIdentities.recordNotOnWhatsApp(phone, at) : store.whatsappIdentities.recordOnWhatsApp(phone, id, at)));
      if (written) events.dataChanged('contacts');
    } catch (error) {
      logger.error('Could not remember a WhatsApp number lookup', { error: errorMessage(error) });
    }
  }
}

export function channelStatusOf(status: WhatsAppStatus): ChannelStatus {
  switch (status.state) {
    case 'ready':
      return { state: 'ready', reason: null };
    case 'starting':
      return { state: 'connecting', reason: status.reason ?? 'Connecting to WhatsApp…' };
    case 'qr':
      return { state: 'connecting', reason: 'Waiting for the QR code to be scanned (Settings → Channels → WhatsApp).' };
    case 'authenticating':
      return { state: 'connecting', reason: 'Linking WhatsApp…' };
    case 'disconnected':
      // Never linked (no session, not logged out by the phone): nothing is broken, it is not set up
      // yet — the status bar and the tray must not raise an alarm for a channel the shop never used.
      if (!status.hasSession && !status.loggedOutByPhone) return { state: 'not-configured', reason: status.reason ?? NOT_CONNECTED };
      return { state: 'down', reason: status.reason ?? NOT_CONNECTED };
    case 'failed':
      return { state: 'down', reason: status.reason ?? NOT_CONNECTED };
  }
}

function receiptLevel(ack: number): ReceiptLevel | null {
  switch (ack) {
    case WHATSAPP_ACK.server:
      return 'server';
    case WHATSAPP_ACK.device:
      return 'delivered';
    case WHATSAPP_ACK.read:
      return 'read';
    case WHATSAPP_ACK.played:
      return 'played';
    default:
      return null;
  }
}

function sameContent(message: WhatsAppMessage, query: LookupQuery): boolean {
  if (normalise(message.body) !== normalise(query.text)) return false;
  if (query.mediaFileName === null) return !message.hasMedia;
  // WhatsApp keeps a document's name, not a photo's or a video's.
  return message.hasMedia && (message.fileName === null || message.fileName === query.mediaFileName);
}

function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n').trim();
}

function notOnWhatsApp(phone: string): SendResult {
  return failure({ kind: 'permanent', code: 'not-on-whatsapp', reason: `${phone} is not on WhatsApp.` });
}

function failure(error: ChannelError): SendResult {
  return { ok: false, error };
}

class AbortedError extends Error {}

/** `work`, or an AbortedError as soon as `signal` aborts (the call itself cannot be cancelled). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(new AbortedError('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
