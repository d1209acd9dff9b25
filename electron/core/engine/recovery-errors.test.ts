/**
 * Start-up recovery when settling ONE interrupted delivery goes wrong (the channel's lookup throws,
 * or the database refuses that row's write): the others are settled in the same pass, and the
 * one that failed stays claimed — never sent twice, never dropped — and is recovered in a later
 * pass.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelId, LookupQuery, LookupResult } from '../channels/channel';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { createEngineStore } from './engine-store';
import { EngineWorld } from './engine-test-support';
import { recoverClaimed, type RecoveryDeps } from './recovery';

const PHONES = ['+4915100000001', '+4915100000002', '+4915100000003'];

let w: EngineWorld;
afterEach(async () => {
  await w.cleanup();
});

/** Three deliveries on `channel` left claimed by a crash, one per customer; their ids in order. */
function crashLeftThreeClaimed(channel: ChannelId): number[] {
  w = new EngineWorld({ withWhatsApp: true });
  const sequence = w.sequence(channel, [{ delayAmount: 0, body: 'Hello {{first_name}}' }], 'Welcome');
  const messageId = sequence.messages[0];
  if (messageId === undefined) throw new Error('no message');
  const now = w.clock.now();
  return PHONES.map((phone, i) => {
    const subscriptionId = w.subscribe(sequence.id, phone, `Customer${i}`);
    return w.store.write(() => {
      const id = w.store.deliveries.claim(
        { subscriptionId, messageId, channel, dueAt: now, deliveryKey: `key-${i}`, renderedText: `Hello Customer${i}`, fallback: null },
        now,
      );
      w.store.subscriptions.setNextDue(subscriptionId, null, now);
      return id;
    });
  });
}

/** WhatsApp's chat has every message (they all went out before the crash); asking about `broken`'s throws. */
function lookupThrowingFor(broken: () => boolean): (query: LookupQuery) => Promise<LookupResult> {
  return (query) => {
    if (query.to === PHONES[1] && broken()) return Promise.reject(new Error('Evaluation failed: the chat is not loaded'));
    return Promise.resolve({ outcome: 'sent', providerMessageId: `wa-${query.deliveryKey}` });
  };
}

interface Logged {
  message: string;
  details: Record<string, unknown> | undefined;
}

function recoveryDeps(errors: Logged[]): RecoveryDeps {
  const logger: Logger = { ...silentLogger, error: (message, details) => errors.push({ message, details }) };
  return {
    env: createEngineStore(w.store, w.clock, () => w.settings.sendingContext(), path.join(w.temp.dir, 'media')),
    channel: (id) => w.channels.get(id),
    logger,
    stopped: () => false,
    sendTimeoutMs: 2 * 60_000,
    signal: new AbortController().signal,
  };
}

const statuses = (): string[] => w.deliveries().map((d) => d.status);

describe('recovery when one interrupted delivery cannot be settled', () => {
  it('a lookup that throws for the second: the first and third are settled in the same pass, the second stays claimed for a later pass', async () => {
    const ids = crashLeftThreeClaimed('whatsapp');
    let broken = true;
    w.whatsapp.lookup = lookupThrowingFor(() => broken);
    const errors: Logged[] = [];
    const deps = recoveryDeps(errors);

    const report = await recoverClaimed(deps);

    expect(statuses()).toEqual(['sent', 'claimed', 'sent']);
    expect(report).toMatchObject({ recordedSent: 2, resent: 0, failed: 0, unknown: 0 });
    expect(report.deferred).toEqual(new Map([['whatsapp', [ids[1]]]]));
    expect(errors).toEqual([
      {
        message: expect.stringContaining('stays claimed') as unknown,
        details: expect.objectContaining({ deliveryId: ids[1], channel: 'whatsapp', status: 'claimed', error: expect.stringContaining('the chat is not loaded') as unknown }) as unknown,
      },
    ]);

    broken = false;
    const later = await recoverClaimed(deps, { only: report.deferred.get('whatsapp') ?? [] });
    expect(later.recordedSent).toBe(1);
    expect(statuses()).toEqual(['sent', 'sent', 'sent']);
    expect(w.whatsapp.calls).toHaveLength(0);
  });

  it('a database write refused for the second: the first and third are settled, the second stays claimed, untouched', async () => {
    const ids = crashLeftThreeClaimed('sms');
    // The write for that one row fails (as a full disk or a damaged page would make it).
    w.store.db.exec(`CREATE TEMP TRIGGER refuse_second BEFORE UPDATE ON deliveries WHEN OLD.id = ${ids[1]}
                     BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const errors: Logged[] = [];

    const report = await recoverClaimed(recoveryDeps(errors));

    expect(statuses()).toEqual(['retrying', 'claimed', 'retrying']);
    expect(report).toMatchObject({ resent: 2 });
    expect(report.deferred).toEqual(new Map([['sms', [ids[1]]]]));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.details).toMatchObject({ deliveryId: ids[1], channel: 'sms', status: 'claimed' });
  });

  it('the engine recovers the second in a later pass of the same start once the lookup answers, sending nothing twice', async () => {
    crashLeftThreeClaimed('whatsapp');
    let secondLookups = 0;
    // Only the first look-up of the second throws.
    w.whatsapp.lookup = lookupThrowingFor(() => ++secondLookups === 1);

    await w.engine.start();
    await w.engine.waitForIdle();

    expect(statuses()).toEqual(['sent', 'sent', 'sent']);
    expect(w.whatsapp.calls).toHaveLength(0);
  });

  it('a lookup that keeps throwing leaves the second claimed (not lost, not sent again) while the others are settled; the next start settles it', async () => {
    crashLeftThreeClaimed('whatsapp');
    let broken = true;
    w.whatsapp.lookup = lookupThrowingFor(() => broken);

    await w.engine.start();
    await w.engine.waitForIdle();
    expect(statuses()).toEqual(['sent', 'claimed', 'sent']);

    await w.engine.stop();
    broken = false;
    w.engine = w.newEngine();
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(statuses()).toEqual(['sent', 'sent', 'sent']);
    expect(w.whatsapp.calls).toHaveLength(0);
  });
});
