import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { lateDecision } from './catch-up';

const HOUR = 3_600_000;
const due = Date.UTC(2025, 5, 2, 9, 0);

describe('lateDecision', () => {
  it('sends late messages, however late, by default', () => {
    expect(lateDecision(due, due + 30 * 24 * HOUR, { kind: 'send-late' })).toBe('send');
  });

  it('skips only messages more than N hours late', () => {
    const policy = { kind: 'skip-if-late', hours: 6 } as const;
    expect(lateDecision(due, due, policy)).toBe('send');
    expect(lateDecision(due, due + 6 * HOUR, policy)).toBe('send');
    expect(lateDecision(due, due + 6 * HOUR + 1, policy)).toBe('skip');
    expect(lateDecision(due, due + 3 * 24 * HOUR, policy)).toBe('skip');
  });

  it('accepts fractional hours and sends anything not yet due', () => {
    expect(lateDecision(due, due + 45 * 60_000, { kind: 'skip-if-late', hours: 0.5 })).toBe('skip');
    expect(lateDecision(due, due - HOUR, { kind: 'skip-if-late', hours: 0.5 })).toBe('send');
  });

  it('rejects a threshold of zero or less', () => {
    expect(() => lateDecision(due, due, { kind: 'skip-if-late', hours: 0 })).toThrow(AppError);
    expect(() => lateDecision(due, due, { kind: 'skip-if-late', hours: Number.NaN })).toThrow(AppError);
  });
});
