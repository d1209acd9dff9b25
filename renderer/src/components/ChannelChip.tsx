/** How a sequence's messages go out, as a small chip: "Test mode", "SMS", "WhatsApp", "WhatsApp, else SMS" — or "No channel". */
import type { ChannelIdName } from '../../../shared/domain';
import { CHANNEL_LABELS } from '../lib/delivery-labels';

export function ChannelChip({ channel, smsFallback = false }: { channel: ChannelIdName | null; smsFallback?: boolean }) {
  const label = channel === null ? 'No channel' : channel === 'whatsapp' && smsFallback ? 'WhatsApp, else SMS' : CHANNEL_LABELS[channel];
  return (
    <span
      className={`chip channel-chip channel-chip-${channel ?? 'none'}`}
      title={channel === null ? 'No way of sending chosen yet: due messages wait.' : `Sent by ${label}`}
      data-testid="channel-chip"
      data-channel={channel ?? 'none'}
    >
      {label}
    </span>
  );
}
