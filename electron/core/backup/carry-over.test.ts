/**
 * Carry-over on real database files, with a WhatsApp-like channel (not idempotent) whose lookup
 * reads "the chat": the messages that really went out, and only those sent at or after the time
 * it is asked to look back to. A message that went out before the restore must be found there by
 * the restored app's recovery, so the customer gets it exactly once.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LookupQuery, LookupResult, OutboundMessage, SendResult } from '../channels/channel';
import { DeliveryEngine } from '../engine/delivery-engine';
import { DAY, EngineWorld, HOUR, MINUTE, ZONE, type SentRecord } from '../engine/engine-test-support';
import { silentLogger } from '../logger';
import { SettingsService } from '../services/settings-service';
import { openStore, type Store } from '../store/store';
import { carryOver } from './carry-over';

const MACHINE = { timeZone: ZONE, country: 'DE' };
const PHONE = '+4915100000001';
const UNCONFIRMED: SendResult = { ok: false, error: { kind: 'transient', reason: 'WhatsApp did not confirm the message.' } };

let w: EngineWorld;
let restored: Store | null = null;
/** Messages that reached WhatsApp although the send did not say so (timed out, not confirmed). */
let wentOutUnconfirmed: SentRecord[] = [];

afterEach(async () => {
  await w.engine.stop();
  restored?.close();
  restored = null;
  await w.cleanup();
});

/** Every message that reached the chat: the confirmed sends and the unconfirmed ones that went out anyway. */
const chat = (): SentRecord[] => [...w.whatsapp.sent, ...wentOutUnconfirmed];

/** `lookupTellsTime`: the chat says when the message went out, as WhatsApp does (the app then records that time). */
function setUp(lookupTellsTime = true): void {
  w = new EngineWorld({ withWhatsApp: true });
  wentOutUnconfirmed = [];
  const sequence = w.sequence('whatsapp', [{ delayAmount: 0 }], 'Welcome');
  w.subscribe(sequence.id, PHONE, 'Anna');
  w.whatsapp.lookup = (query: LookupQuery) => {
    const found = chat().find((m) => m.message.to === query.to && m.message.text === query.text && m.at >= query.claimedAt);
    if (found === undefined) return Promise.resolve<LookupResult>({ outcome: 'not-sent' });
    const providerMessageId = `wa-${found.at}`;
    return Promise.resolve<LookupResult>(lookupTellsTime ? { outcome: 'sent', providerMessageId, sentAt: found.at } : { outcome: 'sent', providerMessageId });
  };
}

/** The next send reaches WhatsApp but does not come back as sent. Settles once it has reached WhatsApp. */
function answerWentOutUnconfirmed(result: SendResult | null): Promise<void> {
  return new Promise<void>((reached) => {
    w.whatsapp.answer((message: OutboundMessage) => {
      wentOutUnconfirmed.push({ message, at: w.clock.now() });
      reached();
      // null: it never answers (the send is in flight when the app stops).
      return result ?? new Promise<SendResult>(() => undefined);
    });
  });
}

async function takeBackup(): Promise<string> {
  const file = path.join(w.temp.dir, `backup-${w.clock.now()}.db`);
  await w.store.backupTo(file);
  return file;
}

/** What a restore does (core-host.ts): stop, keep the replaced database, carry it into a copy of the backup, start on that copy. */
async function restoreFrom(backupPath: string): Promise<void> {
  await w.engine.stop();
  const replacedPath = path.join(w.temp.dir, 'before-restore.db');
  await w.store.backupTo(replacedPath);
  const restoredPath = path.join(w.temp.dir, 'restored.db');
  copyFileSync(backupPath, restoredPath);
  const store = openStore(restoredPath);
  restored = store;
  const mediaDir = path.join(w.temp.dir, 'media');
  carryOver(store, replacedPath, { clock: w.clock, logger: silentLogger, machine: MACHINE, mediaDir });
  const settings = new SettingsService({ store, events: w.events, clock: w.clock, logger: silentLogger }, MACHINE);
  w.engine = new DeliveryEngine({
    store,
    events: w.events,
    clock: w.clock,
    timers: w.timers,
    logger: silentLogger,
    channels: w.channels,
    context: () => settings.sendingContext(),
    mediaDir,
    random: () => 0.5,
    whatsappSettings: () => settings.whatsapp(),
  });
  await w.engine.start();
}

function restoredSentAt(): number | null {
  if (restored === null) throw new Error('nothing was restored');
  return restored.db.prepare<[], { sent_at: number | null }>('SELECT sent_at FROM deliveries').get()?.sent_at ?? null;
}

function restoredDeliveries(): Array<{ status: string; provider_message_id: string | null }> {
  if (restored === null) throw new Error('nothing was restored');
  return restored.db.prepare<[], { status: string; provider_message_id: string | null }>('SELECT status, provider_message_id FROM deliveries ORDER BY id').all();
}

describe('carry-over of WhatsApp deliveries', () => {
  it('a send that went out unconfirmed before the restore is found in the chat afterwards, not sent again', async () => {
    setUp();
    const backup = await takeBackup(); // before anything went out
    void answerWentOutUnconfirmed(UNCONFIRMED);
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying', failing_since: expect.any(Number) as unknown });
    // The owner restores half an hour later, while it waits for its retry.
    w.clock.advance(30 * MINUTE);

    await restoreFrom(backup);
    await w.runFor(3 * DAY);

    expect(chat()).toHaveLength(1);
    expect(restoredDeliveries()).toEqual([{ status: 'sent', provider_message_id: `wa-${chat()[0]?.at}` }]);
  });

  it('a send in flight when the restore stopped the app is found in the chat afterwards, not sent again', async () => {
    setUp();
    const backup = await takeBackup();
    const reached = answerWentOutUnconfirmed(null);
    await w.engine.start();
    await reached;
    expect(w.deliveries()[0]).toMatchObject({ status: 'claimed' });
    // WhatsApp is slow to answer; the restore stops the app 90 seconds into the send.
    w.clock.advance(90_000);

    await restoreFrom(backup);
    await w.runFor(3 * DAY);

    expect(chat()).toHaveLength(1);
    expect(restoredDeliveries()).toEqual([{ status: 'sent', provider_message_id: `wa-${chat()[0]?.at}` }]);
  });

  it('a retry that the backup holds too, and that went out unconfirmed after the backup, is found in the chat, not sent again', async () => {
    setUp();
    // WhatsApp is down at the first attempt: the delivery waits for a retry, no run of failures.
    w.whatsapp.answer({ ok: false, error: { kind: 'channel-down', reason: 'WhatsApp is not connected.' } });
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying', failing_since: null });
    const backup = await takeBackup();
    // It comes back; the retry goes out but WhatsApp does not confirm it.
    void answerWentOutUnconfirmed(UNCONFIRMED);
    w.whatsapp.setStatus({ state: 'ready', reason: null });
    await w.runUntil(w.clock.now() + DAY, () => w.deliveries()[0]?.failing_since !== null);
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying' });
    expect(chat()).toHaveLength(1);

    await restoreFrom(backup);
    await w.runFor(3 * DAY);

    expect(chat()).toHaveLength(1);
    expect(restoredDeliveries()).toEqual([{ status: 'sent', provider_message_id: `wa-${chat()[0]?.at}` }]);
  });

  it.each([
    { lookupTellsTime: true, recorded: 'the time the chat shows' },
    { lookupTellsTime: false, recorded: 'the time of its last attempt' },
  ])('a message that went out, unconfirmed, after WhatsApp was down for 20 hours is recorded as sent at $recorded, not at its first attempt', async ({ lookupTellsTime }) => {
    setUp(lookupTellsTime);
    const backup = await takeBackup();
    const start = w.clock.now();
    w.whatsapp.answer({ ok: false, error: { kind: 'channel-down', reason: 'WhatsApp is not connected.' } });
    await w.engine.start();
    await w.engine.waitForIdle();
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying', failing_since: null });
    // Twenty hours later WhatsApp is back; the retry goes out but is not confirmed.
    w.clock.advance(20 * HOUR);
    void answerWentOutUnconfirmed(UNCONFIRMED);
    w.whatsapp.setStatus({ state: 'ready', reason: null });
    await w.runUntil(w.clock.now() + DAY, () => w.deliveries()[0]?.failing_since !== null);
    const wentOutAt = chat()[0]?.at ?? 0;
    expect(wentOutAt).toBeGreaterThanOrEqual(start + 20 * HOUR);
    w.clock.advance(30 * MINUTE);

    await restoreFrom(backup);
    await w.runFor(HOUR);

    expect(chat()).toHaveLength(1);
    expect(restoredDeliveries()).toEqual([{ status: 'sent', provider_message_id: `wa-${wentOutAt}` }]);
    // The next message's delay counts from the send: 20 hours early would send it 20 hours too soon.
    expect(restoredSentAt()).toBeGreaterThanOrEqual(wentOutAt - 2 * MINUTE);
    expect(restoredSentAt()).toBeLessThanOrEqual(wentOutAt);
  });

  it('a message WhatsApp kept failing on before the restore keeps its attempts, and still gives up two days after its first failure, not two days after the restore', async () => {
    setUp();
    const backup = await takeBackup();
    const start = w.clock.now();
    const unreachable: SendResult = { ok: false, error: { kind: 'transient', reason: 'WhatsApp could not be reached.' } };
    w.whatsapp.answer(...Array.from({ length: 300 }, () => unreachable));
    await w.engine.start();
    await w.runFor(36 * HOUR);
    expect(w.deliveries()[0]).toMatchObject({ status: 'retrying', failing_since: start });

    const attemptsBefore = w.deliveries()[0]?.attempts ?? 0;
    expect(attemptsBefore).toBeGreaterThan(5);

    await restoreFrom(backup);
    // The attempts made before the restore still count (the backup knew none of them).
    expect(restored?.db.prepare<[], { attempts: number }>('SELECT attempts FROM deliveries').get()?.attempts).toBeGreaterThanOrEqual(attemptsBefore);
    await w.runUntil(start + 50 * HOUR);

    expect(chat()).toHaveLength(0);
    expect(restoredDeliveries()).toEqual([{ status: 'failed', provider_message_id: null }]);
  });
});
