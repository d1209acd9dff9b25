/**
 * Step 3 of the timing rules (DESIGN.md §4): the sending window.
 *
 * The owner sets quiet hours (e.g. 21:00–09:00, which wraps midnight), the ISO weekdays on which
 * messages may go out, and closed dates (holidays, `yyyy-MM-dd` in the business zone). A due time
 * that falls inside quiet hours or on a day that is not allowed moves to the start of the next
 * allowed window: the end of the quiet hours on the next allowed day, or that day's midnight when
 * it has no quiet morning.
 *
 * Semantics, in instants (so DST days behave like any other):
 * - On calendar day D, quiet hours `start`–`end` cover [start on D, end on D) when start < end,
 *   and [midnight of D, end on D) ∪ [start on D, midnight of D+1) when they wrap midnight.
 *   Intervals are half-open: a due time exactly at the quiet end is allowed; exactly at the quiet
 *   start is not. `start === end` means no quiet hours.
 * - A day is allowed when its ISO weekday is in `allowedWeekdays` and its date is not closed.
 * - Wall times resolve to instants with the DST choices of zoned-time.ts (a time inside a
 *   spring-forward gap is the moment the clocks jump; a repeated time is its first occurrence).
 *
 * Pure: no clock is read. The search gives up after ~400 days with a readable validation error
 * (every allowed weekday closed, for instance) instead of looping forever.
 */
import { validation } from '../errors';
import {
  HOUR_MS,
  MIDNIGHT,
  addCalendarDays,
  formatDate,
  instantOnDate,
  isoWeekday,
  minuteOfDay,
  offsetMs,
  parseTimeOfDay,
  zoneOf,
  type CalendarDate,
  type TimeOfDay,
} from './zoned-time';
import type { IANAZone } from 'luxon';

export interface SendingWindow {
  /** `HH:mm` in the business zone; may wrap midnight (21:00–09:00); start === end means none. */
  quietHours: { start: string; end: string } | null;
  /** ISO weekdays 1 = Monday … 7 = Sunday on which messages may go out; at least one. */
  allowedWeekdays: readonly number[];
  /** `yyyy-MM-dd` dates in the business zone on which nothing is sent (holidays). */
  closedDates: readonly string[];
}

/** How far ahead the search looks before declaring the window impossible. */
export const WINDOW_SEARCH_DAYS = 400;

interface ParsedWindow {
  /** null: no quiet hours. */
  quiet: { start: TimeOfDay; end: TimeOfDay; wraps: boolean } | null;
  weekdays: ReadonlySet<number>;
  closed: ReadonlySet<string>;
  /**
   * Per zone, per local day (days since 1970-01-01): that day's open intervals, [] when closed.
   * A recompute asks about the same few days for 100,000 subscriptions; resolving a day's
   * boundaries costs dozens of zone-offset lookups.
   */
  days: Map<string, Map<number, ReadonlyArray<readonly [number, number]>>>;
}

const DAY_MS = 24 * HOUR_MS;
/** Days remembered per window and zone before the memory is cleared (refilling is cheap). */
const DAYS_REMEMBERED = 5000;

// Windows come from settings and are reused for every subscription of a recompute: parse once.
// Callers treat a window object as immutable (settings build a new one on every change). Settings
// may also build an equal object on every read: those share one parse (and its day memory).
const parsedWindows = new WeakMap<SendingWindow, ParsedWindow>();
const parsedByContent = new Map<string, ParsedWindow>();
const CONTENTS_REMEMBERED = 20;

/** Throws a validation error (naming the field) if the window cannot be used. */
export function validateSendingWindow(window: SendingWindow): void {
  parseWindow(window);
}

/** The first instant at or after `atMs` that is inside the window (not quiet, allowed weekday, not closed). */
export function nextAllowedInstant(atMs: number, timeZone: string, window: SendingWindow): number {
  const zone = zoneOf(timeZone);
  const parsed = parseWindow(window);
  // The local calendar day of `atMs` (what wallTimeAt's date is), as a day number.
  const firstDay = Math.floor((atMs + offsetMs(zone, atMs)) / DAY_MS);
  for (let i = 0; i <= WINDOW_SEARCH_DAYS; i++) {
    for (const [from, to] of openIntervalsOfDay(parsed, zone, firstDay + i)) {
      const candidate = Math.max(atMs, from);
      if (candidate < to) return candidate;
    }
  }
  throw validation(
    `No day in the next ${WINDOW_SEARCH_DAYS} days is open for sending. Allow more weekdays or remove some closed dates.`,
    'allowedWeekdays',
  );
}

/** True when messages may go out at this instant. */
export function isInsideWindow(atMs: number, timeZone: string, window: SendingWindow): boolean {
  return nextAllowedInstant(atMs, timeZone, window) === atMs;
}

/** The open intervals of a local day (by day number): none when the day is not allowed. Remembered. */
function openIntervalsOfDay(parsed: ParsedWindow, zone: IANAZone, dayNumber: number): ReadonlyArray<readonly [number, number]> {
  let byDay = parsed.days.get(zone.name);
  if (byDay === undefined) {
    byDay = new Map();
    parsed.days.set(zone.name, byDay);
  }
  const known = byDay.get(dayNumber);
  if (known !== undefined) return known;
  const utc = new Date(dayNumber * DAY_MS);
  const date: CalendarDate = { year: utc.getUTCFullYear(), month: utc.getUTCMonth() + 1, day: utc.getUTCDate() };
  let intervals: ReadonlyArray<readonly [number, number]> = [];
  if (parsed.weekdays.has(isoWeekday(date)) && !parsed.closed.has(formatDate(date))) {
    const on = (time: TimeOfDay): number => instantOnDate(zone, date, time);
    const nextMidnight = (): number => instantOnDate(zone, addCalendarDays(date, 1), MIDNIGHT);
    intervals = openIntervals(parsed, on, nextMidnight);
  }
  if (byDay.size >= DAYS_REMEMBERED) byDay.clear();
  byDay.set(dayNumber, intervals);
  return intervals;
}

/**
 * The open (non-quiet) parts of one allowed day, in order, as half-open [from, to) instants.
 * Only the boundaries a window needs are resolved (each costs several zone-offset lookups).
 */
function openIntervals(parsed: ParsedWindow, on: (time: TimeOfDay) => number, nextMidnight: () => number): Array<[number, number]> {
  const { quiet } = parsed;
  if (quiet === null) return [[on(MIDNIGHT), nextMidnight()]];
  const start = on(quiet.start);
  const end = on(quiet.end);
  return quiet.wraps
    ? [[end, start]]
    : [
        [on(MIDNIGHT), start],
        [end, nextMidnight()],
      ];
}

function parseWindow(window: SendingWindow): ParsedWindow {
  const cached = parsedWindows.get(window);
  if (cached !== undefined) return cached;
  const content = JSON.stringify([window.quietHours, window.allowedWeekdays, window.closedDates]);
  const same = parsedByContent.get(content);
  if (same !== undefined) {
    parsedWindows.set(window, same);
    return same;
  }

  let quiet: ParsedWindow['quiet'] = null;
  if (window.quietHours !== null) {
    const start = parseTimeOfDay(window.quietHours.start, 'quietHours.start');
    const end = parseTimeOfDay(window.quietHours.end, 'quietHours.end');
    const from = minuteOfDay(start);
    const to = minuteOfDay(end);
    if (from !== to) quiet = { start, end, wraps: from > to };
  }

  if (window.allowedWeekdays.length === 0) {
    throw validation('Choose at least one weekday on which messages may be sent.', 'allowedWeekdays');
  }
  for (const weekday of window.allowedWeekdays) {
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
      throw validation(`Weekdays are numbered 1 (Monday) to 7 (Sunday), got ${weekday}.`, 'allowedWeekdays');
    }
  }

  for (const date of window.closedDates) {
    if (!isCalendarDate(date)) {
      throw validation(`Closed dates are written like 2025-12-25, got "${date}".`, 'closedDates');
    }
  }

  const parsed: ParsedWindow = { quiet, weekdays: new Set(window.allowedWeekdays), closed: new Set(window.closedDates), days: new Map() };
  parsedWindows.set(window, parsed);
  if (parsedByContent.size >= CONTENTS_REMEMBERED) parsedByContent.clear();
  parsedByContent.set(content, parsed);
  return parsed;
}

/** `yyyy-MM-dd` naming a real day (no 2025-02-30). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return formatDate(addCalendarDays(date, 0)) === text;
}
