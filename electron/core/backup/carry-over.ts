/**
 * After a restore the engine must resume WITHOUT resending what the backup had not yet recorded.
 *
 * The backup is the owner's data as it was; the world moved on since. Messages went out after it
 * was taken, customers opted out, subscriptions ended. Restoring the file alone would forget all
 * that, and the engine would send every message that went out since the backup a second time
 * (under a new key, so not even SMSGate could drop the repeat).
 *
 * The choice made here: the database being replaced is the record of what happened, and it is
 * always at hand — the restore first keeps a full copy of it (the "before restore" backup). Its
 * facts about the outside world are carried into the restored file before the engine starts:
 * - a delivery it has as `sent` is recorded as sent in the restored file too (counts, progress and
 *   next message as for any send: record.ts's markSent);
 * - a delivery that MAY have gone out (`claimed`, `retrying`, `unknown`) comes over as `claimed`
 *   with the same delivery key, so start-up recovery treats it exactly as after a crash: SMSGate
 *   gets it again under the same key and drops a repeat, WhatsApp's chat is looked at, anything
 *   else becomes `unknown` for the owner to settle. It keeps the earliest claim time and run of
 *   failures either database knew: WhatsApp's chat is looked at from the claim on, and an attempt
 *   the replaced database made before the claim the restored row has must not be missed. The
 *   same goes for a delivery the backup holds in the same state under the same key but that was
 *   attempted again since;
 * - customers who opted out since stay opted out; subscriptions unsubscribed or stopped since stay
 *   ended; the engine's pacing, heartbeat, downtimes and pause come over (no burst, no made-up
 *   downtime, a pause stays a pause).
 * - Subscriptions that the backup has but the replaced database no longer had were removed since
 *   (with their delivery history): nothing says what they received meanwhile, so they come back
 *   PAUSED for the owner to look at, rather than active and possibly repeating a message.
 * Failed and skipped deliveries are not carried: nothing reached the customer, and the engine
 *   trying once more is not a duplicate.
 *
 * Why not an append-only "sent ledger" file beside the database: it would cost a second fsync on
 * every send (the engine's bookkeeping budget is measured at synchronous=FULL), it would have to be
 * kept in step with the database by the engine itself, and it would still know less than the
 * replaced database (opt-outs, ended subscriptions, in-flight keys). Its one advantage — surviving
 * a database that can no longer be read — is covered differently: when the replaced database
 * cannot be read, nothing can be carried over, so the restored app starts with sending PAUSED
 * (`sendingPaused`) and the owner checks the Activity page before resuming.
 *
 * Everything is written in ONE transaction on the restored file, before any engine runs on it.
 */
import type { Clock } from '../clock';
import { advanceSubscription } from '../engine/advance-subscription';
import { newDeliveryKey } from '../engine/delivery-key';
import { createEngineStore, type EngineStore } from '../engine/engine-store';
import { EngineState } from '../engine/engine-state';
import { markSent } from '../engine/record';
import { EventBus } from '../events';
import type { Logger } from '../logger';
import { SettingsService, type MachineDefaults } from '../services/settings-service';
import { readReplacedHistory, RestoreRepository, type ReplacedDelivery, type ReplacedHistory } from '../store/restore-repository';
import type { Store } from '../store/store';

export interface CarryOverReport {
  sent: number;
  inFlight: number;
  optedOut: number;
  ended: number;
  paused: number;
  sendingPaused: boolean;
}

export interface CarryOverDeps {
  clock: Clock;
  logger: Logger;
  machine: MachineDefaults;
  mediaDir: string;
}

const IN_FLIGHT_WITHOUT_TEXT =
  'This message may have gone out after the backup was taken, and the backup does not say what it said. Check with the customer, then choose Send again or Mark as sent.';

/**
 * Carries what the database at `replacedPath` knew into `store` (the restored backup, open and
 * migrated). `replacedPath` null: it could not be read; sending is paused instead.
 */
export function carryOver(store: Store, replacedPath: string | null, deps: CarryOverDeps): CarryOverReport {
  const now = deps.clock.now();
  if (replacedPath === null) {
    const state = new EngineState(store.settings);
    store.write(() => state.setPausedByOwner(true));
    return { sent: 0, inFlight: 0, optedOut: 0, ended: 0, paused: 0, sendingPaused: true };
  }
  const history = readReplacedHistory(store.db, replacedPath);
  const settings = new SettingsService({ store, events: new EventBus(), clock: deps.clock, logger: deps.logger }, deps.machine);
  const env = createEngineStore(store, deps.clock, () => settings.sendingContext(), deps.mediaDir);
  const restore = new RestoreRepository(store.db);
  return store.write(() => apply(env, restore, history, now));
}

function apply(env: EngineStore, restore: RestoreRepository, history: ReplacedHistory, now: number): CarryOverReport {
  const report: CarryOverReport = { sent: 0, inFlight: 0, optedOut: 0, ended: 0, paused: 0, sendingPaused: false };
  for (const delivery of history.deliveries) {
    if (delivery.status === 'sent') {
      if (carrySent(env, delivery, now)) report.sent++;
    } else if (carryInFlight(env, restore, delivery, now)) {
      report.inFlight++;
    }
  }
  for (const { contactId, optedOutAt } of history.optOuts) {
    if (restore.optOut(contactId, optedOutAt, now)) report.optedOut++;
  }
  for (const { subscriptionId, status, endReason } of history.ended) {
    if (restore.endSubscription(subscriptionId, status, endReason, now)) report.ended++;
  }
  for (const subscriptionId of history.gone) {
    const state = env.store.subscriptions.findState(subscriptionId);
    if (state?.status !== 'active') continue;
    env.store.subscriptions.setState(subscriptionId, 'paused', { nextMessageId: state.nextMessageId, nextDueAt: null }, now);
    advanceSubscription(env, subscriptionId, now);
    report.paused++;
  }
  for (const { key, value } of history.engineSettings) restore.copySetting(key, value);
  return report;
}

/** The replaced database recorded this as sent: so does the restored one. */
function carrySent(env: EngineStore, delivery: ReplacedDelivery, now: number): boolean {
  const { deliveries } = env.store;
  const sent = { sentAt: delivery.sentAt ?? now, providerMessageId: delivery.providerMessageId, note: delivery.error };
  const { restored } = delivery;
  if (restored === null) {
    const id = deliveries.claim(
      {
        subscriptionId: delivery.subscriptionId,
        messageId: delivery.messageId,
        channel: delivery.channel,
        dueAt: delivery.dueAt,
        deliveryKey: delivery.deliveryKey ?? newDeliveryKey(),
        renderedText: delivery.renderedText ?? '',
        fallback: delivery.fallback,
      },
      now,
    );
    markSent(env, { id, messageId: delivery.messageId, subscriptionId: delivery.subscriptionId }, sent, 'claimed', now);
    return true;
  }
  const target = { id: restored.id, messageId: delivery.messageId, subscriptionId: delivery.subscriptionId };
  switch (restored.status) {
    case 'claimed':
      markSent(env, target, sent, 'claimed', now);
      return true;
    case 'retrying':
      if (!deliveries.reclaim(restored.id, now)) return false;
      markSent(env, target, sent, 'claimed', now);
      return true;
    case 'unknown':
      markSent(env, target, sent, 'unknown', now);
      return true;
    default:
      // Already sent (under another key), or settled as failed/skipped: nothing more goes out either way.
      return false;
  }
}

/**
 * The replaced database had this claimed, waiting for a retry, or unknown: it may have gone out.
 * It comes over as claimed under the same key, for start-up recovery to settle, looking back to
 * the replaced database's attempts: its last claim, and the first failed attempt of a run.
 */
function carryInFlight(env: EngineStore, restore: RestoreRepository, delivery: ReplacedDelivery, now: number): boolean {
  const { deliveries } = env.store;
  const { restored } = delivery;
  if (restored === null) {
    if (delivery.renderedText === null || delivery.deliveryKey === null) {
      deliveries.insert(
        { subscriptionId: delivery.subscriptionId, messageId: delivery.messageId, channel: delivery.channel, status: 'unknown', dueAt: delivery.dueAt, error: IN_FLIGHT_WITHOUT_TEXT, deliveryKey: delivery.deliveryKey },
        now,
      );
    } else {
      const id = deliveries.claim(
        {
          subscriptionId: delivery.subscriptionId,
          messageId: delivery.messageId,
          channel: delivery.channel,
          dueAt: delivery.dueAt,
          deliveryKey: delivery.deliveryKey,
          renderedText: delivery.renderedText,
          fallback: delivery.fallback,
        },
        now,
      );
      restore.carryAttemptTimes(id, delivery);
    }
    advanceSubscription(env, delivery.subscriptionId, now);
    return true;
  }
  if (restored.status === 'claimed') {
    // Claimed in the backup too: recovery takes it, with the attempts the replaced database made.
    restore.carryAttemptTimes(restored.id, delivery);
    return false;
  }
  if (restored.status !== 'retrying' || delivery.deliveryKey === null) {
    // Unknown (the owner decides), or settled.
    return false;
  }
  if (restored.deliveryKey !== delivery.deliveryKey && !deliveries.moveToChannel(restored.id, delivery.channel, delivery.deliveryKey, delivery.fallback, now)) {
    return false;
  }
  if (!deliveries.reclaim(restored.id, now)) return false;
  restore.carryAttemptTimes(restored.id, delivery);
  advanceSubscription(env, delivery.subscriptionId, now);
  return true;
}
