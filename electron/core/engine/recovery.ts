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
}

const INTERRUPTED = 'The app stopped while this was being sent; it is sent again safely (the gateway ignores a duplicate).';

export async function recoverClaimed(deps: RecoveryDeps): Promise<RecoveryReport> {
  const { env, logger } = deps;
  const report: RecoveryReport = { resent: 0, recordedSent: 0, failed: 0, unknown: 0 };
  for (const delivery of env.store.deliveries.claimed()) {
    if (deps.stopped()) return report;
    const channel = deps.channel(delivery.channel);
    const now = env.clock.now();

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
            env.store.deliveries.markRetrying(delivery.id, { nextAttemptAt: at, error: INTERRUPTED, refund: false }, at);
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
  if (report.resent + report.recordedSent + report.failed + report.unknown > 0) logger.info('Recovered interrupted deliveries', { ...report });
  return report;
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
