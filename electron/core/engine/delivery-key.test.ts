import { describe, expect, it } from 'vitest';
import { smsGateMessageId } from '../channels/sms/smsgate';
import { newDeliveryKey } from './delivery-key';

describe('newDeliveryKey', () => {
  it('gives every delivery its own key, which SMSGate stores as it is', () => {
    const keys = Array.from({ length: 10_000 }, () => newDeliveryKey());
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys.slice(0, 100)) {
      expect(key).toMatch(/^sa-[0-9a-f]{32}$/);
      expect(smsGateMessageId(key)).toBe(key);
    }
  });
});
