import { describe, expect, it } from 'vitest';
import { RETRY_PROFILES, retryProfileCode } from '../store/delivery-repository';
import { afterNotOnWhatsApp, fallbackNote, laneRoutes, NEW_WORK, NORMAL_ROUTING, routeOf, type RoutedWork, type SequenceRouting } from './routing';

const WHATSAPP_ELSE_SMS: SequenceRouting = { channel: 'whatsapp', smsFallback: true };
const WHATSAPP_ONLY: SequenceRouting = { channel: 'whatsapp', smsFallback: false };
const SMS_STANDS_IN = { smsStandsIn: true };
const retry = (channel: 'test' | 'sms' | 'whatsapp', extra: Partial<NonNullable<RoutedWork['retry']>> = {}, hasPhone = true): RoutedWork => ({
  retry: { channel, fallback: null, failing: false, ...extra },
  hasPhone,
});

describe('routeOf: which queue serves a piece of work', () => {
  it('sends through the sequence’s channel, and nowhere while it has none', () => {
    expect(routeOf({ channel: 'sms', smsFallback: false }, NEW_WORK, SMS_STANDS_IN)).toEqual({ channel: 'sms', fallback: null });
    expect(routeOf({ channel: 'test', smsFallback: false }, retry('sms'), NORMAL_ROUTING)).toEqual({ channel: 'test', fallback: null });
    expect(routeOf({ channel: null, smsFallback: true }, NEW_WORK, SMS_STANDS_IN)).toBeNull();
  });

  it('never moves a WhatsApp-only sequence to SMS, however long WhatsApp is down', () => {
    expect(routeOf(WHATSAPP_ONLY, NEW_WORK, SMS_STANDS_IN)).toEqual({ channel: 'whatsapp', fallback: null });
    expect(routeOf(WHATSAPP_ONLY, retry('sms', { fallback: 'not-on-whatsapp' }), SMS_STANDS_IN)).toEqual({ channel: 'whatsapp', fallback: null });
  });

  it('"WhatsApp, else SMS" goes by WhatsApp normally and by SMS while SMS stands in, saying why', () => {
    expect(routeOf(WHATSAPP_ELSE_SMS, NEW_WORK, NORMAL_ROUTING)).toEqual({ channel: 'whatsapp', fallback: null });
    expect(routeOf(WHATSAPP_ELSE_SMS, NEW_WORK, SMS_STANDS_IN)).toEqual({ channel: 'sms', fallback: 'whatsapp-down' });
    // A retry that never reached WhatsApp (channel down, or recovery found nothing) moves too.
    expect(routeOf(WHATSAPP_ELSE_SMS, retry('whatsapp'), SMS_STANDS_IN)).toEqual({ channel: 'sms', fallback: 'whatsapp-down' });
  });

  it('never sends a contact without a phone number by SMS', () => {
    const noPhone = { retry: null, hasPhone: false };
    expect(routeOf(WHATSAPP_ELSE_SMS, noPhone, SMS_STANDS_IN)).toEqual({ channel: 'whatsapp', fallback: null });
    expect(routeOf(WHATSAPP_ELSE_SMS, retry('whatsapp', {}, false), SMS_STANDS_IN)).toEqual({ channel: 'whatsapp', fallback: null });
  });

  it('keeps a delivery handed to SMS on SMS, also once WhatsApp is back (its key is known there)', () => {
    expect(routeOf(WHATSAPP_ELSE_SMS, retry('sms', { fallback: 'not-on-whatsapp' }), NORMAL_ROUTING)).toEqual({ channel: 'sms', fallback: 'not-on-whatsapp' });
    expect(routeOf(WHATSAPP_ELSE_SMS, retry('sms', { fallback: 'whatsapp-down', failing: true }), NORMAL_ROUTING)).toEqual({ channel: 'sms', fallback: 'whatsapp-down' });
  });

  it('keeps a WhatsApp delivery that may have reached WhatsApp on WhatsApp, also while SMS stands in', () => {
    expect(routeOf(WHATSAPP_ELSE_SMS, retry('whatsapp', { failing: true }), SMS_STANDS_IN)).toEqual({ channel: 'whatsapp', fallback: null });
  });

  it('moves a retry left on SMS from before the owner chose "WhatsApp, else SMS" with the sequence', () => {
    expect(routeOf(WHATSAPP_ELSE_SMS, retry('sms'), NORMAL_ROUTING)).toEqual({ channel: 'whatsapp', fallback: null });
    expect(routeOf(WHATSAPP_ELSE_SMS, retry('sms'), SMS_STANDS_IN)).toEqual({ channel: 'sms', fallback: 'whatsapp-down' });
  });
});

describe('afterNotOnWhatsApp', () => {
  it('sends by SMS only when the sequence allows it and there is a phone number', () => {
    expect(afterNotOnWhatsApp(WHATSAPP_ELSE_SMS, true)).toBe('sms');
    expect(afterNotOnWhatsApp(WHATSAPP_ELSE_SMS, false)).toBe('fail');
    expect(afterNotOnWhatsApp(WHATSAPP_ONLY, true)).toBe('fail');
  });
});

describe('fallbackNote', () => {
  it('says why a message went by SMS', () => {
    expect(fallbackNote('not-on-whatsapp', 'Anna Schmidt')).toBe('Sent by SMS: Anna Schmidt is not on WhatsApp.');
    expect(fallbackNote('whatsapp-down', 'Anna Schmidt')).toBe('Sent by SMS: WhatsApp was not connected.');
  });
});

describe('laneRoutes', () => {
  const sequences = [
    { id: 1, name: 'Welcome', active: true, channel: 'whatsapp' as const, smsFallback: true },
    { id: 2, name: 'Offers', active: true, channel: 'whatsapp' as const, smsFallback: false },
    { id: 3, name: 'Reminders', active: true, channel: 'sms' as const, smsFallback: false },
    { id: 4, name: 'Paused', active: false, channel: 'sms' as const, smsFallback: false },
  ];

  it('gives each queue the active sequences whose new work it serves now', () => {
    expect(laneRoutes('whatsapp', sequences, NORMAL_ROUTING).sequenceIds).toEqual([1, 2]);
    expect(laneRoutes('sms', sequences, NORMAL_ROUTING).sequenceIds).toEqual([3]);
    expect(laneRoutes('whatsapp', sequences, SMS_STANDS_IN).sequenceIds).toEqual([2]);
    expect(laneRoutes('sms', sequences, SMS_STANDS_IN).sequenceIds).toEqual([1, 3]);
  });

  it('gives every possible retry to exactly one queue, in every situation', () => {
    for (const conditions of [NORMAL_ROUTING, SMS_STANDS_IN]) {
      const codes = (['test', 'sms', 'whatsapp'] as const).map((channel) => laneRoutes(channel, [], conditions).retries.codes);
      for (const profile of RETRY_PROFILES) {
        const code = `,${retryProfileCode(profile)},`;
        expect(codes.filter((list) => list.includes(code)), JSON.stringify(profile)).toHaveLength(1);
      }
    }
  });
});
