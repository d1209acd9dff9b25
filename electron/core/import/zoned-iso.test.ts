import { describe, expect, it } from 'vitest';
import { zonedIsoFormatter } from './zoned-iso';

describe('zonedIsoFormatter', () => {
  it('writes the wall-clock time with the zone offset of that instant, across DST', () => {
    const berlin = zonedIsoFormatter('Europe/Berlin');
    expect(berlin(Date.UTC(2026, 10, 25, 8, 30))).toBe('2026-11-25T09:30:00+01:00');
    expect(berlin(Date.UTC(2026, 6, 1, 8, 30))).toBe('2026-07-01T10:30:00+02:00');
    // 01:59:59 UTC on 29 March 2026 is still winter time; a second later it is summer time.
    expect(berlin(Date.UTC(2026, 2, 29, 0, 59, 59))).toBe('2026-03-29T01:59:59+01:00');
    expect(berlin(Date.UTC(2026, 2, 29, 1, 0, 0))).toBe('2026-03-29T03:00:00+02:00');
  });

  it('handles zones west of UTC and with half hours, and empty times', () => {
    expect(zonedIsoFormatter('America/New_York')(Date.UTC(2026, 0, 1, 3, 0))).toBe('2025-12-31T22:00:00-05:00');
    expect(zonedIsoFormatter('Asia/Kolkata')(Date.UTC(2026, 0, 1, 0, 0))).toBe('2026-01-01T05:30:00+05:30');
    expect(zonedIsoFormatter('UTC')(null)).toBe('');
  });
});
