/**
 * What of WhatsApp's incoming traffic is a customer writing to the shop, translated into the
 * IncomingMessage every inbound source produces (inbound/incoming-message.ts).
 *
 * Ignored: the shop's own messages (sent from the phone or another linked device), groups,
 * status updates, broadcast lists, channels (newsletters), and WhatsApp's system messages
 * (encryption notices, revoked messages, call logs, undecryptable placeholders).
 *
 * Senders arrive as `<number>@c.us` or, more and more, as a privacy id `<n>@lid`. For a privacy
 * id the number is asked of WhatsApp (getContactLidAndPhone), which reveals it for people in
 * the shop's contacts or chats; otherwise the message goes on with `fromPhone: null` and the lid
 * as the id to reply to, so replies, STOP and auto-subscription still work by WhatsApp id.
 */
import type { IncomingMessage } from '../../inbound/incoming-message';
import { errorMessage } from '../../errors';
import type { Logger } from '../../logger';
import type { WhatsAppClient, WhatsAppMessage } from './whatsapp-client';
import { phoneOfWhatsAppId, whatsAppIdKind } from './whatsapp-ids';

/** whatsapp-web.js message types that are not something a person wrote. */
const SYSTEM_TYPES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'group_notification',
  'gp2',
  'protocol',
  'revoked',
  'call_log',
  'ciphertext',
  'broadcast_notification',
  'debug',
  'reaction',
]);

/** Whether a message is a customer writing to the shop directly. */
export function isFromCustomer(message: WhatsAppMessage): boolean {
  if (message.fromMe || message.isStatus || message.broadcast) return false;
  if (SYSTEM_TYPES.has(message.type)) return false;
  const kind = whatsAppIdKind(message.from);
  return kind === 'phone' || kind === 'lid';
}

/** The IncomingMessage for a customer's message, or null when it is not one (see isFromCustomer). */
export async function toIncomingMessage(message: WhatsAppMessage, client: WhatsAppClient, logger: Logger, now: number): Promise<IncomingMessage | null> {
  if (!isFromCustomer(message)) return null;
  let fromPhone: string | null;
  let fromWhatsappId: string;
  let fromWhatsappLid: string | null;
  if (whatsAppIdKind(message.from) === 'phone') {
    fromPhone = phoneOfWhatsAppId(message.from);
    fromWhatsappId = message.from;
    fromWhatsappLid = null;
  } else {
    const phoneId = await phoneBehindLid(message.from, client, logger);
    fromPhone = phoneId === null ? null : phoneOfWhatsAppId(phoneId);
    fromWhatsappId = fromPhone === null || phoneId === null ? message.from : phoneId;
    fromWhatsappLid = message.from;
  }
  const profileName = message.notifyName?.trim() ?? '';
  return {
    channel: 'whatsapp',
    provider: 'whatsapp',
    providerMessageId: message.id,
    fromPhone,
    fromWhatsappId,
    fromWhatsappLid,
    profileName: profileName === '' ? null : profileName,
    text: message.body,
    // whatsapp-web.js gives 0 for a message whose time it does not know.
    receivedAt: message.at > 0 ? message.at : now,
  };
}

async function phoneBehindLid(lid: string, client: WhatsAppClient, logger: Logger): Promise<string | null> {
  try {
    const [answer] = await client.getContactLidAndPhone([lid]);
    const pn = answer?.pn ?? null;
    return pn !== null && whatsAppIdKind(pn) === 'phone' ? pn : null;
  } catch (error) {
    // The message still counts; it is kept by its privacy id.
    logger.warn('Could not look up the number behind a WhatsApp privacy id', { lid, error: errorMessage(error) });
    return null;
  }
}
