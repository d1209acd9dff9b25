/** How a sequence's messages go out, as a small chip: "Test mode", "SMS", "WhatsApp" — or "No channel". */
import type { ChannelIdName } from '../../../shared/domain';
import { CHANNEL_LABELS } from '../lib/delivery-labels';

export function ChannelChip({ channel }: { channel: ChannelIdName | null }) {
  return (
    <span
      className={`chip channel-chip channel-chip-${channel ?? 'none'}`}
      title={channel === null ? 'No way of sending chosen yet: due messages wait.' : `Sent by ${CHANNEL_LABELS[channel]}`}
      data-testid="channel-chip"
      data-channel={channel ?? 'none'}
    >
      {channel === null ? 'No channel' : CHANNEL_LABELS[channel]}
    </span>
  );
}
