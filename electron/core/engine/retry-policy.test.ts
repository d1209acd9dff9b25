import { describe, expect, it } from 'vitest';
import type { ChannelError } from '../channels/channel';
import { GIVE_UP_AFTER_MS, MAX_ATTEMPTS, MIN_ATTEMPTS, RETRY_CAP_MS, RETRY_FLOOR_MS, classifyFailure, decideAfterFailure, nextRetryDelayMs } from './retry-policy';

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

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 2, 9);
/** The `attempt`-th attempt failed at NOW; the first failure was `failingFor` ms earlier. */
const after = (attempt: number, failingFor: number | null = 0) => ({ attempt, failingSince: failingFor === null ? null : NOW - failingFor, now: NOW });

describe('decideAfterFailure', () => {
  it('keeps retrying transient failures for two days, however many attempts that takes', () => {
    // The old rule gave up after 8 attempts (~32–63 minutes): a 35-minute outage lost a message.
    expect(decideAfterFailure(transient, after(1, null), () => 0.5).kind).toBe('retry');
    expect(decideAfterFailure(transient, after(8, 35 * 60_000), () => 0.5).kind).toBe('retry');
    expect(decideAfterFailure(transient, after(40, 24 * HOUR), () => 0.5).kind).toBe('retry');
    expect(decideAfterFailure(transient, after(100, GIVE_UP_AFTER_MS - 1), () => 0.5).kind).toBe('retry');
  });

  it('gives up once the failures have lasted two days, with the time, the attempts and the last reason', () => {
    expect(decideAfterFailure(transient, after(97, GIVE_UP_AFTER_MS), () => 0.5)).toEqual({
      kind: 'give-up',
      reason: `Gave up after trying for 48 hours (97 attempts). Last problem: ${transient.reason}`,
    });
  });

  it(`makes at least ${MIN_ATTEMPTS} attempts first (the computer may have been off for most of the two days)`, () => {
    expect(decideAfterFailure(transient, after(MIN_ATTEMPTS - 1, 3 * GIVE_UP_AFTER_MS), () => 0.5).kind).toBe('retry');
    expect(decideAfterFailure(transient, after(MIN_ATTEMPTS, 3 * GIVE_UP_AFTER_MS), () => 0.5).kind).toBe('give-up');
  });

  it(`stops a runaway after ${MAX_ATTEMPTS} attempts even within the two days`, () => {
    expect(decideAfterFailure(transient, after(MAX_ATTEMPTS - 1, HOUR), () => 0.5).kind).toBe('retry');
    expect(decideAfterFailure(transient, after(MAX_ATTEMPTS, HOUR), () => 0.5)).toEqual({
      kind: 'give-up',
      reason: `Gave up after ${MAX_ATTEMPTS} attempts. Last problem: ${transient.reason}`,
    });
  });

  it('gives up on a permanent failure at once, keeping its readable reason', () => {
    expect(decideAfterFailure(permanent, after(1, null))).toEqual({ kind: 'give-up', reason: permanent.reason });
  });

  it('waits for the channel without using an attempt when it is down, even past every limit', () => {
    expect(decideAfterFailure(down, after(1, null))).toEqual({ kind: 'wait-for-channel' });
    expect(decideAfterFailure(down, after(MAX_ATTEMPTS + 5, 10 * GIVE_UP_AFTER_MS))).toEqual({ kind: 'wait-for-channel' });
  });

  it('honours a longer Retry-After, capped at an hour', () => {
    expect(decideAfterFailure({ ...transient, retryAfterMs: 120_000 }, after(1), () => 0)).toEqual({ kind: 'retry', delayMs: 120_000 });
    expect(decideAfterFailure({ ...transient, retryAfterMs: 1_000 }, after(2), () => 0.5)).toEqual({ kind: 'retry', delayMs: 30_000 });
    expect(decideAfterFailure({ ...transient, retryAfterMs: 10 * RETRY_CAP_MS }, after(1), () => 0)).toEqual({ kind: 'retry', delayMs: RETRY_CAP_MS });
  });
});
