import { describe, expect, it } from 'vitest';
import { senderDetail, senderName } from './inbound-sender';

describe('senderName and senderDetail', () => {
  it('names a known contact, with the number beneath', () => {
    const message = { contactName: 'Anna', fromPhone: '+4915112345678', fromWhatsappId: '4915112345678@c.us' };
    expect(senderName(message)).toBe('Anna');
    expect(senderDetail(message)).toBe('+4915112345678');
  });

  it('falls back to the number, shown once', () => {
    const message = { contactName: null, fromPhone: '+4915112345678', fromWhatsappId: null };
    expect(senderName(message)).toBe('+4915112345678');
    expect(senderDetail(message)).toBeNull();
  });

  it('calls a customer known only by a WhatsApp privacy id a WhatsApp contact', () => {
    const message = { contactName: '', fromPhone: null, fromWhatsappId: '123456789@lid' };
    expect(senderName(message)).toBe('WhatsApp contact');
    expect(senderDetail(message)).toBe('Number not shared');
  });
});
