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

  it('finds the ones in state sending, with what sending them again takes; rows in the released old shape are never among them', () => {
    const sending = stored(
      { kind: 'confirmation', state: 'sending', detail: '' },
      { channel: 'whatsapp', provider: 'whatsapp', providerMessageId: 'wa-1', fromWhatsappId: '4915112345678@c.us' },
    );
    stored({ kind: 'confirmation', state: 'sent', detail: 'Sent by SMS: “Bye”' });
    stored({ kind: 'confirmation', state: 'failed', detail: 'The gateway is off' });
    stored({ kind: 'confirmation', state: 'perhaps-sent', detail: '' });
    stored({ kind: 'confirmation', sent: true, detail: 'Sent by SMS: “Bye”' });
    stored({ kind: 'confirmation', sent: false, detail: 'Not sent: the gateway is off' });
    // Its text is no mark: the old shape never recorded a send in progress.
    stored({ kind: 'confirmation', sent: false, detail: 'Being sent by WhatsApp…' });
    stored(null);

    expect(t.store.inbound.confirmationsBeingSent()).toEqual([
      {
        id: sending,
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
    const id = stored({ kind: 'confirmation', sent: false, detail: 'Not sent: the gateway is off' });
    const sent: Extract<InboundAction, { kind: 'confirmation' }> = { kind: 'confirmation', state: 'sent', detail: 'Sent by SMS: “Bye”' };
    expect(t.store.inbound.setConfirmation(id, sent)).toBe(true);
    const row = t.store.db.prepare<[number], { actions: string }>('SELECT actions FROM inbound_messages WHERE id = ?').get(id);
    expect(JSON.parse(row?.actions ?? '[]')).toEqual([{ kind: 'opted-out', keyword: 'STOP' }, sent]);
  });
});
