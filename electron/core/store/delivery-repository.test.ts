import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NEXT_RETRY_SQL, RETRY_PROFILES, retryProfileCode, retryRoutes, type RetryProfile } from './delivery-repository';
import { openTempStore, queryPlan, type TempStore } from './test-store';

describe('DeliveryRepository', () => {
  let t: TempStore;
  beforeEach(() => {
    t = openTempStore();
  });
  afterEach(() => t.cleanup());

  const run = (sql: string, ...params: unknown[]): number => Number(t.store.db.prepare(sql).run(...params).lastInsertRowid);
  let contacts = 0;

  /** A subscription of a new contact to a new sequence with one message, and a delivery of it. */
  function delivery(fields: { sequenceChannel: string; smsFallback?: boolean; channel: string; status: string; phone?: boolean; fallback?: string | null; failingSince?: number | null; key?: string; providerId?: string | null; nextAttemptAt?: number | null }): number {
    contacts++;
    const sequence = run(
      "INSERT INTO sequences (name, name_key, description, channel, sms_fallback, created_at, updated_at) VALUES (?, ?, '', ?, ?, 1, 1)",
      `S${contacts}`,
      `s${contacts}`,
      fields.sequenceChannel,
      fields.smsFallback === true ? 1 : 0,
    );
    const message = run(`INSERT INTO messages (sequence_id, position, name, delay_amount, delay_unit, created_at, updated_at) VALUES (?, 1, 'Hi', 0, 'minutes', 1, 1)`, sequence);
    const phone = fields.phone === false ? null : `+49151${String(10_000_000 + contacts)}`;
    const contact = run(
      `INSERT INTO contacts (phone, whatsapp_id, name, name_key, source, consent_at, created_at, updated_at) VALUES (?, ?, '', '', 'manual', 1, 1, 1)`,
      phone,
      `${contacts}@lid`,
    );
    const subscription = run(
      `INSERT INTO subscriptions (contact_id, sequence_id, status, source, subscribed_at, created_at, updated_at) VALUES (?, ?, 'active', 'manual', 1, 1, 1)`,
      contact,
      sequence,
    );
    return run(
      `INSERT INTO deliveries (subscription_id, message_id, channel, status, delivery_key, attempts, due_at, next_attempt_at, failing_since, fallback,
                               provider_message_id, sent_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?, ?, 1, 1)`,
      subscription,
      message,
      fields.channel,
      fields.status,
      fields.key ?? `key-${contacts}`,
      fields.nextAttemptAt ?? (fields.status === 'retrying' ? contacts : null),
      fields.failingSince ?? null,
      fields.fallback ?? null,
      fields.providerId ?? null,
      fields.status === 'sent' ? 1 : null,
    );
  }

  describe('retry routing', () => {
    it('computes in SQL the same profile the engine routes by, for every profile a retry can have', () => {
      const rows = RETRY_PROFILES.map((profile: RetryProfile) => ({
        profile,
        id: delivery({
          sequenceChannel: profile.sequence.channel,
          smsFallback: profile.sequence.smsFallback,
          channel: profile.delivery.channel,
          status: 'retrying',
          phone: profile.hasPhone,
          fallback: profile.delivery.handedToSms ? 'not-on-whatsapp' : null,
          failingSince: profile.delivery.failing ? 5 : null,
        }),
      }));
      const { deliveries } = t.store;
      for (const { profile, id } of rows) {
        const only = retryRoutes((candidate) => retryProfileCode(candidate) === retryProfileCode(profile));
        expect(deliveries.nextRetry(only), JSON.stringify(profile)).toEqual({ id, at: expect.any(Number) as unknown });
        expect(deliveries.retriesDueOn(only, Number.MAX_SAFE_INTEGER)).toBe(1);
      }
      expect(deliveries.nextRetry(retryRoutes(() => false))).toBeUndefined();
      expect(deliveries.retriesDueOn(retryRoutes(() => true), Number.MAX_SAFE_INTEGER)).toBe(RETRY_PROFILES.length);
    });

    it('finds the oldest routed retry from the retry index, without sorting', () => {
      const plan = queryPlan(t.store.db, NEXT_RETRY_SQL, { routes: ',1,' });
      expect(plan).toContain('SEARCH d USING INDEX deliveries_retry_due (status=?)');
      expect(plan).not.toContain('TEMP B-TREE');
    });
  });

  describe('receipts', () => {
    it('moves a WhatsApp receipt forward only, matched by the provider’s message id', () => {
      const id = delivery({ sequenceChannel: 'whatsapp', channel: 'whatsapp', status: 'sent', providerId: 'true_491510@c.us_3EB0' });
      const { deliveries } = t.store;
      const receipt = (level: 'server' | 'delivered' | 'read' | 'played', at: number): string =>
        deliveries.recordReceipt({ channel: 'whatsapp', providerMessageId: 'true_491510@c.us_3EB0', level, at });
      expect(receipt('server', 10)).toBe('recorded');
      expect(receipt('read', 30)).toBe('recorded');
      // Late and repeated acknowledgements change nothing.
      expect(receipt('delivered', 20)).toBe('not-newer');
      expect(receipt('read', 31)).toBe('not-newer');
      expect(deliveries.findById(id)).toMatchObject({ receipt: 'read', receiptAt: 30 });
      expect(receipt('played', 40)).toBe('recorded');
      expect(deliveries.findById(id)).toMatchObject({ receipt: 'played', receiptAt: 40, updatedAt: 1 });
      expect(deliveries.recordReceipt({ channel: 'whatsapp', providerMessageId: 'someone-else', level: 'read', at: 50 })).toBe('unmatched');
    });

    it('matches an SMS receipt by our delivery key, on SMS deliveries only', () => {
      const sms = delivery({ sequenceChannel: 'sms', channel: 'sms', status: 'sent', key: 'sa-key-1' });
      const whatsapp = delivery({ sequenceChannel: 'whatsapp', channel: 'whatsapp', status: 'sent', key: 'sa-key-2', providerId: 'sa-key-2' });
      const { deliveries } = t.store;
      expect(deliveries.recordReceipt({ channel: 'sms', providerMessageId: 'sa-key-1', level: 'delivered', at: 10 })).toBe('recorded');
      expect(deliveries.recordReceipt({ channel: 'sms', providerMessageId: 'sa-key-2', level: 'delivered', at: 10 })).toBe('unmatched');
      expect(deliveries.recordReceipt({ channel: 'test', providerMessageId: 'sa-key-1', level: 'read', at: 10 })).toBe('unmatched');
      expect(deliveries.findById(sms)).toMatchObject({ receipt: 'delivered', receiptAt: 10 });
      expect(deliveries.findById(whatsapp)).toMatchObject({ receipt: null, receiptAt: null });
    });

    it('looks receipts up by index', () => {
      const db = t.store.db;
      expect(
        queryPlan(db, `UPDATE deliveries SET receipt = 'read' WHERE channel = 'whatsapp' AND provider_message_id = ? AND provider_message_id IS NOT NULL`, 'x'),
      ).toContain('deliveries_whatsapp_provider_id');
      expect(queryPlan(db, `UPDATE deliveries SET receipt = 'read' WHERE delivery_key = ? AND delivery_key IS NOT NULL AND channel = 'sms'`, 'x')).toContain(
        'deliveries_key',
      );
    });
  });

  it('hands a claim WhatsApp refused to SMS under a new key, giving the attempt back', () => {
    const id = delivery({ sequenceChannel: 'whatsapp', smsFallback: true, channel: 'whatsapp', status: 'claimed', key: 'old-key' });
    const { deliveries } = t.store;
    expect(deliveries.handToSms(id, { deliveryKey: 'new-key', fallback: 'not-on-whatsapp', reason: 'Anna is not on WhatsApp; it goes out by SMS.' }, 9)).toBe(true);
    expect(deliveries.findById(id)).toMatchObject({
      status: 'retrying',
      channel: 'sms',
      deliveryKey: 'new-key',
      fallback: 'not-on-whatsapp',
      attempts: 0,
      nextAttemptAt: 9,
      error: 'Anna is not on WhatsApp; it goes out by SMS.',
    });
    // Only from claimed.
    expect(deliveries.handToSms(id, { deliveryKey: 'newer-key', fallback: 'not-on-whatsapp', reason: '' }, 10)).toBe(false);
  });
});
