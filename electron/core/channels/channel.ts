import type { channelIds } from '../../../shared/contract';
import type { Logger } from '../logger';

/**
 * What every outbound channel (test mode, SMS providers, later WhatsApp) offers the delivery
 * engine (DESIGN.md §5–§6).
 *
 * Contract the engine relies on:
 * - `send` never rejects for anything the outside world does (network, provider, bad number): it
 *   resolves with a `SendResult`. Every failure carries a `ChannelError` whose `kind` tells the
 *   engine what to do:
 *     transient     retry later with backoff (counts as an attempt): timeouts, 5xx, 429, resets.
 *                   The message MAY have reached the provider, so a retry must reuse the same
 *                   `deliveryKey` (safe where `idempotentSend`).
 *     permanent     this message will never go through (invalid number, refused content): mark
 *                   the delivery failed with `reason` and move on / stop per the setting.
 *     channel-down  the channel itself cannot send right now (login rejected, gateway
 *                   unreachable, WhatsApp unlinked). NOT the message's fault: do not count an
 *                   attempt; pause this channel's queue until `status()` is `ready` again. The
 *                   message was not accepted by the provider.
 * - `deliveryKey` is the idempotency key of one (subscription, message) delivery. Where
 *   `idempotentSend` is true, sending the same key twice reaches the customer at most once, so
 *   start-up recovery may simply resend a `claimed` delivery with its key. A deliberate
 *   "send again" by the owner must use a NEW key (e.g. suffix an attempt number), or the
 *   provider will treat it as the same message.
 * - Otherwise recovery asks `lookup` (when present) or marks the delivery `unknown`.
 * - Status: `status()` is the last known state and never does I/O. While a channel is down the
 *   engine calls `probe()` now and then (e.g. on its one-minute safety tick); a channel may also
 *   change state by itself (a successful send makes it ready, a rejected login makes it down).
 *   `onStatusChange` reports every change, so the UI and the engine can react.
 * - `reason` strings are for a shop owner (shown in the activity log and status bar); `detail`
 *   holds what a technician needs (HTTP status, provider message).
 */

/** The channels a sequence can be set to send through. */
export type ChannelId = (typeof channelIds)[number];

export interface MediaAttachment {
  /** A file inside the app's data folder (never a path the renderer chose). */
  filePath: string;
  mimeType: string;
  fileName: string;
}

export interface OutboundMessage {
  /** Stable id of the (subscription, message) delivery: the idempotency key. */
  deliveryKey: string;
  /**
   * E.164, e.g. +4915123456789. Null for a contact known only by a WhatsApp id (an inbound
   * `…@lid` whose number WhatsApp did not reveal): SMS providers answer `permanent` with
   * code 'no-phone'.
   */
  to: string | null;
  /** The contact's cached WhatsApp id (`…@c.us` or `…@lid`), if known; WhatsApp sends to it. */
  whatsappId: string | null;
  /** The rendered text (template placeholders already filled in). */
  text: string;
  media: MediaAttachment | null;
}

export type ChannelErrorKind = 'transient' | 'permanent' | 'channel-down';

/**
 * Machine-readable cause of a permanent failure, where the engine acts on it:
 * - not-on-whatsapp: the number has no WhatsApp account (a "WhatsApp, else SMS" sequence sends
 *   the message by SMS instead);
 * - invalid-number: no provider could ever reach it;
 * - no-phone: the contact has no phone number (known only by a WhatsApp privacy id).
 */
export type ChannelErrorCode = 'not-on-whatsapp' | 'invalid-number' | 'no-phone';

export interface ChannelError {
  kind: ChannelErrorKind;
  code?: ChannelErrorCode;
  /** Readable for a shop owner. */
  reason: string;
  /** For a technician: HTTP status, provider message, error code. */
  detail?: string;
  /** The provider asked us to wait at least this long (HTTP Retry-After). */
  retryAfterMs?: number;
}

export type SendResult =
  | {
      ok: true;
      /** The provider's id of the message (SMSGate: our key). */
      providerMessageId: string;
      /** The provider already had this key: accepted earlier, not sent again. */
      deduplicated?: boolean;
      /** Something the owner should know although it went out, e.g. "the attachment was not sent: SMS carries text only". */
      note?: string;
    }
  | { ok: false; error: ChannelError };

export type ChannelState = 'ready' | 'connecting' | 'down' | 'not-configured';

export interface ChannelStatus {
  state: ChannelState;
  /** Why it is not ready, readable for a shop owner; null when ready. */
  reason: string | null;
}

/** What recovery knows about a claimed delivery when it asks the channel about it. */
export interface LookupQuery {
  deliveryKey: string;
  to: string | null;
  whatsappId: string | null;
  /** The rendered text that was being sent. */
  text: string;
  /** The attached file's name, if any (WhatsApp compares it with the chat's media messages). */
  mediaFileName: string | null;
  /** When the claim was written: the send cannot have happened before it. */
  claimedAt: number;
}

/**
 * A later acknowledgement of a sent message (WhatsApp's message_ack, SMSGate's sms:delivered),
 * matched to the delivery by the provider's message id. Receipts only ever move forward.
 */
export type ReceiptLevel = 'server' | 'delivered' | 'read' | 'played';
export interface DeliveryReceipt {
  providerMessageId: string;
  level: ReceiptLevel;
  at: number;
}

/** What a provider knows about a delivery key, for start-up recovery of `claimed` deliveries. */
export type LookupResult =
  /**
   * The provider has the message (queued, sent or delivered): record it as sent — at `sentAt`
   * when the provider says when it went out (the next message's delay counts from then).
   */
  | { outcome: 'sent'; providerMessageId: string; sentAt?: number }
  /** The provider never received it: safe to send. */
  | { outcome: 'not-sent' }
  /** The provider received it but it failed there (or was cancelled). */
  | { outcome: 'failed'; error: ChannelError }
  /** Could not find out (gateway unreachable, unexpected answer). */
  | { outcome: 'unknown'; reason: string };

export interface Channel {
  readonly id: ChannelId;
  /** Same `deliveryKey` twice reaches the customer at most once (see the doc block). */
  readonly idempotentSend: boolean;
  /** Whether `media` is delivered; if not, `send` sends the text and says so in `note`. */
  readonly carriesMedia: boolean;
  status(): ChannelStatus;
  /** Returns an unsubscribe function. */
  onStatusChange(listener: (status: ChannelStatus) => void): () => void;
  /** Re-checks whether the channel can send (cheap; no message is sent). */
  probe(signal?: AbortSignal): Promise<ChannelStatus>;
  /** Never rejects for outside failures; an aborted signal resolves as a transient error. */
  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult>;
  /**
   * Present when the provider can tell whether a claimed delivery went out: by its key
   * (SMSGate), by the provider's message list (Twilio), by the chat's latest outgoing messages
   * (WhatsApp). Never rejects.
   */
  lookup?(query: LookupQuery, signal?: AbortSignal): Promise<LookupResult>;
  /** Present when the provider reports receipts after the send. Returns an unsubscribe function. */
  onReceipt?(listener: (receipt: DeliveryReceipt) => void): () => void;
}

/** Holds a channel's last known status and tells listeners when it changes. */
export class ChannelStatusHolder {
  private current: ChannelStatus;
  private readonly listeners = new Set<(status: ChannelStatus) => void>();

  constructor(
    initial: ChannelStatus,
    private readonly logger: Logger,
  ) {
    this.current = initial;
  }

  get(): ChannelStatus {
    return this.current;
  }

  set(next: ChannelStatus): void {
    if (next.state === this.current.state && next.reason === this.current.reason) return;
    this.current = next;
    for (const listener of [...this.listeners]) {
      // A failing listener must not turn a send result into a rejection (see Channel.send).
      try {
        listener(next);
      } catch (error) {
        this.logger.error('A channel status listener failed', { error: String(error) });
      }
    }
  }

  subscribe(listener: (status: ChannelStatus) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

export const READY: ChannelStatus = { state: 'ready', reason: null };
