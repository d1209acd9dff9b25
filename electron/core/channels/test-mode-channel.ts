/**
 * "Test mode": a channel that sends nothing. It hands each message, with its rendered text, to an
 * injected recorder (the engine writes it to the activity log) and reports success, so an owner
 * can try a sequence safely. It is never chosen silently: a sequence must be set to it.
 *
 * Resending a key is harmless (nothing reaches a customer), so it counts as idempotent; the
 * recorder should key its entries by `deliveryKey` if it must not show a recovered resend twice.
 */
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { ChannelStatusHolder, READY, type Channel, type ChannelStatus, type OutboundMessage, type SendResult } from './channel';

export interface TestModeRecord {
  deliveryKey: string;
  to: string | null;
  text: string;
  /** What would have been attached. */
  media: { fileName: string; mimeType: string } | null;
  providerMessageId: string;
  /** When it "went out" (UTC epoch ms). */
  at: number;
}

export interface TestModeChannelDeps {
  /** Stores the record; may throw (the send then fails as transient and is retried). */
  record: (entry: TestModeRecord) => void;
  clock: Clock;
  logger: Logger;
}

/** The synthetic provider id of a test-mode delivery: stable per key, obviously not real. */
export const testModeMessageId = (deliveryKey: string): string => `test-${deliveryKey}`;

export class TestModeChannel implements Channel {
  readonly id = 'test' as const;
  readonly idempotentSend = true;
  readonly carriesMedia = true;
  private readonly statusHolder: ChannelStatusHolder;

  constructor(private readonly deps: TestModeChannelDeps) {
    this.statusHolder = new ChannelStatusHolder(READY, deps.logger);
  }

  status(): ChannelStatus {
    return this.statusHolder.get();
  }

  onStatusChange(listener: (status: ChannelStatus) => void): () => void {
    return this.statusHolder.subscribe(listener);
  }

  probe(): Promise<ChannelStatus> {
    return Promise.resolve(this.statusHolder.get());
  }

  send(message: OutboundMessage, signal?: AbortSignal): Promise<SendResult> {
    if (signal?.aborted === true) {
      return Promise.resolve({ ok: false, error: { kind: 'transient', reason: 'Sending was interrupted; it will be retried.' } });
    }
    const providerMessageId = testModeMessageId(message.deliveryKey);
    try {
      this.deps.record({
        deliveryKey: message.deliveryKey,
        to: message.to,
        text: message.text,
        media: message.media === null ? null : { fileName: message.media.fileName, mimeType: message.media.mimeType },
        providerMessageId,
        at: this.deps.clock.now(),
      });
    } catch (error) {
      return Promise.resolve({
        ok: false,
        error: { kind: 'transient', reason: 'Test mode could not record the message; it will be retried.', detail: String(error) },
      });
    }
    return Promise.resolve({ ok: true, providerMessageId });
  }
}
