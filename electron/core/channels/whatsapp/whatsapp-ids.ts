/**
 * WhatsApp's serialized ids and what they name:
 *   4915123456789@c.us   a person, by phone number
 *   123456789012345@lid  a person, by privacy id (the number stays hidden)
 *   …@g.us               a group
 *   status@broadcast     status updates; …@broadcast broadcast lists
 *   …@newsletter         a channel
 */

export type WhatsAppIdKind = 'phone' | 'lid' | 'group' | 'status' | 'broadcast' | 'newsletter' | 'other';

const PHONE_ID = /^([1-9]\d{2,14})@c\.us$/;
const LID_ID = /^\d{1,30}(:\d+)?@lid$/;

export function whatsAppIdKind(id: string): WhatsAppIdKind {
  if (PHONE_ID.test(id)) return 'phone';
  if (LID_ID.test(id)) return 'lid';
  if (id.endsWith('@g.us')) return 'group';
  if (id === 'status@broadcast') return 'status';
  if (id.endsWith('@broadcast')) return 'broadcast';
  if (id.endsWith('@newsletter')) return 'newsletter';
  return 'other';
}

/** `+4915123456789` → `4915123456789`, what getNumberId takes. */
export function digitsOf(phone: string): string {
  return phone.startsWith('+') ? phone.slice(1) : phone;
}

/** `4915123456789@c.us` → `+4915123456789`; null for any other kind of id. */
export function phoneOfWhatsAppId(id: string): string | null {
  const match = PHONE_ID.exec(id);
  return match?.[1] === undefined ? null : `+${match[1]}`;
}

/** `+4915123456789` → `4915123456789@c.us`. */
export function whatsAppIdOfPhone(phone: string): string {
  return `${digitsOf(phone)}@c.us`;
}
