import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../../shared/domain';
import { deliveryTimes } from './delivery-times';

const ZONE = 'Europe/Berlin';
// 2025-11-27 13:00 UTC = 14:00 in Berlin.
const NOW = Date.UTC(2025, 10, 27, 13, 0);
const MINUTE = 60_000;

function delivery(patch: Partial<Delivery>): Delivery {
  return {
    id: 1,
    subscriptionId: 1,
    sequenceId: 1,
    sequenceName: 'Car enquiry',
    messageId: 1,
    messageName: 'Welcome',
    contactName: 'Maria',
    phone: '+4915112345678',
    channel: 'test',
    status: 'sent',
    attempts: 1,
    dueAt: NOW - 5 * MINUTE,
    sentAt: NOW,
    nextAttemptAt: null,
    renderedText: 'Hi Maria',
    error: null,
    providerMessageId: null,
    receipt: null,
    receiptAt: null,
    updatedAt: NOW,
    ...patch,
  };
}

describe('deliveryTimes', () => {
  it('shows when a message went out, in the business zone, with when it was due', () => {
    expect(deliveryTimes(delivery({}), NOW, ZONE)).toEqual({ main: 'Sent today 14:00', sub: 'due today 13:55' });
  });

  it('shows the next attempt of a retry', () => {
    expect(deliveryTimes(delivery({ status: 'retrying', sentAt: null, nextAttemptAt: NOW + 24 * 60 * MINUTE }), NOW, ZONE).main).toBe('Next try tomorrow 14:00');
  });

  it('shows the due time of what never went out', () => {
    expect(deliveryTimes(delivery({ status: 'skipped', sentAt: null }), NOW, ZONE)).toEqual({ main: 'Due today 13:55', sub: null });
    expect(deliveryTimes(delivery({ status: 'failed', sentAt: null }), NOW, ZONE).main).toBe('Failed today 14:00');
  });
});
