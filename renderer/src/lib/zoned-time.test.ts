import { describe, expect, it } from 'vitest';
import { epochToWallTime, wallTimeToEpoch, zoneOffsetAt } from './zoned-time';

const utc = (iso: string) => Date.parse(iso);

describe('wallTimeToEpoch', () => {
  it('reads the wall time in the business zone, not the zone of the computer', () => {
    expect(wallTimeToEpoch('2025-11-27T09:00', 'Europe/Berlin')).toBe(utc('2025-11-27T08:00:00Z'));
    expect(wallTimeToEpoch('2025-07-01T09:00', 'Europe/Berlin')).toBe(utc('2025-07-01T07:00:00Z'));
    expect(wallTimeToEpoch('2025-07-01T09:00', 'America/New_York')).toBe(utc('2025-07-01T13:00:00Z'));
    expect(wallTimeToEpoch('2025-07-01T09:00', 'Asia/Kolkata')).toBe(utc('2025-07-01T03:30:00Z'));
    expect(wallTimeToEpoch('2025-07-01T09:00', 'UTC')).toBe(utc('2025-07-01T09:00:00Z'));
  });

  it('crosses the date line with the zone', () => {
    expect(wallTimeToEpoch('2025-01-01T00:30', 'Pacific/Auckland')).toBe(utc('2024-12-31T11:30:00Z'));
  });

  it('moves a time that does not exist (clocks go forward) past the gap', () => {
    // Berlin, 30 March 2025: 02:00 → 03:00. 02:30 does not happen; it means 03:30 CEST.
    expect(wallTimeToEpoch('2025-03-30T02:30', 'Europe/Berlin')).toBe(utc('2025-03-30T01:30:00Z'));
    expect(epochToWallTime(utc('2025-03-30T01:30:00Z'), 'Europe/Berlin')).toBe('2025-03-30T03:30');
    // Either side of the gap is exact.
    expect(wallTimeToEpoch('2025-03-30T01:59', 'Europe/Berlin')).toBe(utc('2025-03-30T00:59:00Z'));
    expect(wallTimeToEpoch('2025-03-30T03:00', 'Europe/Berlin')).toBe(utc('2025-03-30T01:00:00Z'));
  });

  it('takes the first of a time that happens twice (clocks go back)', () => {
    // Berlin, 26 October 2025: 03:00 CEST → 02:00 CET. 02:30 happens at 00:30Z and again at 01:30Z.
    expect(wallTimeToEpoch('2025-10-26T02:30', 'Europe/Berlin')).toBe(utc('2025-10-26T00:30:00Z'));
    expect(wallTimeToEpoch('2025-11-02T01:30', 'America/New_York')).toBe(utc('2025-11-02T05:30:00Z'));
  });

  it('refuses text that is not a real date and time', () => {
    for (const value of ['', 'tomorrow', '2025-02-30T09:00', '2025-13-01T09:00', '2025-01-01T24:00', '2025-01-01 09:00']) {
      expect(wallTimeToEpoch(value, 'Europe/Berlin')).toBeNull();
    }
  });

  it('round-trips through epochToWallTime', () => {
    for (const zone of ['Europe/Berlin', 'America/Sao_Paulo', 'Australia/Lord_Howe', 'Asia/Kathmandu']) {
      for (const value of ['2025-01-15T08:05', '2025-06-30T23:59', '2025-10-05T12:00']) {
        const epoch = wallTimeToEpoch(value, zone);
        expect(epoch).not.toBeNull();
        expect(epochToWallTime(epoch ?? 0, zone)).toBe(value);
      }
    }
  });
});

describe('zoneOffsetAt', () => {
  it('knows summer and winter time', () => {
    expect(zoneOffsetAt(utc('2025-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetAt(utc('2025-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(7_200_000);
    expect(zoneOffsetAt(utc('2025-07-15T12:00:00Z'), 'America/Los_Angeles')).toBe(-7 * 3_600_000);
  });
});
