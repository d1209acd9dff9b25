/**
 * What to do after a failed send (DESIGN.md §5 "Retries").
 *
 * Transient failures retry with exponential backoff and full jitter: the n-th retry waits a
 * uniformly random time up to min(1 h, 30 s × 2^(n−1)), so many deliveries failing together
 * (gateway restart) do not come back together. A floor of 1 s keeps a jitter near zero from
 * hammering a struggling gateway; a provider's Retry-After is honoured when longer.
 * After MAX_ATTEMPTS attempts the delivery fails with the last reason.
 *
 * `channel-down` is not the message's fault: it never uses up an attempt; the engine pauses the
 * channel's queue until the channel reports `ready` (see channels/channel.ts).
 */
import type { ChannelError } from '../channels/channel';

export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 60 * 60_000;
export const RETRY_FLOOR_MS = 1_000;
/** Attempts (first send included) before a transient failure becomes a permanent one. */
export const MAX_ATTEMPTS = 8;

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

/**
 * The engine's single question after a failure. `attempt` is the 1-based number of the attempt
 * that just failed (the channel-down case ignores it).
 */
export function decideAfterFailure(error: ChannelError, attempt: number, random: () => number = Math.random): RetryDecision {
  if (error.kind === 'channel-down') return { kind: 'wait-for-channel' };
  if (classifyFailure(error) === 'permanent') return { kind: 'give-up', reason: error.reason };
  if (attempt >= MAX_ATTEMPTS) return { kind: 'give-up', reason: `Gave up after ${attempt} attempts. Last problem: ${error.reason}` };
  const delayMs = Math.max(nextRetryDelayMs(attempt, random), Math.min(error.retryAfterMs ?? 0, RETRY_CAP_MS));
  return { kind: 'retry', delayMs };
}
