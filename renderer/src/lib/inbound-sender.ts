/** Who wrote an inbound message, as the inbox names them: their name, else their number, else "WhatsApp contact". */
import type { InboundMessage } from '../../../shared/domain';
import { displayName } from './people-format';

export function senderName(message: Pick<InboundMessage, 'contactName' | 'fromPhone'>): string {
  return displayName({ name: message.contactName ?? '', phone: message.fromPhone });
}

/** The line under the name: the number when the name is shown, or that only a WhatsApp id is known. */
export function senderDetail(message: Pick<InboundMessage, 'contactName' | 'fromPhone' | 'fromWhatsappId'>): string | null {
  const named = (message.contactName ?? '').trim() !== '';
  if (message.fromPhone !== null) return named ? message.fromPhone : null;
  return message.fromWhatsappId !== null ? 'Number not shared' : null;
}
