/** What every SMS provider tells the owner in the same words. */

export const MEDIA_NOT_SENT = 'The attachment was not sent: SMS carries text only.';
export const NO_PHONE = 'Not sent by SMS: this customer is known only by their WhatsApp id, without a phone number.';
