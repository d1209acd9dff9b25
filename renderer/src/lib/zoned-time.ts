/**
 * Wall-clock time in the business time zone ↔ epoch milliseconds, for `<input type="datetime-local">`.
 *
 * The input gives a wall time without a zone ("2025-03-30T02:30") and the browser would read it in
 * the zone of the computer showing the page — which need not be the shop's zone (a headless server
 * opened from a laptop abroad). So the renderer converts with the settings' `timeZone`, using only
 * Intl (no date library in the bundle):
 *
 * - A wall time that happens twice (clocks go back) means its FIRST occurrence.
 * - A wall time that does not exist (clocks go forward, e.g. 02:30 in Berlin on the last Sunday of
 *   March) moves forward by the length of the gap (03:30), as the shop owner's wall clock would.
 */
const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, format);
  }
  return format;
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `timeZone` at an instant (seconds precision). */
function wallPartsAt(epochMs: number, timeZone: string): WallParts {
  const values: Record<string, number> = {};
  for (const part of partsFormat(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  return {
    year: values.year ?? 1970,
    month: values.month ?? 1,
    day: values.day ?? 1,
    // Some engines still print midnight as "24" even with h23.
    hour: (values.hour ?? 0) % 24,
    minute: values.minute ?? 0,
    second: values.second ?? 0,
  };
}

/** Wall parts as if they were UTC: a number to compare and subtract, not an instant. */
function wallAsUtc({ year, month, day, hour, minute, second }: WallParts): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not turn year 99 into 1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** Milliseconds the zone is ahead of UTC at an instant (e.g. +3,600,000 for Berlin in winter). */
export function zoneOffsetAt(epochMs: number, timeZone: string): number {
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  return wallAsUtc(wallPartsAt(wholeSeconds, timeZone)) - wholeSeconds;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY_MS = 86_400_000;

/** "2025-11-27T09:00" read in `timeZone` → epoch ms; null when the text is not such a time. */
export function wallTimeToEpoch(value: string, timeZone: string): number | null {
  const match = WALL_TIME.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const parts: WallParts = { year: year ?? 0, month: month ?? 0, day: day ?? 0, hour: hour ?? 0, minute: minute ?? 0, second: second ?? 0 };
  if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > 31 || parts.hour > 23 || parts.minute > 59 || parts.second > 59) return null;
  const wall = wallAsUtc(parts);
  // The date must exist (no 31 February): the UTC reading of it keeps the same day.
  if (new Date(wall).getUTCDate() !== parts.day) return null;

  // Zone offsets change at most a couple of times a year, so the offsets a day before and a day
  // after (and at the wall time itself) are every offset that can apply to this wall time.
  const before = zoneOffsetAt(wall - DAY_MS, timeZone);
  const candidates = [before, zoneOffsetAt(wall, timeZone), zoneOffsetAt(wall + DAY_MS, timeZone)].map((offset) => wall - offset);
  const matching = candidates.filter((epoch) => wallAsUtc(wallPartsAt(epoch, timeZone)) === wall);
  if (matching.length > 0) return Math.min(...matching);
  // In a gap: read it with the offset from before the change, which lands after the gap.
  return wall - before;
}

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/** Epoch ms → "YYYY-MM-DDTHH:mm" as the wall clock in `timeZone` shows it (for the input's value). */
export function epochToWallTime(epochMs: number, timeZone: string): string {
  const { year, month, day, hour, minute } = wallPartsAt(epochMs, timeZone);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}
