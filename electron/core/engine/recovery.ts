/**
 * Start-up recovery of deliveries left `claimed` by a crash (DESIGN.md §5): the claim was written,
 * the send may or may not have reached the provider, the result was never recorded.
 *
 * Per delivery, by what its channel can do:
 * 1. The channel is idempotent (SMSGate drops a second message with the same `id`; test mode
 *    reaches nobody): send again with the SAME key, through the normal queue (pacing, window).
 *    The delivery goes to `retrying` due now; the interrupted attempt stays counted.
 * 2. The channel can look the key up: sent → recorded as sent; never received → retried as in 1;
 *    failed there → failed (and the permanent-failure setting applies); cannot tell → unknown.
 * 3. Otherwise (or the channel is no longer configured): `unknown`, shown to the owner with
 *    "send again" / "mark as sent". The subscription moves on meanwhile.
 * Never sent twice, never silently lost: every claimed row ends in one of these states.
 *
 * WhatsApp is the channel of case 2 (channels/whatsapp/): its lookup reads the chat's latest
 * outgoing messages and compares text, attachment and time with the claim — found → `sent` with
 * that message's id; not there → sent again through the queue; cannot tell (not connected, the
 * chat could not be read) → `unknown`.
 * A channel that can look up but is not ready YET is waited for rather than asked: WhatsApp takes
 * seconds to a minute to connect after start-up, and asking it at once would turn every
 * interrupted send into `unknown` for the owner to settle by hand. So start-up recovery `defer`s
 * the claims of such channels; the engine holds that channel's queue (nothing is sent there
 * before its claims are settled), keeps every other channel going, and recovers the deferred
 * claims (`only`) as soon as the channel reports ready. The wait is bounded (the engine's
 * RECOVERY_WAIT_MS): a WhatsApp that needs linking again may take days, and a message whose fate
 * is unclear must not hold its subscriber silently for that long, so past the bound the claims
 * become `unknown` (`giveUpWaiting`) with a reason that says so, and the owner decides.
 * Until they are settled the claims stay `claimed` and hold their subscriptions (nothing later
 * overtakes them); a stop meanwhile leaves them for the next start.
 */
import type { Channel, ChannelId, LookupQuery } from '../channels/channel';
import type { Delivery } from '../store/delivery-repository';
import type { Logger } from '../logger';
import { advanceSubscription } from './advance-subscription';
import type { EngineStore } from './engine-store';
import { afterPermanentFailure, markSent } from './record';

export interface RecoveryDeps {
  env: EngineStore;
  channel(id: ChannelId): Channel | null;
  logger: Logger;
  /** True once the engine is stopping: recovery stops touching the database. */
  stopped(): boolean;
  signal: AbortSignal;
}

export interface RecoveryReport {
  resent: number;
  recordedSent: number;
  failed: number;
  unknown: number;
  /** Claims left alone because `defer` said their channel must be waited for, per channel. */
  deferred: Map<ChannelId, number[]>;
}

export interface RecoveryOptions {
  /** Only these claimed deliveries (the deferred ones, once their channel is ready). Default: all. */
  only?: readonly number[];
  /** True for a channel whose claims are to be recovered later (not ready yet). */
  defer?: (channel: Channel) => boolean;
}

const INTERRUPTED = 'The app stopped while this was being sent; it is sent again safely (the gateway ignores a duplicate).';
const INTERRUPTED_NOT_SENT = 'The app stopped while this was being sent; the channel shows it did not go out, so it is sent again.';

export async function recoverClaimed(deps: RecoveryDeps, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const { env, logger } = deps;
  const report: RecoveryReport = { resent: 0, recordedSent: 0, failed: 0, unknown: 0, deferred: new Map() };
  const only = options.only === undefined ? null : new Set(options.only);
  for (const delivery of env.store.deliveries.claimed()) {
    if (deps.stopped()) return report;
    if (only !== null && !only.has(delivery.id)) continue;
    const channel = deps.channel(delivery.channel);
    const now = env.clock.now();

    if (channel !== null && options.defer?.(channel) === true) {
      const ids = report.deferred.get(channel.id) ?? [];
      ids.push(delivery.id);
      report.deferred.set(channel.id, ids);
      continue;
    }

    if (channel?.idempotentSend === true && delivery.deliveryKey !== null) {
      env.store.write(() => env.store.deliveries.markRetrying(delivery.id, { nextAttemptAt: now, error: INTERRUPTED, refund: false }, now));
      report.resent++;
      continue;
    }

    if (channel?.lookup !== undefined && delivery.deliveryKey !== null) {
      const found = await channel.lookup(lookupQuery(env, delivery, delivery.deliveryKey), deps.signal);
      if (deps.stopped()) return report;
      const at = env.clock.now();
      env.store.write(() => {
        switch (found.outcome) {
          case 'sent':
            markSent(env, delivery, { sentAt: delivery.claimedAt ?? at, providerMessageId: found.providerMessageId, note: null }, 'claimed', at);
            report.recordedSent++;
            return;
          case 'not-sent':
            env.store.deliveries.markRetrying(delivery.id, { nextAttemptAt: at, error: INTERRUPTED_NOT_SENT, refund: false }, at);
            report.resent++;
            return;
          case 'failed':
            env.store.deliveries.finish(delivery.id, 'claimed', 'failed', found.error.reason, at);
            afterPermanentFailure(env, delivery.subscriptionId, at);
            report.failed++;
            return;
          case 'unknown':
            markUnknown(env, delivery.id, delivery.subscriptionId, `The app stopped while sending this, and the channel cannot tell whether it went out (${found.reason}). Check with the customer, then choose “Send again” or “Mark as sent”.`, at);
            report.unknown++;
            return;
        }
      });
      continue;
    }

    const why = channel === null ? 'the channel is no longer set up' : 'the channel cannot tell whether it went out';
    env.store.write(() =>
      markUnknown(env, delivery.id, delivery.subscriptionId, `The app stopped while sending this, and ${why}. Check with the customer, then choose “Send again” or “Mark as sent”.`, now),
    );
    report.unknown++;
  }
  if (report.resent + report.recordedSent + report.failed + report.unknown > 0) {
    const { deferred, ...counts } = report;
    logger.info('Recovered interrupted deliveries', { ...counts, deferred: Object.fromEntries(deferred) });
  }
  return report;
}

/** The deferred claims whose channel did not become ready in time: `unknown`, with `why` in the reason. Call inside a transaction. */
export function giveUpWaiting(env: EngineStore, deliveryIds: readonly number[], why: string, now: number): number {
  let marked = 0;
  for (const id of deliveryIds) {
    const delivery = env.store.deliveries.findById(id);
    if (delivery?.status !== 'claimed') continue;
    markUnknown(env, id, delivery.subscriptionId, `The app stopped while sending this, and ${why}, so it cannot tell whether it went out. Check with the customer, then choose “Send again” or “Mark as sent”.`, now);
    marked++;
  }
  return marked;
}

/** What the channel is asked about a claimed delivery: its key, recipient, text and attachment. */
function lookupQuery(env: EngineStore, delivery: Delivery, deliveryKey: string): LookupQuery {
  const state = env.store.subscriptions.findState(delivery.subscriptionId);
  const contact = state && env.store.contacts.findById(state.contactId);
  const message = env.store.messages.findById(delivery.messageId);
  return {
    deliveryKey,
    to: contact?.phone ?? null,
    whatsappId: contact?.whatsappId ?? null,
    text: delivery.renderedText ?? '',
    mediaFileName: message?.media?.fileName ?? null,
    claimedAt: delivery.claimedAt ?? delivery.updatedAt,
  };
}

function markUnknown(env: EngineStore, deliveryId: number, subscriptionId: number, reason: string, now: number): void {
  env.store.deliveries.finish(deliveryId, 'claimed', 'unknown', reason, now);
  advanceSubscription(env, subscriptionId, now);
}
