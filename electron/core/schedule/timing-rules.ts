/**
 * The timing rules of DESIGN.md §4, steps 1, 2 and 4: when a message falls due.
 *
 * Pure: every instant comes in through the arguments (no Date.now()). Inputs and outputs are UTC
 * epoch milliseconds; all wall-clock reasoning happens in the business time zone (`ctx.timeZone`,
 * an IANA name) using luxon's zone data.
 *
 * 1. Delay. `minutes`/`hours` add an exact duration (2 hours across a DST change is still 120 real
 *    minutes). `days` add calendar days and keep the base's wall-clock time, so a 1-day delay from
 *    10:00 is 10:00 the next day even when that day is 23 or 25 hours long. A delay of 0 is "right
 *    away": the step-1 instant is the base itself, whatever the unit.
 * 2. Exact time of day (`sendAt`, `HH:mm`, optional).
 *    - Day delay: the message goes on the calendar day reached in step 1, at `sendAt`; if that
 *      instant is not strictly after the base (only possible with 0 days), the next day's `sendAt`.
 *    - Minute/hour delay (and 0): the first daily `sendAt` at or after the step-1 instant.
 *      Subscribed 03:00, 2 hours, at 09:00 → 09:00 the same day; subscribed 10:00 → 09:00 next day.
 * 4. Chaining. The next message's base is when this one was actually sent; `planSchedule` assumes
 *    each goes out exactly on time, so its base is the previous due time.
 * (Step 3, the sending window, is applied by a later layer; `ScheduleContext` will grow an optional
 * field for it, so existing callers keep compiling.)
 *
 * DST choices — every calendar day has exactly one instant for a given wall time:
 * - A wall time inside a spring-forward gap (02:30 in Europe/Berlin on the last Sunday of March)
 *   resolves to the first real instant after the gap, i.e. the moment the clocks jump (03:00 local).
 *   Not luxon's "shift by the gap length" (03:30): clamping sends as soon as the intended moment
 *   has passed and never reorders messages (02:15 and 02:45 both become 03:00, never after 03:10).
 *   This applies alike to `sendAt` and to a day delay whose base wall time does not exist on the
 *   target day.
 * - A wall time that occurs twice in a fall-back overlap (01:30 in America/New_York on the first
 *   Sunday of November) resolves to its first occurrence (the earlier instant, still on summer
 *   time). "The first `sendAt` at or after" compares against these daily instants only, so a
 *   message at 01:30 never waits for the repeated 01:30 on that day.
 */
import { IANAZone } from 'luxon';
import type { DelayUnit } from '../../../shared/contract';
import { validation } from '../errors';

export interface MessageTiming {
  delayAmount: number;
  delayUnit: DelayUnit;
  /** Wall-clock `HH:mm` in the business time zone, or null for "no exact time". */
  sendAt: string | null;
}

/**
 * Everything the rules need besides the message. Only ever extended with optional fields (the
 * sending window of §4 step 3 joins here), so `{ timeZone }` stays a valid context.
 */
export interface ScheduleContext {
  /** IANA business time zone, e.g. "Europe/Berlin". */
  timeZone: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** A calendar date plus wall-clock time; `month` is 1-12. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** When a message falls due, given the base instant (previous message's actual send time, or subscribed_at for the first). */
export function dueAtAfter(baseMs: number, timing: MessageTiming, ctx: ScheduleContext): number {
  const zone = zoneOf(ctx.timeZone);
  const sendAt = timing.sendAt === null ? null : parseTimeOfDay(timing.sendAt);
  const amount = timing.delayAmount;
  if (!Number.isInteger(amount) || amount < 0) {
    throw validation(`Delay must be a whole number of at least 0, got ${amount}.`, 'delayAmount');
  }

  if (timing.delayUnit === 'days') {
    const base = wallTimeAt(zone, baseMs);
    const day = addCalendarDays(base, amount);
    if (sendAt === null) return amount === 0 ? baseMs : instantOf(zone, day);
    const onDay = instantOf(zone, { ...day, ...sendAt });
    return onDay > baseMs ? onDay : instantOf(zone, { ...addCalendarDays(day, 1), ...sendAt });
  }

  const stepOne = baseMs + amount * (timing.delayUnit === 'hours' ? HOUR_MS : MINUTE_MS);
  if (sendAt === null) return stepOne;
  const day = wallTimeAt(zone, stepOne);
  const sameDay = instantOf(zone, { ...day, ...sendAt });
  return sameDay >= stepOne ? sameDay : instantOf(zone, { ...addCalendarDays(day, 1), ...sendAt });
}

/** Chains messages assuming each goes out exactly on time: each message's base is the previous one's due time. */
export function planSchedule<T extends MessageTiming>(
  startMs: number,
  messages: readonly T[],
  ctx: ScheduleContext,
): Array<{ message: T; dueAt: number }> {
  const plan: Array<{ message: T; dueAt: number }> = [];
  let base = startMs;
  for (const message of messages) {
    const dueAt = dueAtAfter(base, message, ctx);
    plan.push({ message, dueAt });
    base = dueAt;
  }
  return plan;
}

function zoneOf(name: string): IANAZone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw validation(`Unknown time zone "${name}".`, 'timeZone');
  return zone;
}

function parseTimeOfDay(text: string): Pick<WallTime, 'hour' | 'minute' | 'second' | 'millisecond'> {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (match === null) throw validation(`Use a 24-hour time such as 09:00, got "${text}".`, 'sendAt');
  return { hour: Number(match[1]), minute: Number(match[2]), second: 0, millisecond: 0 };
}

/** Zone offset in ms at an instant (luxon reports minutes). */
function offsetMs(zone: IANAZone, ms: number): number {
  return zone.offset(ms) * MINUTE_MS;
}

function wallTimeAt(zone: IANAZone, ms: number): WallTime {
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

/** Pure Gregorian calendar arithmetic; the wall-clock fields are kept as they are. */
function addCalendarDays(wall: WallTime, days: number): WallTime {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The wall time written as if it were UTC: instant = this − offset. */
function wallAsUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

/**
 * The instant a wall time names in the zone: the earliest one if it occurs twice (overlap), the
 * end of the gap if it does not occur (spring forward). See the doc block at the top.
 */
function instantOf(zone: IANAZone, wall: WallTime): number {
  const local = wallAsUtc(wall);
  // Every offset the zone uses within two days either side: enough for any real transition,
  // including whole-day jumps such as Pacific/Apia skipping 30 Dec 2011.
  const offsets = new Set<number>();
  for (let k = -4; k <= 4; k++) offsets.add(offsetMs(zone, local + k * 12 * HOUR_MS));

  const candidates = [...offsets].map((o) => local - o).filter((t) => t + offsetMs(zone, t) === local);
  if (candidates.length > 0) return Math.min(...candidates);

  // In a gap: wall(t) = t + offset(t) runs below `local` before the jump and above it after, so
  // the first minute whose wall time reaches `local` is the moment the clocks jump.
  let lo = local - Math.max(...offsets); // wall(lo) < local
  let hi = local - Math.min(...offsets); // wall(hi) > local
  lo = Math.floor(lo / MINUTE_MS);
  hi = Math.ceil(hi / MINUTE_MS);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid * MINUTE_MS + offsetMs(zone, mid * MINUTE_MS) >= local) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
}
