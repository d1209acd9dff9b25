/**
 * The editor's "Send by" choice: one list for the owner — Test mode, SMS, WhatsApp, or "WhatsApp,
 * else SMS" — stored as the sequence's `channel` plus `smsFallback`.
 */
import type { ChannelIdName, SequenceSummary } from '../../../shared/domain';

export type ChannelChoice = 'none' | 'test' | 'sms' | 'whatsapp' | 'whatsapp-sms';

export function choiceOf(sequence: Pick<SequenceSummary, 'channel' | 'smsFallback'>): ChannelChoice {
  if (sequence.channel === null) return 'none';
  if (sequence.channel === 'whatsapp' && sequence.smsFallback) return 'whatsapp-sms';
  return sequence.channel;
}

export function updateFor(choice: ChannelChoice): { channel: ChannelIdName | null; smsFallback: boolean } {
  switch (choice) {
    case 'none':
      return { channel: null, smsFallback: false };
    case 'whatsapp-sms':
      return { channel: 'whatsapp', smsFallback: true };
    default:
      return { channel: choice, smsFallback: false };
  }
}

/**
 * Whether a message's attachment may be dropped: SMS carries text only. 'always' when the
 * sequence sends by SMS, 'sometimes' with "WhatsApp, else SMS", null otherwise.
 */
export function smsDropsMedia(sequence: Pick<SequenceSummary, 'channel' | 'smsFallback'>): 'always' | 'sometimes' | null {
  if (sequence.channel === 'sms') return 'always';
  if (sequence.channel === 'whatsapp' && sequence.smsFallback) return 'sometimes';
  return null;
}

/** Whether the sequence ever sends by SMS, or by WhatsApp (for the banners under the header). */
export function usesChannel(sequence: Pick<SequenceSummary, 'channel' | 'smsFallback'>, channel: 'sms' | 'whatsapp'): boolean {
  if (channel === 'whatsapp') return sequence.channel === 'whatsapp';
  return sequence.channel === 'sms' || (sequence.channel === 'whatsapp' && sequence.smsFallback);
}
