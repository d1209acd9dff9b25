import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { downtimeDelayMs, lateDecision, type Downtime } from './catch-up';

const HOUR = 3_600_000;
const due = Date.UTC(2025, 5, 2, 9, 0);
const always = (at: number): number => at;

describe('lateDecision', () => {
  it('sends late messages, however late, by default', () => {
    expect(lateDecision(30 * 24 * HOUR, { kind: 'send-late' })).toBe('send');
  });

  it('skips only messages held up more than N hours', () => {
    const policy = { kind: 'skip-if-late', hours: 6 } as const;
    expect(lateDecision(0, policy)).toBe('send');
    expect(lateDecision(6 * HOUR, policy)).toBe('send');
    expect(lateDecision(6 * HOUR + 1, policy)).toBe('skip');
    expect(lateDecision(3 * 24 * HOUR, policy)).toBe('skip');
    expect(lateDecision(45 * 60_000, { kind: 'skip-if-late', hours: 0.5 })).toBe('skip');
  });

  it('rejects a threshold of zero or less', () => {
    expect(() => lateDecision(0, { kind: 'skip-if-late', hours: 0 })).toThrow(AppError);
    expect(() => lateDecision(0, { kind: 'skip-if-late', hours: Number.NaN })).toThrow(AppError);
  });
});

describe('downtimeDelayMs', () => {
  const off = (from: number, to: number, sequenceIds: number[] = [1]): Downtime => ({ from, to, sequenceIds });

  it('counts nothing without downtime, however long a message waited for other reasons', () => {
    expect(downtimeDelayMs(due, 1, [], always)).toBe(0);
  });

  it('counts from the due time when it fell due during the downtime, and from its start when it was already waiting', () => {
    expect(downtimeDelayMs(due, 1, [off(due - HOUR, due + 30 * HOUR)], always)).toBe(30 * HOUR);
    expect(downtimeDelayMs(due, 1, [off(due + 5 * HOUR, due + 7 * HOUR)], always)).toBe(2 * HOUR);
  });

  it('ignores downtime that ended before the message was due', () => {
    expect(downtimeDelayMs(due, 1, [off(due - 10 * HOUR, due - HOUR), off(due - HOUR, due)], always)).toBe(0);
  });

  it('adds up several downtimes', () => {
    expect(downtimeDelayMs(due, 1, [off(due + HOUR, due + 3 * HOUR), off(due + 10 * HOUR, due + 12 * HOUR)], always)).toBe(4 * HOUR);
  });

  it('does not count downtime that fell in hours the window keeps closed anyway', () => {
    // Off from 22:00 to 08:00; the window opens at 09:00: the message was not held up at all.
    const nightFrom = due + 13 * HOUR;
    const opensAt = due + 24 * HOUR;
    const window = (at: number): number => (at >= nightFrom && at < opensAt ? opensAt : at);
    expect(downtimeDelayMs(due + 11 * HOUR, 1, [off(nightFrom, opensAt - HOUR)], window)).toBe(0);
    expect(downtimeDelayMs(due + 11 * HOUR, 1, [off(nightFrom, opensAt + 2 * HOUR)], window)).toBe(2 * HOUR);
  });

  it('counts a downtime only for the sequences that could send when it began', () => {
    expect(downtimeDelayMs(due, 2, [off(due, due + 30 * HOUR, [1])], always)).toBe(0);
    expect(downtimeDelayMs(due, 1, [off(due, due + 30 * HOUR, [])], always)).toBe(0);
  });
});
