import { DateTime } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors';
import { dueAtAfter, planSchedule, type MessageTiming, type ScheduleContext } from './timing-rules';

const BERLIN: ScheduleContext = { timeZone: 'Europe/Berlin' };
const NEW_YORK: ScheduleContext = { timeZone: 'America/New_York' };
const HOUR = 3_600_000;

/** An instant from an ISO string with an explicit offset (unambiguous even in DST overlaps). */
const at = (iso: string): number => {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new Error(`bad test instant ${iso}`);
  return dt.toMillis();
};
/** How the instant reads on a wall clock in the zone, with its offset. */
const wall = (ms: number, ctx: ScheduleContext): string =>
  DateTime.fromMillis(ms, { zone: ctx.timeZone }).toFormat("yyyy-MM-dd'T'HH:mmZZ");

const timing = (delayAmount: number, delayUnit: MessageTiming['delayUnit'], sendAt: string | null = null): MessageTiming => ({
  delayAmount,
  delayUnit,
  sendAt,
});

describe('step 1: delay', () => {
  const base = at('2025-06-02T10:00+02:00');

  it('sends right away for a delay of 0, whatever the unit', () => {
    expect(dueAtAfter(base, timing(0, 'minutes'), BERLIN)).toBe(base);
    expect(dueAtAfter(base, timing(0, 'hours'), BERLIN)).toBe(base);
    expect(dueAtAfter(base, timing(0, 'days'), BERLIN)).toBe(base);
  });

  it('adds minutes and hours as exact durations', () => {
    expect(dueAtAfter(base, timing(45, 'minutes'), BERLIN)).toBe(base + 45 * 60_000);
    expect(wall(dueAtAfter(base, timing(2, 'hours'), BERLIN), BERLIN)).toBe('2025-06-02T12:00+02:00');
  });

  it('adds calendar days keeping the wall-clock time, seconds included', () => {
    expect(wall(dueAtAfter(base, timing(3, 'days'), BERLIN), BERLIN)).toBe('2025-06-05T10:00+02:00');
    const withSeconds = at('2025-06-02T10:00:37.250+02:00');
    expect(dueAtAfter(withSeconds, timing(1, 'days'), BERLIN)).toBe(at('2025-06-03T10:00:37.250+02:00'));
  });

  it('counts a 365-day delay in calendar days, across a leap day', () => {
    expect(wall(dueAtAfter(at('2025-03-01T10:00+01:00'), timing(365, 'days'), BERLIN), BERLIN)).toBe(
      '2026-03-01T10:00+01:00',
    );
    expect(wall(dueAtAfter(at('2023-03-01T10:00+01:00'), timing(365, 'days'), BERLIN), BERLIN)).toBe(
      '2024-02-29T10:00+01:00',
    );
  });
});

describe('day delays across DST keep the wall-clock time', () => {
  it.each([
    ['Europe/Berlin spring forward', 'Europe/Berlin', '2025-03-29T10:00+01:00', '2025-03-30T10:00+02:00', 23],
    ['Europe/Berlin fall back', 'Europe/Berlin', '2025-10-25T10:00+02:00', '2025-10-26T10:00+01:00', 25],
    ['America/New_York spring forward', 'America/New_York', '2025-03-08T10:00-05:00', '2025-03-09T10:00-04:00', 23],
    ['America/New_York fall back', 'America/New_York', '2025-11-01T10:00-04:00', '2025-11-02T10:00-05:00', 25],
  ])('%s: 1 day from 10:00 is 10:00 local', (_label, timeZone, from, expected, hours) => {
    const ctx = { timeZone };
    const due = dueAtAfter(at(from), timing(1, 'days'), ctx);
    expect(wall(due, ctx)).toBe(expected);
    expect((due - at(from)) / HOUR).toBe(hours);
  });
});

describe('hour delays across DST are exact durations', () => {
  it('3 hours over the Berlin spring-forward night reads 4 hours later on the clock', () => {
    const due = dueAtAfter(at('2025-03-30T01:00+01:00'), timing(3, 'hours'), BERLIN);
    expect(wall(due, BERLIN)).toBe('2025-03-30T05:00+02:00');
  });

  it('24 hours over the New York fall-back night reads 23:00 the same day', () => {
    const due = dueAtAfter(at('2025-11-02T00:00-04:00'), timing(24, 'hours'), NEW_YORK);
    expect(wall(due, NEW_YORK)).toBe('2025-11-02T23:00-05:00');
  });
});

describe('step 2: exact time of day', () => {
  it('issue example: subscribed 03:00, 2 hours, at 09:00 → 09:00 the same day', () => {
    const due = dueAtAfter(at('2025-06-02T03:00+02:00'), timing(2, 'hours', '09:00'), BERLIN);
    expect(wall(due, BERLIN)).toBe('2025-06-02T09:00+02:00');
  });

  it('issue example: subscribed 10:00, 2 hours, at 09:00 → 09:00 the next day', () => {
    const due = dueAtAfter(at('2025-06-02T10:00+02:00'), timing(2, 'hours', '09:00'), BERLIN);
    expect(wall(due, BERLIN)).toBe('2025-06-03T09:00+02:00');
  });

  it('minute delays take the first 09:00 at or after the delayed instant (equal counts)', () => {
    expect(wall(dueAtAfter(at('2025-06-02T08:45+02:00'), timing(15, 'minutes', '09:00'), BERLIN), BERLIN)).toBe(
      '2025-06-02T09:00+02:00',
    );
    expect(wall(dueAtAfter(at('2025-06-02T08:45+02:00'), timing(16, 'minutes', '09:00'), BERLIN), BERLIN)).toBe(
      '2025-06-03T09:00+02:00',
    );
    expect(wall(dueAtAfter(at('2025-06-02T09:00+02:00'), timing(0, 'minutes', '09:00'), BERLIN), BERLIN)).toBe(
      '2025-06-02T09:00+02:00',
    );
  });

  it('a minute delay that crosses midnight takes that later day’s time', () => {
    const due = dueAtAfter(at('2025-06-02T23:00+02:00'), timing(90, 'minutes', '00:15'), BERLIN);
    expect(wall(due, BERLIN)).toBe('2025-06-04T00:15+02:00');
  });

  it('day delays go on the day reached, at the exact time, even if earlier than the base time', () => {
    // Monday 14:05, 2 days at 09:00 → Wednesday 09:00 (less than 48 hours later).
    expect(wall(dueAtAfter(at('2025-06-02T14:05+02:00'), timing(2, 'days', '09:00'), BERLIN), BERLIN)).toBe(
      '2025-06-04T09:00+02:00',
    );
    expect(wall(dueAtAfter(at('2025-06-02T06:00+02:00'), timing(1, 'days', '23:30'), BERLIN), BERLIN)).toBe(
      '2025-06-03T23:30+02:00',
    );
  });

  it('0 days at a time not after the base moves to the next day; strictly later stays today', () => {
    const ctx = BERLIN;
    expect(wall(dueAtAfter(at('2025-06-02T08:00+02:00'), timing(0, 'days', '09:00'), ctx), ctx)).toBe('2025-06-02T09:00+02:00');
    expect(wall(dueAtAfter(at('2025-06-02T09:00+02:00'), timing(0, 'days', '09:00'), ctx), ctx)).toBe('2025-06-03T09:00+02:00');
    expect(wall(dueAtAfter(at('2025-06-02T10:00+02:00'), timing(0, 'days', '09:00'), ctx), ctx)).toBe('2025-06-03T09:00+02:00');
  });

  it('the same base and exact time give different instants in different zones', () => {
    const base = at('2025-06-01T00:00Z');
    const kolkata = dueAtAfter(base, timing(0, 'minutes', '09:00'), { timeZone: 'Asia/Kolkata' });
    const losAngeles = dueAtAfter(base, timing(0, 'minutes', '09:00'), { timeZone: 'America/Los_Angeles' });
    expect(new Date(kolkata).toISOString()).toBe('2025-06-01T03:30:00.000Z');
    // Midnight UTC is still 31 May 17:00 in Los Angeles; its next 09:00 is 1 June 09:00 PDT.
    expect(new Date(losAngeles).toISOString()).toBe('2025-06-01T16:00:00.000Z');
  });

  it('handles 45-minute offsets (Asia/Kathmandu, +05:45)', () => {
    const ctx = { timeZone: 'Asia/Kathmandu' };
    const base = at('2025-01-10T00:00Z'); // 05:45 in Kathmandu
    expect(new Date(dueAtAfter(base, timing(1, 'days', '09:00'), ctx)).toISOString()).toBe('2025-01-11T03:15:00.000Z');
    expect(new Date(dueAtAfter(base, timing(1, 'hours', '07:00'), ctx)).toISOString()).toBe('2025-01-10T01:15:00.000Z');
    // 06:45 after the hour is past 06:30, so the next 06:30 is tomorrow's.
    expect(new Date(dueAtAfter(base, timing(1, 'hours', '06:30'), ctx)).toISOString()).toBe('2025-01-11T00:45:00.000Z');
    expect(wall(dueAtAfter(base, timing(2, 'days'), ctx), ctx)).toBe('2025-01-12T05:45+05:45');
  });
});

describe('DST gap: a wall time that does not exist resolves to the moment the clocks jump', () => {
  it('sendAt 02:30 on the Berlin spring-forward day goes at 03:00 CEST', () => {
    const due = dueAtAfter(at('2025-03-30T00:00+01:00'), timing(0, 'minutes', '02:30'), BERLIN);
    expect(wall(due, BERLIN)).toBe('2025-03-30T03:00+02:00');
    expect(new Date(due).toISOString()).toBe('2025-03-30T01:00:00.000Z');
  });

  it('keeps message order: 02:15 and 02:45 both become 03:00, before a 03:10 message', () => {
    const base = at('2025-03-30T00:00+01:00');
    const early = dueAtAfter(base, timing(0, 'minutes', '02:15'), BERLIN);
    const late = dueAtAfter(base, timing(0, 'minutes', '02:45'), BERLIN);
    const after = dueAtAfter(base, timing(0, 'minutes', '03:10'), BERLIN);
    expect(early).toBe(late);
    expect(late).toBeLessThan(after);
  });

  it('sendAt 02:30 on the New York spring-forward day, via a day delay, goes at 03:00 EDT', () => {
    const due = dueAtAfter(at('2025-03-08T18:00-05:00'), timing(1, 'days', '02:30'), NEW_YORK);
    expect(wall(due, NEW_YORK)).toBe('2025-03-09T03:00-04:00');
  });

  it('after the gap has passed, a gap time waits for the next day', () => {
    const due = dueAtAfter(at('2025-03-30T03:05+02:00'), timing(0, 'minutes', '02:30'), BERLIN);
    expect(wall(due, BERLIN)).toBe('2025-03-31T02:30+02:00');
  });

  it('a day delay from a wall time missing on the target day goes at 03:00', () => {
    const due = dueAtAfter(at('2025-03-29T02:30+01:00'), timing(1, 'days'), BERLIN);
    expect(wall(due, BERLIN)).toBe('2025-03-30T03:00+02:00');
  });

  it('a whole skipped day (Pacific/Apia, 30 Dec 2011) resolves to the start of the next day', () => {
    const ctx = { timeZone: 'Pacific/Apia' };
    const due = dueAtAfter(at('2011-12-29T10:00-10:00'), timing(1, 'days'), ctx);
    expect(wall(due, ctx)).toBe('2011-12-31T00:00+14:00');
  });
});

describe('DST overlap: a wall time that occurs twice resolves to its first occurrence', () => {
  it('sendAt 01:30 on the New York fall-back day is 01:30 EDT', () => {
    const due = dueAtAfter(at('2025-11-02T00:00-04:00'), timing(0, 'minutes', '01:30'), NEW_YORK);
    expect(new Date(due).toISOString()).toBe('2025-11-02T05:30:00.000Z');
  });

  it('once the first 01:30 has passed, the repeated 01:30 is not used: next day instead', () => {
    const due = dueAtAfter(at('2025-11-02T01:40-04:00'), timing(0, 'minutes', '01:30'), NEW_YORK);
    expect(wall(due, NEW_YORK)).toBe('2025-11-03T01:30-05:00');
  });

  it('a day delay landing on a repeated wall time takes the first occurrence', () => {
    const due = dueAtAfter(at('2025-11-01T01:30-04:00'), timing(1, 'days'), NEW_YORK);
    expect(wall(due, NEW_YORK)).toBe('2025-11-02T01:30-04:00');
    expect((due - at('2025-11-01T01:30-04:00')) / HOUR).toBe(24);
  });

  it('Berlin 02:30 on the fall-back day is 02:30 CEST', () => {
    const due = dueAtAfter(at('2025-10-25T12:00+02:00'), timing(1, 'days', '02:30'), BERLIN);
    expect(new Date(due).toISOString()).toBe('2025-10-26T00:30:00.000Z');
  });
});

describe('step 4: planSchedule chains each message on the previous due time', () => {
  it('plans three messages', () => {
    const messages = [
      { id: 'welcome', ...timing(0, 'minutes') },
      { id: 'brochure', ...timing(2, 'days', '09:00') },
      { id: 'reminder', ...timing(3, 'hours') },
    ];
    const plan = planSchedule(at('2025-06-02T14:05+02:00'), messages, BERLIN);
    expect(plan.map((p) => [p.message.id, wall(p.dueAt, BERLIN)])).toEqual([
      ['welcome', '2025-06-02T14:05+02:00'],
      ['brochure', '2025-06-04T09:00+02:00'],
      // Counted from the brochure's 09:00, not from subscribing.
      ['reminder', '2025-06-04T12:00+02:00'],
    ]);
  });

  it('plans nothing for no messages', () => {
    expect(planSchedule(at('2025-06-02T14:05+02:00'), [], BERLIN)).toEqual([]);
  });
});

describe('guards', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never reads the current time', () => {
    const base = at('2025-03-29T02:30+01:00');
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('Date.now() called');
    });
    expect(() =>
      planSchedule(base, [timing(1, 'days'), timing(2, 'hours', '09:00')], BERLIN),
    ).not.toThrow();
  });

  it('rejects an unknown time zone and a malformed exact time as validation errors', () => {
    const badZone = (): number => dueAtAfter(0, timing(1, 'days'), { timeZone: 'Mars/Olympus' });
    expect(badZone).toThrow(AppError);
    expect(badZone).toThrow(/Mars\/Olympus/);
    expect(() => dueAtAfter(0, timing(1, 'days', '9:00'), BERLIN)).toThrow(AppError);
    expect(() => dueAtAfter(0, timing(-1, 'days'), BERLIN)).toThrow(AppError);
  });
});
