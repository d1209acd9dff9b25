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
 * Each claim is settled on its own: if settling one goes wrong (its channel's lookup throws, the
 * database refuses its write), that one is logged and left `claimed` — its transaction rolled
 * back, nothing sent, nothing assumed — and handed back with the deferred ones for a later pass
 * (the engine runs it once the channel is ready; if that fails too, the next start takes it),
 * while the pass goes on with the others.
 */
import type { Channel, ChannelId, LookupQuery } from '../channels/channel';
import type { Delivery } from '../store/delivery-repository';
import { errorStack } from '../errors';
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
  /** The engine's time limit for one send: an attempt that failed began at most this long before. */
  sendTimeoutMs: number;
}

export interface RecoveryReport {
  resent: number;
  recordedSent: number;
  failed: number;
  unknown: number;
  /**
   * Claims left `claimed` for a later pass, per channel: `defer` said their channel must be waited
   * for, or settling them failed this time (logged).
   */
  deferred: Map<ChannelId, number[]>;
}

export interface RecoveryOptions {
  /** Only these claimed deliveries (the deferred ones, once their channel is ready). Default: all. */
  only?: readonly number[];
  /** True for a channel whose claims are to be recovered later (not ready yet). */
  defer?: (channel: Channel) => boolean;
}

const INTERRUPTED = 'The app stopped while this was being sent; it is sent again safely (the gateway ignores a duplicate).';
/** The remark on a delivery recovery found had gone out (the activity log shows it; the crash test counts it). */
export const FOUND_AFTER_CRASH = 'The app stopped while sending this; the channel shows it went out, so it was not sent again.';
const INTERRUPTED_NOT_SENT = 'The app stopped while this was being sent; the channel shows it did not go out, so it is sent again.';

type Outcome = 'resent' | 'recordedSent' | 'failed' | 'unknown' | 'deferred' | 'stopped';

export async function recoverClaimed(deps: RecoveryDeps, options: RecoveryOptions = {}): Promise<RecoveryReport> {
  const { env, logger } = deps;
  const report: RecoveryReport = { resent: 0, recordedSent: 0, failed: 0, unknown: 0, deferred: new Map() };
  const only = options.only === undefined ? null : new Set(options.only);
  const deferTo = (channel: ChannelId, id: number): void => {
    const ids = report.deferred.get(channel) ?? [];
    ids.push(id);
    report.deferred.set(channel, ids);
  };
  for (const delivery of env.store.deliveries.claimed()) {
    if (deps.stopped()) return report;
    if (only !== null && !only.has(delivery.id)) continue;
    let outcome: Outcome;
    try {
      outcome = await recoverOne(deps, delivery, options);
    } catch (error) {
      if (deps.stopped()) return report;
      if (leftClaimed(deps, delivery, error)) deferTo(delivery.channel, delivery.id);
      continue;
    }
    if (outcome === 'stopped') return report;
    if (outcome === 'deferred') deferTo(delivery.channel, delivery.id);
    else report[outcome]++;
  }
  if (report.resent + report.recordedSent + report.failed + report.unknown > 0) {
    const { deferred, ...counts } = report;
    logger.info('Recovered interrupted deliveries', { ...counts, deferred: Object.fromEntries(deferred) });
  }
  return report;
}

/** Settles one claimed delivery (see the top of the file); what it became, once written. */
async function recoverOne(deps: RecoveryDeps, delivery: Delivery, options: RecoveryOptions): Promise<Outcome> {
  const { env } = deps;
  const channel = deps.channel(delivery.channel);
  const now = env.clock.now();

  if (channel !== null && options.defer?.(channel) === true) return 'deferred';

  if (channel?.idempotentSend === true && delivery.deliveryKey !== null) {
    env.store.write(() => env.store.deliveries.markRetrying(delivery.id, { nextAttemptAt: now, error: INTERRUPTED, refund: false }, now));
    return 'resent';
  }

  if (channel?.lookup !== undefined && delivery.deliveryKey !== null) {
    const found = await channel.lookup(lookupQuery(deps, delivery, delivery.deliveryKey), deps.signal);
    if (deps.stopped()) return 'stopped';
    const at = env.clock.now();
    return env.store.write((): Outcome => {
      switch (found.outcome) {
        case 'sent':
          markSent(env, delivery, { sentAt: found.sentAt ?? delivery.claimedAt ?? at, providerMessageId: found.providerMessageId, note: FOUND_AFTER_CRASH }, 'claimed', at);
          return 'recordedSent';
        case 'not-sent':
          env.store.deliveries.markRetrying(delivery.id, { nextAttemptAt: at, error: INTERRUPTED_NOT_SENT, refund: false }, at);
          return 'resent';
        case 'failed':
          env.store.deliveries.finish(delivery.id, 'claimed', 'failed', found.error.reason, at);
          afterPermanentFailure(env, delivery.subscriptionId, at);
          return 'failed';
        case 'unknown':
          markUnknown(env, delivery.id, delivery.subscriptionId, `The app stopped while sending this, and the channel cannot tell whether it went out (${found.reason}). Check with the customer, then choose “Send again” or “Mark as sent”.`, at);
          return 'unknown';
      }
    });
  }

  const why = channel === null ? 'the channel is no longer set up' : 'the channel cannot tell whether it went out';
  env.store.write(() =>
    markUnknown(env, delivery.id, delivery.subscriptionId, `The app stopped while sending this, and ${why}. Check with the customer, then choose “Send again” or “Mark as sent”.`, now),
  );
  return 'unknown';
}

/**
 * Settling `delivery` threw: logs it with what the row holds NOW (its write, if any, was rolled
 * back, but it is read again rather than assumed). True when it is (or may still be) claimed, to
 * be tried in a later pass.
 */
function leftClaimed(deps: RecoveryDeps, delivery: Delivery, error: unknown): boolean {
  const context = { deliveryId: delivery.id, subscriptionId: delivery.subscriptionId, channel: delivery.channel, error: errorStack(error) };
  let status: string;
  try {
    status = deps.env.store.deliveries.findById(delivery.id)?.status ?? 'removed';
  } catch (readError) {
    deps.logger.error('Could not recover an interrupted delivery, nor read it again; it stays claimed and is tried again later', {
      ...context,
      readError: errorStack(readError),
    });
    return true;
  }
  if (status === 'claimed') {
    deps.logger.error('Could not recover an interrupted delivery; it stays claimed and is tried again later', { ...context, status });
    return true;
  }
  deps.logger.error('Recovering an interrupted delivery failed, but it is no longer claimed', { ...context, status });
  return false;
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
function lookupQuery({ env, sendTimeoutMs }: RecoveryDeps, delivery: Delivery, deliveryKey: string): LookupQuery {
  const claimedAt = delivery.claimedAt ?? delivery.updatedAt;
  const state = env.store.subscriptions.findState(delivery.subscriptionId);
  const contact = state && env.store.contacts.findById(state.contactId);
  const message = env.store.messages.findById(delivery.messageId);
  return {
    deliveryKey,
    to: contact?.phone ?? null,
    whatsappId: contact?.whatsappId ?? null,
    text: delivery.renderedText ?? '',
    mediaFileName: message?.media?.fileName ?? null,
    // From the earliest attempt that may have gone out: the last claim, or, during a run of
    // failures (a send that timed out may still have reached the customer), the first failed
    // attempt, claimed at most one time limit before it failed — as the engine looks before a retry.
    claimedAt: delivery.failingSince === null ? claimedAt : Math.min(claimedAt, delivery.failingSince - sendTimeoutMs),
  };
}

function markUnknown(env: EngineStore, deliveryId: number, subscriptionId: number, reason: string, now: number): void {
  env.store.deliveries.finish(deliveryId, 'claimed', 'unknown', reason, now);
  advanceSubscription(env, subscriptionId, now);
}
