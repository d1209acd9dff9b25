import { describe, expect, it } from 'vitest';
import { InboundActionSchema, InboundMessageSchema } from './inbound';

describe('InboundActionSchema: the confirmation carries its state', () => {
  it.each(['sending', 'sent', 'failed', 'perhaps-sent'] as const)('reads a confirmation that is %s as it was written', (state) => {
    const action = { kind: 'confirmation', state, detail: state === 'failed' ? 'The gateway is off' : '' };
    expect(InboundActionSchema.parse(action)).toEqual(action);
  });

  it('refuses a confirmation with neither a state nor the old sent flag, or with an unknown state', () => {
    expect(InboundActionSchema.safeParse({ kind: 'confirmation', detail: '' }).success).toBe(false);
    expect(InboundActionSchema.safeParse({ kind: 'confirmation', state: 'queued', detail: '' }).success).toBe(false);
  });

  describe('rows stored before the state was explicit ({ sent, detail })', () => {
    it('a sent one is sent', () => {
      expect(InboundActionSchema.parse({ kind: 'confirmation', sent: true, detail: 'Sent by SMS: “Bye”' })).toEqual({
        kind: 'confirmation',
        state: 'sent',
        detail: 'Sent by SMS: “Bye”',
      });
    });

    it('one not sent failed, with the reason alone', () => {
      expect(InboundActionSchema.parse({ kind: 'confirmation', sent: false, detail: 'Not sent: WhatsApp is not linked' })).toEqual({
        kind: 'confirmation',
        state: 'failed',
        detail: 'WhatsApp is not linked',
      });
      expect(InboundActionSchema.parse({ kind: 'confirmation', sent: false, detail: 'SMS is not set up, so no confirmation was sent.' })).toEqual({
        kind: 'confirmation',
        state: 'failed',
        detail: 'SMS is not set up, so no confirmation was sent.',
      });
    });

    it('one not sent is failed whatever its text says: no old text reads as sending or perhaps sent', () => {
      for (const detail of ['Being sent by WhatsApp…', 'Perhaps sent by SMS: the app stopped while sending it, and it is not sent twice.', '']) {
        expect(InboundActionSchema.parse({ kind: 'confirmation', sent: false, detail })).toEqual({ kind: 'confirmation', state: 'failed', detail });
      }
    });

    it('the state written now wins over the old flag', () => {
      expect(InboundActionSchema.parse({ kind: 'confirmation', state: 'sending', sent: true, detail: '' })).toEqual({ kind: 'confirmation', state: 'sending', detail: '' });
      expect(InboundActionSchema.parse({ kind: 'confirmation', state: 'sent', sent: false, detail: 'Not sent: x' })).toEqual({
        kind: 'confirmation',
        state: 'sent',
        detail: 'Not sent: x',
      });
    });
  });

  it('an inbox row read back (the contract checks what the core answers) keeps its confirmation', () => {
    const row = {
      id: 1,
      channel: 'sms',
      provider: 'smsgate',
      fromPhone: '+4915112345678',
      fromWhatsappId: null,
      contactId: 2,
      contactName: null,
      body: 'STOP',
      receivedAt: 1,
      actions: [
        { kind: 'opted-out', keyword: 'STOP' },
        { kind: 'confirmation', sent: false, detail: 'Not sent: the gateway is off' },
      ],
    };
    const once = InboundMessageSchema.parse(row);
    expect(once.actions[1]).toEqual({ kind: 'confirmation', state: 'failed', detail: 'the gateway is off' });
    expect(InboundMessageSchema.parse(once)).toEqual(once);
  });
});
