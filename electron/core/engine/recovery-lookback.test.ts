/**
 * How far back start-up recovery asks a channel that cannot drop a repeat (WhatsApp) whether an
 * interrupted delivery went out: from its last claim, or — during a run of failures — from the
 * first failed attempt, which may have reached the customer although it timed out.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LookupQuery, LookupResult } from '../channels/channel';
import { silentLogger } from '../logger';
import { createEngineStore } from './engine-store';
import { EngineWorld, HOUR } from './engine-test-support';
import { recoverClaimed } from './recovery';

const PHONE = '+4915100000001';
const SEND_TIMEOUT_MS = 2 * 60_000;

let w: EngineWorld;
afterEach(async () => {
  await w.cleanup();
});

describe('recovery of a delivery interrupted during a run of failures', () => {
  it('finds the earlier attempt that went out in the chat, records it at that time, and sends nothing again', async () => {
    w = new EngineWorld({ withWhatsApp: true });
    const sequence = w.sequence('whatsapp', [{ delayAmount: 0, body: 'Hello' }], 'Welcome');
    const messageId = sequence.messages[0];
    if (messageId === undefined) throw new Error('no message');
    const subscriptionId = w.subscribe(sequence.id, PHONE, 'Anna');
    const now = w.clock.now();
    // The first attempt, three hours ago, timed out but reached the chat; the app stopped during the retry just claimed.
    const firstFailedAt = now - 3 * HOUR;
    const wentOutAt = firstFailedAt - SEND_TIMEOUT_MS + 30_000;
    w.store.write(() => {
      const id = w.store.deliveries.claim({ subscriptionId, messageId, channel: 'whatsapp', dueAt: now - 4 * HOUR, deliveryKey: 'key-1', renderedText: 'Hello', fallback: null }, now);
      w.store.db.prepare('UPDATE deliveries SET failing_since = ? WHERE id = ?').run(firstFailedAt, id);
      w.store.subscriptions.setNextDue(subscriptionId, null, now);
    });
    const asked: LookupQuery[] = [];
    w.whatsapp.lookup = (query) => {
      asked.push(query);
      return Promise.resolve<LookupResult>(wentOutAt >= query.claimedAt ? { outcome: 'sent', providerMessageId: 'wa-1', sentAt: wentOutAt } : { outcome: 'not-sent' });
    };

    const report = await recoverClaimed({
      env: createEngineStore(w.store, w.clock, () => w.settings.sendingContext(), path.join(w.temp.dir, 'media')),
      channel: (id) => w.channels.get(id),
      logger: silentLogger,
      stopped: () => false,
      sendTimeoutMs: SEND_TIMEOUT_MS,
      signal: new AbortController().signal,
    });

    expect(asked.map((query) => query.claimedAt)).toEqual([firstFailedAt - SEND_TIMEOUT_MS]);
    expect(report).toMatchObject({ recordedSent: 1, resent: 0 });
    expect(w.deliveries()).toMatchObject([{ status: 'sent', sent_at: wentOutAt, provider_message_id: 'wa-1' }]);
    expect(w.whatsapp.calls).toHaveLength(0);
  });
});
