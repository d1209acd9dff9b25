import { DateTime } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors';
import { isInsideWindow, nextAllowedInstant, validateSendingWindow, type SendingWindow } from './sending-window';
import { dueAtAfter, planSchedule, type MessageTiming } from './timing-rules';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS = [1, 2, 3, 4, 5];

const at = (iso: string): number => {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new Error(`bad test instant ${iso}`);
  return dt.toMillis();
};
const wall = (ms: number, zone: string): string => DateTime.fromMillis(ms, { zone }).toFormat("ccc yyyy-MM-dd'T'HH:mmZZ");

const window = (parts: Partial<SendingWindow> = {}): SendingWindow => ({
  quietHours: null,
  allowedWeekdays: EVERY_DAY,
  closedDates: [],
  ...parts,
});
const NIGHTS = window({ quietHours: { start: '21:00', end: '09:00' } });
const LUNCH = window({ quietHours: { start: '12:00', end: '13:00' } });

const next = (iso: string, w: SendingWindow, zone = BERLIN): string => wall(nextAllowedInstant(at(iso), zone, w), zone);

describe('quiet hours that wrap midnight (21:00–09:00)', () => {
  it('moves an evening due time to 09:00 the next morning', () => {
    expect(next('2025-06-02T22:00+02:00', NIGHTS)).toBe('Tue 2025-06-03T09:00+02:00');
  });

  it('moves an early-morning due time to 09:00 the same morning', () => {
    expect(next('2025-06-03T02:00+02:00', NIGHTS)).toBe('Tue 2025-06-03T09:00+02:00');
    expect(next('2025-06-03T00:00+02:00', NIGHTS)).toBe('Tue 2025-06-03T09:00+02:00');
  });

  it('leaves a daytime due time alone, to the millisecond', () => {
    const due = at('2025-06-02T14:37:12.345+02:00');
    expect(nextAllowedInstant(due, BERLIN, NIGHTS)).toBe(due);
  });

  it('allows exactly the quiet end and not exactly the quiet start', () => {
    expect(next('2025-06-03T09:00+02:00', NIGHTS)).toBe('Tue 2025-06-03T09:00+02:00');
    expect(next('2025-06-03T08:59:59.999+02:00', NIGHTS)).toBe('Tue 2025-06-03T09:00+02:00');
    expect(next('2025-06-02T21:00+02:00', NIGHTS)).toBe('Tue 2025-06-03T09:00+02:00');
    const lastOpen = at('2025-06-02T20:59:59.999+02:00');
    expect(nextAllowedInstant(lastOpen, BERLIN, NIGHTS)).toBe(lastOpen);
  });
});

describe('quiet hours within one day (12:00–13:00)', () => {
  it('moves a lunchtime due time to 13:00 the same day', () => {
    expect(next('2025-06-02T12:30+02:00', LUNCH)).toBe('Mon 2025-06-02T13:00+02:00');
  });

  it('keeps the morning, the evening and midnight open', () => {
    for (const iso of ['2025-06-02T11:59+02:00', '2025-06-02T23:30+02:00', '2025-06-03T00:00+02:00']) {
      expect(nextAllowedInstant(at(iso), BERLIN, LUNCH)).toBe(at(iso));
    }
  });

  it('allows exactly 13:00 and not exactly 12:00', () => {
    expect(next('2025-06-02T12:00+02:00', LUNCH)).toBe('Mon 2025-06-02T13:00+02:00');
    expect(next('2025-06-02T13:00+02:00', LUNCH)).toBe('Mon 2025-06-02T13:00+02:00');
  });

  it('treats equal start and end as no quiet hours at all', () => {
    const none = window({ quietHours: { start: '09:00', end: '09:00' } });
    for (const iso of ['2025-06-02T09:00+02:00', '2025-06-02T03:00+02:00', '2025-06-02T22:00+02:00']) {
      expect(nextAllowedInstant(at(iso), BERLIN, none)).toBe(at(iso));
    }
  });
});

describe('allowed weekdays', () => {
  it('moves a Saturday due time to the start of Monday when there are no quiet hours', () => {
    expect(next('2025-06-07T10:00+02:00', window({ allowedWeekdays: WEEKDAYS }))).toBe('Mon 2025-06-09T00:00+02:00');
  });

  it('moves Friday night and the weekend to Monday at the end of quiet hours', () => {
    const shopWeek = window({ quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: WEEKDAYS });
    expect(next('2025-06-06T22:00+02:00', shopWeek)).toBe('Mon 2025-06-09T09:00+02:00');
    expect(next('2025-06-07T10:00+02:00', shopWeek)).toBe('Mon 2025-06-09T09:00+02:00');
    expect(next('2025-06-09T03:00+02:00', shopWeek)).toBe('Mon 2025-06-09T09:00+02:00');
    expect(next('2025-06-06T20:00+02:00', shopWeek)).toBe('Fri 2025-06-06T20:00+02:00');
  });

  it('uses ISO numbering: 7 is Sunday, 1 is Monday', () => {
    const sundaysOnly = window({ allowedWeekdays: [7] });
    expect(next('2025-06-02T10:00+02:00', sundaysOnly)).toBe('Sun 2025-06-08T00:00+02:00');
    const mondaysOnly = window({ allowedWeekdays: [1] });
    expect(next('2025-06-08T10:00+02:00', mondaysOnly)).toBe('Mon 2025-06-09T00:00+02:00');
  });

  it('judges the weekday in the business zone, not in UTC', () => {
    // Saturday 23:30 UTC is already Sunday 08:30 in Tokyo.
    const sundaysOnly = window({ allowedWeekdays: [7] });
    const due = at('2025-06-07T23:30Z');
    expect(nextAllowedInstant(due, 'Asia/Tokyo', sundaysOnly)).toBe(due);
    expect(wall(nextAllowedInstant(due, 'UTC', sundaysOnly), 'UTC')).toBe('Sun 2025-06-08T00:00+00:00');
  });
});

describe('closed dates', () => {
  const christmas = window({ quietHours: { start: '21:00', end: '09:00' }, closedDates: ['2025-12-25', '2025-12-26'] });

  it('skips holidays to the next open morning', () => {
    expect(next('2025-12-24T22:00+01:00', christmas)).toBe('Sat 2025-12-27T09:00+01:00');
    expect(next('2025-12-25T14:00+01:00', christmas)).toBe('Sat 2025-12-27T09:00+01:00');
  });

  it('combines with weekdays: a holiday Friday then a weekend reaches Monday', () => {
    const w = window({ quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: WEEKDAYS, closedDates: ['2025-12-25', '2025-12-26'] });
    expect(next('2025-12-24T21:30+01:00', w)).toBe('Mon 2025-12-29T09:00+01:00');
  });

  it('leaves the day before a holiday open until its quiet hours', () => {
    expect(next('2025-12-24T20:59+01:00', christmas)).toBe('Wed 2025-12-24T20:59+01:00');
  });

  it('reads the closed date in the business zone', () => {
    const closed = window({ closedDates: ['2025-12-25'] });
    // 24 Dec 16:00 UTC is 25 Dec 01:00 in Tokyo (closed) but still 24 Dec in Berlin (open).
    const due = at('2025-12-24T16:00Z');
    expect(nextAllowedInstant(due, BERLIN, closed)).toBe(due);
    expect(wall(nextAllowedInstant(due, 'Asia/Tokyo', closed), 'Asia/Tokyo')).toBe('Fri 2025-12-26T00:00+09:00');
  });
});

describe('DST days', () => {
  it('quiet hours across the Berlin fall-back night end at 09:00 local (a 13-hour night)', () => {
    const from = at('2025-10-25T21:00+02:00');
    const to = nextAllowedInstant(from, BERLIN, NIGHTS);
    expect(wall(to, BERLIN)).toBe('Sun 2025-10-26T09:00+01:00');
    expect((to - from) / 3_600_000).toBe(13);
  });

  it('quiet hours across the New York spring-forward night end at 09:00 local (a 10-hour night)', () => {
    const from = at('2025-03-08T22:00-05:00');
    const to = nextAllowedInstant(from, NEW_YORK, NIGHTS);
    expect(wall(to, NEW_YORK)).toBe('Sun 2025-03-09T09:00-04:00');
    expect((to - from) / 3_600_000).toBe(10);
  });

  it('a quiet end inside the spring-forward gap opens when the clocks jump', () => {
    const w = window({ quietHours: { start: '01:00', end: '02:30' } });
    expect(next('2025-03-30T01:30+01:00', w)).toBe('Sun 2025-03-30T03:00+02:00');
    expect(wall(nextAllowedInstant(at('2025-03-09T01:15-05:00'), NEW_YORK, w), NEW_YORK)).toBe('Sun 2025-03-09T03:00-04:00');
  });

  it('a quiet start inside the gap closes when the clocks jump', () => {
    const w = window({ quietHours: { start: '02:30', end: '05:00' } });
    const beforeJump = at('2025-03-30T01:59+01:00');
    expect(nextAllowedInstant(beforeJump, BERLIN, w)).toBe(beforeJump);
    expect(next('2025-03-30T03:00+02:00', w)).toBe('Sun 2025-03-30T05:00+02:00');
  });

  it('in the fall-back overlap, quiet hours are reckoned from the first occurrence of each wall time', () => {
    const w = window({ quietHours: { start: '01:00', end: '01:30' } });
    // First 01:10 (EDT) is quiet until the first 01:30 (EDT).
    expect(new Date(nextAllowedInstant(at('2025-11-02T01:10-04:00'), NEW_YORK, w)).toISOString()).toBe('2025-11-02T05:30:00.000Z');
    // The repeated 01:10 (EST) comes after that quiet interval has ended: open.
    const repeated = at('2025-11-02T01:10-05:00');
    expect(nextAllowedInstant(repeated, NEW_YORK, w)).toBe(repeated);
  });

  it('a closed day before a midnight DST jump opens at the first real instant of the next day', () => {
    // America/Santiago springs forward at midnight: 7 Sep 2025 starts at 01:00.
    const w = window({ closedDates: ['2025-09-06'] });
    expect(wall(nextAllowedInstant(at('2025-09-06T12:00-04:00'), 'America/Santiago', w), 'America/Santiago')).toBe(
      'Sun 2025-09-07T01:00-03:00',
    );
  });

  it('a day that does not exist on the calendar is simply passed over (Pacific/Apia, 30 Dec 2011)', () => {
    const w = window({ allowedWeekdays: [5, 6] }); // Fri 30 Dec never happened in Apia; Sat 31 Dec did.
    expect(wall(nextAllowedInstant(at('2011-12-29T10:00-10:00'), 'Pacific/Apia', w), 'Pacific/Apia')).toBe(
      'Sat 2011-12-31T00:00+14:00',
    );
  });
});

describe('agrees with a plain wall-clock reading on ordinary days', () => {
  // Independent oracle: reads the wall clock with luxon and checks each rule directly.
  const open = (ms: number, zone: string, w: SendingWindow & { quietHours: { start: string; end: string } }): boolean => {
    const dt = DateTime.fromMillis(ms, { zone });
    if (!w.allowedWeekdays.includes(dt.weekday) || w.closedDates.includes(dt.toISODate() ?? '')) return false;
    const minute = dt.hour * 60 + dt.minute;
    const [sh, sm] = w.quietHours.start.split(':').map(Number);
    const [eh, em] = w.quietHours.end.split(':').map(Number);
    const start = (sh ?? 0) * 60 + (sm ?? 0);
    const end = (eh ?? 0) * 60 + (em ?? 0);
    const quiet = start < end ? minute >= start && minute < end : minute >= start || minute < end;
    return !quiet;
  };

  it.each([
    ['Asia/Kolkata', { start: '20:30', end: '08:15' }],
    ['Europe/Berlin', { start: '12:00', end: '14:45' }],
    ['America/Los_Angeles', { start: '19:00', end: '10:00' }],
  ])('%s, quiet %o: the answer is open, and no open minute is skipped before it', (zone, quietHours) => {
    const w = { quietHours, allowedWeekdays: [2, 3, 5, 6], closedDates: ['2025-07-04', '2025-07-15', '2025-07-16'] };
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const from = at('2025-06-01T00:00Z');
    for (let i = 0; i < 80; i++) {
      // Whole minutes in June–August (no DST transitions there in these zones).
      const due = from + Math.floor(random() * 80 * 24 * 60) * 60_000;
      const result = nextAllowedInstant(due, zone, w);
      expect(result).toBeGreaterThanOrEqual(due);
      expect(open(result, zone, w)).toBe(true);
      // Every open stretch in these windows lasts hours, so 5-minute steps cannot jump over one.
      for (let t = due; t < result; t += 5 * 60_000) expect(open(t, zone, w)).toBe(false);
    }
  });
});

describe('the window inside the timing rules', () => {
  const timing = (delayAmount: number, delayUnit: MessageTiming['delayUnit'], sendAt: string | null = null): MessageTiming => ({
    delayAmount,
    delayUnit,
    sendAt,
  });

  it('dueAtAfter applies the window after the delay and exact time', () => {
    const ctx = { timeZone: BERLIN, window: NIGHTS };
    expect(wall(dueAtAfter(at('2025-06-02T20:00+02:00'), timing(2, 'hours'), ctx), BERLIN)).toBe('Tue 2025-06-03T09:00+02:00');
    expect(wall(dueAtAfter(at('2025-06-02T10:00+02:00'), timing(1, 'days', '22:00'), ctx), BERLIN)).toBe('Wed 2025-06-04T09:00+02:00');
    // Without a window the same rules give the raw instants.
    expect(wall(dueAtAfter(at('2025-06-02T20:00+02:00'), timing(2, 'hours'), { timeZone: BERLIN }), BERLIN)).toBe(
      'Mon 2025-06-02T22:00+02:00',
    );
  });

  it('planSchedule chains each message on the moved time, as it would really be sent', () => {
    const ctx = { timeZone: BERLIN, window: window({ quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: WEEKDAYS }) };
    const plan = planSchedule(at('2025-06-06T19:30+02:00'), [timing(0, 'minutes'), timing(2, 'hours'), timing(1, 'hours')], ctx);
    expect(plan.map((p) => wall(p.dueAt, BERLIN))).toEqual([
      'Fri 2025-06-06T19:30+02:00',
      'Mon 2025-06-09T09:00+02:00',
      'Mon 2025-06-09T10:00+02:00',
    ]);
  });

  it('isInsideWindow answers for a single instant', () => {
    expect(isInsideWindow(at('2025-06-02T10:00+02:00'), BERLIN, NIGHTS)).toBe(true);
    expect(isInsideWindow(at('2025-06-02T21:00+02:00'), BERLIN, NIGHTS)).toBe(false);
  });
});

describe('guards', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const validationError = (fn: () => unknown): AppError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a validation error');
  };

  it('rejects a window with no weekdays, naming the field', () => {
    const error = validationError(() => nextAllowedInstant(0, BERLIN, window({ allowedWeekdays: [] })));
    expect(error.code).toBe('VALIDATION');
    expect(error.field).toBe('allowedWeekdays');
    expect(error.message).toMatch(/at least one weekday/);
  });

  it('gives up with a readable message when no day within ~400 days is open', () => {
    const mondays: string[] = [];
    for (let d = DateTime.fromISO('2025-06-02', { zone: BERLIN }); d.year < 2027; d = d.plus({ weeks: 1 })) {
      mondays.push(d.toISODate() ?? '');
    }
    const error = validationError(() => nextAllowedInstant(at('2025-06-01T12:00+02:00'), BERLIN, window({ allowedWeekdays: [1], closedDates: mondays })));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/No day in the next 400 days/);
  });

  it('rejects malformed quiet hours, weekdays and closed dates', () => {
    expect(validationError(() => validateSendingWindow(window({ quietHours: { start: '9:00', end: '17:00' } }))).field).toBe('quietHours.start');
    expect(validationError(() => validateSendingWindow(window({ quietHours: { start: '09:00', end: '24:00' } }))).field).toBe('quietHours.end');
    expect(validationError(() => validateSendingWindow(window({ allowedWeekdays: [0, 1] }))).field).toBe('allowedWeekdays');
    expect(validationError(() => validateSendingWindow(window({ allowedWeekdays: [8] }))).field).toBe('allowedWeekdays');
    expect(validationError(() => validateSendingWindow(window({ closedDates: ['2025-02-30'] }))).field).toBe('closedDates');
    expect(validationError(() => validateSendingWindow(window({ closedDates: ['25.12.2025'] }))).field).toBe('closedDates');
    expect(() => validateSendingWindow(window({ closedDates: ['2024-02-29'] }))).not.toThrow();
  });

  it('rejects an unknown time zone', () => {
    expect(validationError(() => nextAllowedInstant(0, 'Mars/Olympus', NIGHTS)).field).toBe('timeZone');
  });

  it('never reads the current time', () => {
    const due = at('2025-12-24T22:00+01:00');
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('Date.now() called');
    });
    expect(() => nextAllowedInstant(due, BERLIN, window({ allowedWeekdays: [1], closedDates: ['2025-12-29'] }))).not.toThrow();
  });
});
