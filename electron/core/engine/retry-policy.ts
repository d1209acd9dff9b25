/**
 * What to do after a failed send (DESIGN.md §5 "Retries").
 *
 * Transient failures retry with exponential backoff and full jitter: the n-th retry waits a
 * uniformly random time up to min(1 h, 30 s × 2^(n−1)), so many deliveries failing together
 * (gateway restart) do not come back together. A floor of 1 s keeps a jitter near zero from
 * hammering a struggling gateway; a provider's Retry-After is honoured when longer.
 *
 * Giving up is decided by TIME, not by a count: a delivery fails for good once it has been
 * failing for GIVE_UP_AFTER_MS (two days) since its first failed attempt (`failingSince`). With
 * the 1 h cap that is dozens of attempts, so a gateway that is down for an afternoon, a phone
 * that sleeps through the night or a provider outage of a day loses nothing: the message goes
 * out (once: every retry uses the same idempotency key) when the gateway answers again.
 * Two guards on top:
 * - at least MIN_ATTEMPTS attempts are made before giving up, so a computer that was off for
 *   most of the window still tries a few times after it is back;
 * - MAX_ATTEMPTS is a runaway guard only (a jitter that keeps drawing tiny waits, a Retry-After
 *   of zero); it is far above what two days of capped backoff normally reach.
 *
 * Timeouts (a sleeping phone, a slow network) are transient like a 5xx: retried under the same
 * key, so a request that did reach the gateway before the answer was lost is dropped there as a
 * duplicate. A channel without such a key (WhatsApp) is asked first whether the earlier attempt
 * went out (the engine's `deliver`), and the message is sent again only if it did not. A connection that cannot be made at all is `channel-down` (the channel adapter's
 * call): it never uses up an attempt or the window's time, and the engine pauses the channel's
 * queue until the channel reports `ready` (see channels/channel.ts).
 */
import type { ChannelError } from '../channels/channel';

export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 60 * 60_000;
export const RETRY_FLOOR_MS = 1_000;
/** How long a delivery may keep failing transiently, from its first failed attempt, before it fails for good. */
export const GIVE_UP_AFTER_MS = 48 * 60 * 60_000;
/** Attempts (first send included) made before giving up, however long the failures have lasted. */
export const MIN_ATTEMPTS = 8;
/** Runaway guard: attempts after which a transient failure becomes a permanent one regardless of time. */
export const MAX_ATTEMPTS = 500;

/** How long to wait after the `attempt`-th attempt (1-based) failed transiently. `random` returns [0, 1). */
export function nextRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number ≥ 1, got ${attempt}`);
  // 2^(attempt-1) overflows nothing here: past ~7 attempts the cap has taken over.
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(attempt - 1, 30));
  return Math.max(RETRY_FLOOR_MS, Math.floor(random() * ceiling));
}

export type FailureClass = 'transient' | 'permanent';

/** Whether the failure can go away by itself. A channel being down is not the message's fault: transient. */
export function classifyFailure(error: ChannelError): FailureClass {
  return error.kind === 'permanent' ? 'permanent' : 'transient';
}

export type RetryDecision =
  /** Count the attempt; try again after `delayMs`. */
  | { kind: 'retry'; delayMs: number }
  /** Do not count the attempt; hold the channel's queue until it is ready again. */
  | { kind: 'wait-for-channel' }
  /** Mark the delivery failed with this readable reason. */
  | { kind: 'give-up'; reason: string };

export interface AttemptHistory {
  /** The 1-based number of the attempt that just failed. */
  attempt: number;
  /** When the delivery's current run of transient failures began; null if this is its first failure. */
  failingSince: number | null;
  now: number;
}

/** The engine's single question after a failure (the channel-down case ignores the history). */
export function decideAfterFailure(error: ChannelError, history: AttemptHistory, random: () => number = Math.random): RetryDecision {
  if (error.kind === 'channel-down') return { kind: 'wait-for-channel' };
  if (classifyFailure(error) === 'permanent') return { kind: 'give-up', reason: error.reason };
  const { attempt, now } = history;
  const failingFor = now - (history.failingSince ?? now);
  if (attempt >= MAX_ATTEMPTS) return { kind: 'give-up', reason: `Gave up after ${attempt} attempts. Last problem: ${error.reason}` };
  if (attempt >= MIN_ATTEMPTS && failingFor >= GIVE_UP_AFTER_MS) {
    const hours = Math.floor(failingFor / 3_600_000);
    return { kind: 'give-up', reason: `Gave up after trying for ${hours} hours (${attempt} attempts). Last problem: ${error.reason}` };
  }
  const delayMs = Math.max(nextRetryDelayMs(attempt, random), Math.min(error.retryAfterMs ?? 0, RETRY_CAP_MS));
  return { kind: 'retry', delayMs };
}
