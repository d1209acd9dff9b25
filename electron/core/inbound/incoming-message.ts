/**
 * A message a customer sent the shop, as every inbound source hands it to the inbound handling
 * (inbound-service.ts): the WhatsApp session, SMSGate's sms:received webhook, Twilio's
 * incoming-message webhook. Sources only translate their provider's format into this; what the
 * message DOES (auto-subscription, STOP/START, stop-on-reply) is decided in one place.
 */
export interface IncomingMessage {
  channel: 'whatsapp' | 'sms';
  provider: 'whatsapp' | 'smsgate' | 'twilio' | 'test';
  /** The provider's id of the message (SMSGate: the webhook event id): a repeat is ignored. */
  providerMessageId: string;
  /**
   * The sender's number when the source knows it (SMS always; WhatsApp for `…@c.us` or a resolved
   * `…@lid`): E.164 from WhatsApp; as the gateway reports it from SMS (it may be national, or an
   * alphanumeric sender such as "VODAFONE"). The inbound handling normalises it with the default
   * country; a sender that is no phone number is logged in the inbox but becomes no contact.
   */
  fromPhone: string | null;
  /** WhatsApp only: the id to reply to (`…@c.us`, or `…@lid` when the number stayed hidden). */
  fromWhatsappId: string | null;
  /** WhatsApp only: the privacy id the message came from, when it came as `…@lid`. */
  fromWhatsappLid: string | null;
  /** The name the customer gave themselves on WhatsApp, if any (a new contact's name). */
  profileName: string | null;
  text: string;
  receivedAt: number;
}

/**
 * Where sources deliver incoming messages. Resolves once the message is stored and acted on
 * (committed); rejects, with nothing of the message written, when it could not be — a webhook
 * then answers 5xx so the gateway sends it again. A repeat of a stored message resolves.
 */
export interface IncomingMessageSink {
  receive(message: IncomingMessage): Promise<void>;
}
