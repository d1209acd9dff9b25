import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundAction } from '../../../shared/domain';
import type { NewInboundMessage } from './inbound-repository';
import { openTempStore, type TempStore } from './test-store';

describe('InboundRepository: the confirmations the app stopped while sending', () => {
  let t: TempStore;
  let next = 1;
  beforeEach(() => {
    t = openTempStore();
  });
  afterEach(() => t.cleanup());

  const message = (extra: Partial<NewInboundMessage> = {}): NewInboundMessage => ({
    channel: 'sms',
    provider: 'smsgate',
    providerMessageId: `event-${next++}`,
    fromPhone: '+4915112345678',
    fromWhatsappId: null,
    body: 'STOP',
    receivedAt: 1_000,
    ...extra,
  });

  /** A stored STOP whose actions end with `confirmation`, written as given (old shapes included). */
  const stored = (confirmation: Record<string, unknown> | null, extra: Partial<NewInboundMessage> = {}): number => {
    const id = t.store.inbound.insert(message(extra), 2_000);
    if (id === undefined) throw new Error('not stored');
    const actions: unknown[] = [{ kind: 'opted-out', keyword: 'STOP' }, ...(confirmation === null ? [] : [confirmation])];
    t.store.db.prepare('UPDATE inbound_messages SET actions = ? WHERE id = ?').run(JSON.stringify(actions), id);
    return id;
  };

  it('finds the ones in state sending, and the old "being sent" marks, with what sending them again takes', () => {
    const sending = stored({ kind: 'confirmation', state: 'sending', detail: '' });
    const oldMark = stored(
      { kind: 'confirmation', sent: false, detail: 'Being sent by WhatsApp…' },
      { channel: 'whatsapp', provider: 'whatsapp', providerMessageId: 'wa-1', fromWhatsappId: '4915112345678@c.us' },
    );
    stored({ kind: 'confirmation', state: 'sent', detail: 'Sent by SMS: “Bye”' });
    stored({ kind: 'confirmation', state: 'failed', detail: 'The gateway is off' });
    stored({ kind: 'confirmation', state: 'perhaps-sent', detail: '' });
    stored({ kind: 'confirmation', sent: true, detail: 'Sent by SMS: “Bye”' });
    stored({ kind: 'confirmation', sent: false, detail: 'Not sent: the gateway is off' });
    stored({ kind: 'confirmation', sent: false, detail: 'Perhaps sent by SMS: the app stopped while sending it, and it is not sent twice.' });
    stored(null);

    expect(t.store.inbound.confirmationsBeingSent()).toEqual([
      {
        id: sending,
        contactId: null,
        channel: 'sms',
        provider: 'smsgate',
        providerMessageId: expect.stringMatching(/^event-/),
        fromPhone: '+4915112345678',
        fromWhatsappId: null,
        actions: [
          { kind: 'opted-out', keyword: 'STOP' },
          { kind: 'confirmation', state: 'sending', detail: '' },
        ],
      },
      {
        id: oldMark,
        contactId: null,
        channel: 'whatsapp',
        provider: 'whatsapp',
        providerMessageId: 'wa-1',
        fromPhone: '+4915112345678',
        fromWhatsappId: '4915112345678@c.us',
        actions: [
          { kind: 'opted-out', keyword: 'STOP' },
          { kind: 'confirmation', state: 'sending', detail: '' },
        ],
      },
    ]);
  });

  it('setConfirmation replaces an old-shape confirmation in place, in the new shape', () => {
    const id = stored({ kind: 'confirmation', sent: false, detail: 'Being sent by SMS…' });
    const perhaps: Extract<InboundAction, { kind: 'confirmation' }> = { kind: 'confirmation', state: 'perhaps-sent', detail: '' };
    expect(t.store.inbound.setConfirmation(id, perhaps)).toBe(true);
    const row = t.store.db.prepare<[number], { actions: string }>('SELECT actions FROM inbound_messages WHERE id = ?').get(id);
    expect(JSON.parse(row?.actions ?? '[]')).toEqual([{ kind: 'opted-out', keyword: 'STOP' }, perhaps]);
    expect(t.store.inbound.confirmationsBeingSent()).toEqual([]);
  });
});
