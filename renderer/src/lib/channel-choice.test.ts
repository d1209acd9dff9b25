import { describe, expect, it } from 'vitest';
import { choiceOf, smsDropsMedia, updateFor, usesChannel, type ChannelChoice } from './channel-choice';

describe('channel choice', () => {
  it('round-trips every choice through the sequence’s fields', () => {
    for (const choice of ['none', 'test', 'sms', 'whatsapp', 'whatsapp-sms'] satisfies ChannelChoice[]) {
      expect(choiceOf(updateFor(choice))).toBe(choice);
    }
  });

  it('stores "WhatsApp, else SMS" as WhatsApp with the SMS fallback, and clears the fallback otherwise', () => {
    expect(updateFor('whatsapp-sms')).toEqual({ channel: 'whatsapp', smsFallback: true });
    expect(updateFor('sms')).toEqual({ channel: 'sms', smsFallback: false });
    expect(updateFor('none')).toEqual({ channel: null, smsFallback: false });
  });

  it('ignores a leftover fallback on a channel other than WhatsApp', () => {
    expect(choiceOf({ channel: 'sms', smsFallback: true })).toBe('sms');
  });
});

describe('smsDropsMedia', () => {
  it('warns always for SMS, sometimes for WhatsApp else SMS, never otherwise', () => {
    expect(smsDropsMedia({ channel: 'sms', smsFallback: false })).toBe('always');
    expect(smsDropsMedia({ channel: 'whatsapp', smsFallback: true })).toBe('sometimes');
    expect(smsDropsMedia({ channel: 'whatsapp', smsFallback: false })).toBeNull();
    expect(smsDropsMedia({ channel: 'test', smsFallback: false })).toBeNull();
  });
});

describe('usesChannel', () => {
  it('counts SMS as used by WhatsApp-else-SMS sequences', () => {
    expect(usesChannel({ channel: 'whatsapp', smsFallback: true }, 'sms')).toBe(true);
    expect(usesChannel({ channel: 'whatsapp', smsFallback: false }, 'sms')).toBe(false);
    expect(usesChannel({ channel: 'whatsapp', smsFallback: false }, 'whatsapp')).toBe(true);
  });
});
