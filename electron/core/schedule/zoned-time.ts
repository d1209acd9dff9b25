/**
 * Wall-clock arithmetic in an IANA time zone, shared by the timing rules and the sending window.
 *
 * Instants are UTC epoch milliseconds; a `WallTime` is what a clock on the shop's wall reads.
 * The DST choices live in `instantOf` (see its comment and timing-rules.ts): a wall time inside a
 * spring-forward gap resolves to the moment the clocks jump, one that occurs twice (fall-back
 * overlap) to its first occurrence. Every calendar day therefore has exactly one instant for a
 * given wall time, and later wall times never map to earlier instants.
 *
 * Zone offsets come from luxon (Intl) and cost several microseconds each. Recomputing the due
 * times of 100,000 subscriptions calls them millions of times, so `offsetMs` remembers, per zone
 * and per UTC hour, whether the offset is constant through that hour (true for every hour that
 * does not contain a transition; no zone has two transitions within one hour) and its value.
 */
import { IANAZone } from 'luxon';
import { validation } from '../errors';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

/** A calendar date plus wall-clock time; `month` is 1-12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export type TimeOfDay = Pick<WallTime, 'hour' | 'minute' | 'second' | 'millisecond'>;
export type CalendarDate = Pick<WallTime, 'year' | 'month' | 'day'>;

export const MIDNIGHT: TimeOfDay = { hour: 0, minute: 0, second: 0, millisecond: 0 };

export function zoneOf(name: string): IANAZone {
  // Checking validity asks Intl every time; a recompute asks for the same zone 100,000 times.
  const known = validZones.get(name);
  if (known !== undefined) return known;
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw validation(`Unknown time zone "${name}".`, 'timeZone');
  validZones.set(name, zone);
  return zone;
}

const validZones = new Map<string, IANAZone>();

/** Parses `HH:mm` (24-hour); `field` names the input in the error a shop owner sees. */
export function parseTimeOfDay(text: string, field: string): TimeOfDay {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) throw validation(`Use a 24-hour time such as 09:00, got "${text}".`, field);
  return { hour: Number(match[1]), minute: Number(match[2]), second: 0, millisecond: 0 };
}

/** Minutes since midnight of a time of day, for comparing two of them. */
export function minuteOfDay(time: TimeOfDay): number {
  return time.hour * 60 + time.minute;
}

// Per zone: UTC hour index → the offset (ms) if it is constant through that hour, else null.
const offsetCache = new Map<string, Map<number, number | null>>();
const OFFSET_CACHE_MAX_HOURS = 200_000;

/** Zone offset in ms at an instant (luxon reports minutes). */
export function offsetMs(zone: IANAZone, ms: number): number {
  let hours = offsetCache.get(zone.name);
  if (hours === undefined) {
    hours = new Map();
    offsetCache.set(zone.name, hours);
  }
  const hour = Math.floor(ms / HOUR_MS);
  const known = hours.get(hour);
  if (typeof known === 'number') return known;
  const exact = zone.offset(ms) * MINUTE_MS;
  if (known === null) return exact;
  // Bounded so a long-running process cannot grow it forever; refilling is cheap.
  if (hours.size >= OFFSET_CACHE_MAX_HOURS) hours.clear();
  const first = zone.offset(hour * HOUR_MS) * MINUTE_MS;
  const last = zone.offset((hour + 1) * HOUR_MS - 1) * MINUTE_MS;
  hours.set(hour, first === last ? first : null);
  return exact;
}

export function wallTimeAt(zone: IANAZone, ms: number): WallTime {
  const d = new Date(ms + offsetMs(zone, ms));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** Pure Gregorian calendar arithmetic; any wall-clock fields are kept as they are. */
export function addCalendarDays<T extends CalendarDate>(date: T, days: number): T {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { ...date, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: CalendarDate): number {
  const sundayZero = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

/** `yyyy-MM-dd`. */
export function formatDate(date: CalendarDate): string {
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** The wall time written as if it were UTC: instant = this − offset. */
function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

/**
 * The instant a wall time names in the zone: the earliest one if it occurs twice (overlap), the
 * end of the gap if it does not occur (spring forward).
 */
export function instantOf(zone: IANAZone, wall: WallTime): number {
  const local = wallAsUtc(wall);
  let known = instants.get(zone.name);
  if (known === undefined) {
    known = new Map();
    instants.set(zone.name, known);
  }
  const remembered = known.get(local);
  if (remembered !== undefined) return remembered;
  const instant = resolveInstant(zone, local);
  if (known.size >= INSTANTS_REMEMBERED) known.clear();
  known.set(local, instant);
  return instant;
}

// Per zone: local wall time (as if UTC) → its instant. Many subscriptions share a wall time (09:00
// on a given day, midnight of a quiet day), and resolving one costs about ten offset lookups.
const instants = new Map<string, Map<number, number>>();
const INSTANTS_REMEMBERED = 100_000;

function resolveInstant(zone: IANAZone, local: number): number {  // Every offset the zone uses within two days either side: enough for any real transition,
  // including whole-day jumps such as Pacific/Apia skipping 30 Dec 2011.
  const offsets = new Set<number>();
  for (let k = -4; k <= 4; k++) offsets.add(offsetMs(zone, local + k * 12 * HOUR_MS));

  let earliest = Number.POSITIVE_INFINITY;
  for (const o of offsets) {
    const t = local - o;
    if (t + offsetMs(zone, t) === local && t < earliest) earliest = t;
  }
  if (earliest !== Number.POSITIVE_INFINITY) return earliest;

  // In a gap: wall(t) = t + offset(t) runs below `local` before the jump and above it after, so
  // the first minute whose wall time reaches `local` is the moment the clocks jump.
  const all = [...offsets];
  let lo = Math.floor((local - Math.max(...all)) / MINUTE_MS); // wall(lo) < local
  let hi = Math.ceil((local - Math.min(...all)) / MINUTE_MS); // wall(hi) > local
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid * MINUTE_MS + offsetMs(zone, mid * MINUTE_MS) >= local) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
}

/** The instant a time of day names on a calendar date (DST rules of `instantOf`). */
export function instantOnDate(zone: IANAZone, date: CalendarDate, time: TimeOfDay): number {
  return instantOf(zone, { year: date.year, month: date.month, day: date.day, ...time });
}

/** The business day containing an instant: its date and its [start, end) instants. */
export function businessDay(atMs: number, timeZone: string): { date: string; startMs: number; endMs: number } {
  const zone = zoneOf(timeZone);
  const today = wallTimeAt(zone, atMs);
  return {
    date: formatDate(today),
    startMs: instantOnDate(zone, today, MIDNIGHT),
    endMs: instantOnDate(zone, addCalendarDays(today, 1), MIDNIGHT),
  };
}
