import { describe, expect, it } from 'vitest';
import { friendlyTime } from './friendly-time';

// Tue 25 Nov 2025, 13:05 UTC = 14:05 in Berlin (CET, UTC+1).
const now = Date.UTC(2025, 10, 25, 13, 5);

describe('friendlyTime', () => {
  it('says "today" for the same calendar day in the business zone', () => {
    expect(friendlyTime(now, now, 'Europe/Berlin')).toBe('today 14:05');
  });

  it('says "tomorrow" for the next calendar day', () => {
    expect(friendlyTime(Date.UTC(2025, 10, 26, 8, 0), now, 'Europe/Berlin')).toBe('tomorrow 09:00');
  });

  it('names weekday and date further out', () => {
    expect(friendlyTime(Date.UTC(2025, 10, 27, 8, 0), now, 'Europe/Berlin')).toBe('Thu 27 Nov 09:00');
  });

  it('reckons days in the business zone, not UTC', () => {
    // 23:30 UTC on the 25th is already the 26th in Berlin: "tomorrow", though the same UTC day.
    expect(friendlyTime(Date.UTC(2025, 10, 25, 23, 30), now, 'Europe/Berlin')).toBe('tomorrow 00:30');
    // …and still the 25th in New York (18:30).
    expect(friendlyTime(Date.UTC(2025, 10, 25, 23, 30), now, 'America/New_York')).toBe('today 18:30');
  });

  it('adds the year when it differs', () => {
    expect(friendlyTime(Date.UTC(2026, 0, 6, 8, 0), now, 'Europe/Berlin')).toBe('Tue 6 Jan 2026 09:00');
  });
});
