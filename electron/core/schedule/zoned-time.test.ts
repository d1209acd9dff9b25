import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { businessDay, offsetMs } from './zoned-time';

describe('offsetMs (cached per UTC hour)', () => {
  it.each(['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago', 'Pacific/Apia'])(
    '%s: matches luxon at random instants and right at every transition, cold and warm',
    (name) => {
      const zone = IANAZone.create(name);
      const exact = (t: number): number => zone.offset(t) * 60_000;
      const instants: number[] = [];
      let seed = 7;
      for (let i = 0; i < 1000; i++) {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        instants.push(Date.UTC(2005, 0, 1) + Math.floor((seed / 2_147_483_648) * 25 * 365 * 86_400_000));
      }
      // Transitions: scan 2018–2028 in 12-hour steps (transitions are months apart), bisect to
      // the millisecond, and add the instants either side of each change.
      const step = 12 * 3_600_000;
      for (let t = Date.UTC(2018, 0, 1); t < Date.UTC(2028, 0, 1); t += step) {
        if (exact(t) !== exact(t + step)) {
          let lo = t;
          let hi = t + step;
          while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            if (exact(mid) === exact(t)) lo = mid;
            else hi = mid;
          }
          instants.push(lo - 1, lo, hi, hi + 1);
        }
      }
      for (let pass = 0; pass < 2; pass++) {
        for (const t of instants) expect(offsetMs(zone, t)).toBe(exact(t));
      }
    },
  );
});

describe('businessDay', () => {
  it('gives the calendar date and its bounds in the business zone', () => {
    const day = businessDay(DateTime.fromISO('2025-06-02T23:30Z').toMillis(), 'Europe/Berlin');
    expect(day.date).toBe('2025-06-03');
    expect(new Date(day.startMs).toISOString()).toBe('2025-06-02T22:00:00.000Z');
    expect(new Date(day.endMs).toISOString()).toBe('2025-06-03T22:00:00.000Z');
  });

  it('is 23 or 25 hours long on DST days', () => {
    const spring = businessDay(DateTime.fromISO('2025-03-30T12:00+02:00').toMillis(), 'Europe/Berlin');
    expect((spring.endMs - spring.startMs) / 3_600_000).toBe(23);
    const fall = businessDay(DateTime.fromISO('2025-10-26T12:00+01:00').toMillis(), 'Europe/Berlin');
    expect((fall.endMs - fall.startMs) / 3_600_000).toBe(25);
  });
});
