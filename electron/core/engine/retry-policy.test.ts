import { describe, expect, it } from 'vitest';
import type { ChannelError } from '../channels/channel';
import { MAX_ATTEMPTS, RETRY_CAP_MS, RETRY_FLOOR_MS, classifyFailure, decideAfterFailure, nextRetryDelayMs } from './retry-policy';

const transient: ChannelError = { kind: 'transient', reason: 'The SMS gateway is busy (HTTP 503); it will be retried.' };
const permanent: ChannelError = { kind: 'permanent', reason: 'The SMS gateway says the phone number +49 is not valid.' };
const down: ChannelError = { kind: 'channel-down', reason: 'SMS gateway rejected the login.' };
const almostOne = (): number => 0.999_999;

describe('nextRetryDelayMs', () => {
  it('doubles the ceiling from 30 s per attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => nextRetryDelayMs(n, almostOne))).toEqual([29_999, 59_999, 119_999, 239_999, 479_999]);
  });

  it('never waits more than an hour, however many attempts', () => {
    expect(nextRetryDelayMs(7, () => 0.5)).toBe(960_000); // ceiling 32 min
    expect(nextRetryDelayMs(8, () => 0.5)).toBe(RETRY_CAP_MS / 2); // ceiling capped at 60 min, not 64
    expect(nextRetryDelayMs(1000, () => 0.5)).toBe(RETRY_CAP_MS / 2);
  });

  it('spreads retries over the whole range (full jitter), with a 1-second floor', () => {
    expect(nextRetryDelayMs(3, () => 0.5)).toBe(60_000);
    expect(nextRetryDelayMs(3, () => 0)).toBe(RETRY_FLOOR_MS);
    const seen = new Set(Array.from({ length: 200 }, () => Math.floor(nextRetryDelayMs(4) / 24_000)));
    expect(seen.size).toBeGreaterThan(5); // lands in most tenths of [0, 240 s)
  });

  it('rejects a non-positive attempt number', () => {
    expect(() => nextRetryDelayMs(0)).toThrow(RangeError);
  });
});

describe('classifyFailure', () => {
  it('calls only permanent errors permanent; a channel being down can go away by itself', () => {
    expect(classifyFailure(permanent)).toBe('permanent');
    expect(classifyFailure(transient)).toBe('transient');
    expect(classifyFailure(down)).toBe('transient');
  });
});

describe('decideAfterFailure', () => {
  it('retries transient failures with backoff until the last attempt, then gives up with the reason', () => {
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      expect(decideAfterFailure(transient, attempt, () => 0.5).kind).toBe('retry');
    }
    const last = decideAfterFailure(transient, MAX_ATTEMPTS, () => 0.5);
    expect(last).toEqual({ kind: 'give-up', reason: `Gave up after ${MAX_ATTEMPTS} attempts. Last problem: ${transient.reason}` });
  });

  it('gives up on a permanent failure at once, keeping its readable reason', () => {
    expect(decideAfterFailure(permanent, 1)).toEqual({ kind: 'give-up', reason: permanent.reason });
  });

  it('waits for the channel without using an attempt when it is down, even past the attempt limit', () => {
    expect(decideAfterFailure(down, 1)).toEqual({ kind: 'wait-for-channel' });
    expect(decideAfterFailure(down, MAX_ATTEMPTS + 5)).toEqual({ kind: 'wait-for-channel' });
  });

  it('honours a longer Retry-After, capped at an hour', () => {
    expect(decideAfterFailure({ ...transient, retryAfterMs: 120_000 }, 1, () => 0)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(decideAfterFailure({ ...transient, retryAfterMs: 1_000 }, 2, () => 0.5)).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decideAfterFailure({ ...transient, retryAfterMs: 10 * RETRY_CAP_MS }, 1, () => 0)).toEqual({ kind: 'retry', delayMs: RETRY_CAP_MS });
  });
});
