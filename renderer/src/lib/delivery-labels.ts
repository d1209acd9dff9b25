/**
 * How the sending side reads in words: channels ("Test mode"), delivery states ("Sending") and
 * the engine's state for the status bar ("Paused by you"), each with the tone its dot is drawn in.
 */
import type { ChannelIdName, Delivery, EngineStatus } from '../../../shared/domain';

export type DeliveryStatus = Delivery['status'];

export const CHANNEL_LABELS: Record<ChannelIdName, string> = {
  test: 'Test mode',
  sms: 'SMS',
  whatsapp: 'WhatsApp',
};

/** `claimed` is an internal word: to the owner the message is on its way. */
export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, string> = {
  claimed: 'Sending',
  retrying: 'Retrying',
  sent: 'Sent',
  failed: 'Failed',
  unknown: 'Unknown',
  skipped: 'Skipped',
};

/** What each status means, for the filter's tooltip and the row's title. */
export const DELIVERY_STATUS_HINTS: Record<DeliveryStatus, string> = {
  claimed: 'Being handed to the channel right now.',
  retrying: 'The channel could not take it yet; it is tried again automatically.',
  sent: 'Handed to the channel.',
  failed: 'It could not be sent; the reason is shown.',
  unknown: 'The app stopped while sending it, so it is not known whether it went out. Decide: send again, or mark as sent.',
  skipped: 'Not sent, on purpose (e.g. more late than the catch-up setting allows).',
};

export type Tone = 'success' | 'warning' | 'danger' | 'neutral';

export interface EngineStateView {
  label: string;
  tone: Tone;
}

export function engineStateView(status: Pick<EngineStatus, 'state' | 'pausedByOwner'>): EngineStateView {
  switch (status.state) {
    case 'running':
      // "Running", not "Sending": most of the time the engine is waiting for the next due message.
      return { label: 'Running', tone: 'success' };
    case 'paused':
      return { label: status.pausedByOwner ? 'Paused by you' : 'Paused', tone: 'warning' };
    case 'waiting-for-channel':
      return { label: 'Waiting for a channel', tone: 'danger' };
    case 'idle':
      return { label: 'Idle', tone: 'neutral' };
  }
}

/** "3 / 200 today", or "3 today" without a cap. */
export function sentTodayLabel(sentToday: number, dailyCap: number | null): string {
  const sent = sentToday.toLocaleString('en-GB');
  return dailyCap === null ? `${sent} sent today` : `${sent} / ${dailyCap.toLocaleString('en-GB')} sent today`;
}

export type Receipt = NonNullable<Delivery['receipt']>;

export interface ReceiptView {
  /** "Sent ✓", "Delivered ✓✓", "Read ✓✓", "Played ✓✓". */
  label: string;
  /** The ticks alone, for a narrow cell. */
  ticks: string;
  hint: string;
}

const RECEIPT_VIEWS: Record<Receipt, ReceiptView> = {
  server: { label: 'Sent ✓', ticks: '✓', hint: 'The channel’s server has it; not yet on the customer’s phone.' },
  delivered: { label: 'Delivered ✓✓', ticks: '✓✓', hint: 'On the customer’s phone, not read yet.' },
  read: { label: 'Read ✓✓', ticks: '✓✓', hint: 'The customer has read it.' },
  played: { label: 'Played ✓✓', ticks: '✓✓', hint: 'The customer has played the voice message or video.' },
};

/** How far a sent message got (WhatsApp's ticks, an SMS delivery report); null when nothing came back. */
export function receiptView(receipt: Delivery['receipt']): ReceiptView | null {
  return receipt === null ? null : RECEIPT_VIEWS[receipt];
}
