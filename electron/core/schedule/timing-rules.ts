/**
 * The timing rules of DESIGN.md §4, steps 1–4: when a message falls due.
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
 * 3. Sending window. When `ctx.window` is set, the instant from steps 1–2 moves to the first
 *    instant inside it (sending-window.ts): out of quiet hours, on an allowed weekday, not on a
 *    closed date. planSchedule chains on these moved times, as the messages would really go.
 * 4. Chaining. The next message's base is when this one was actually sent; `planSchedule` assumes
 *    each goes out exactly on time, so its base is the previous due time.
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
import type { DelayUnit } from '../../../shared/contract';
import { validation } from '../errors';
import { nextAllowedInstant, type SendingWindow } from './sending-window';
import { HOUR_MS, MINUTE_MS, addCalendarDays, instantOf, parseTimeOfDay, wallTimeAt, zoneOf } from './zoned-time';

export interface MessageTiming {
  delayAmount: number;
  delayUnit: DelayUnit;
  /** Wall-clock `HH:mm` in the business time zone, or null for "no exact time". */
  sendAt: string | null;
}

/**
 * Everything the rules need besides the message. Only ever extended with optional fields, so
 * `{ timeZone }` stays a valid context.
 */
export interface ScheduleContext {
  /** IANA business time zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Step 3; absent means every instant is open for sending. */
  window?: SendingWindow | undefined;
}

/** When a message falls due, given the base instant (previous message's actual send time, or subscribed_at for the first). */
export function dueAtAfter(baseMs: number, timing: MessageTiming, ctx: ScheduleContext): number {
  const stepTwo = exactDueAt(baseMs, timing, ctx.timeZone);
  return ctx.window === undefined ? stepTwo : nextAllowedInstant(stepTwo, ctx.timeZone, ctx.window);
}

/** Steps 1 and 2: the delay, then the exact time of day. */
function exactDueAt(baseMs: number, timing: MessageTiming, timeZone: string): number {
  const zone = zoneOf(timeZone);
  const sendAt = timing.sendAt === null ? null : parseTimeOfDay(timing.sendAt, 'sendAt');
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
