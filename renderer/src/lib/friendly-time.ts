/**
 * "today 14:05", "tomorrow 09:00", "Thu 27 Nov 09:00" — an instant as a shop owner reads it, in the
 * business time zone (not the zone of the computer showing it).
 */
const dayKeyFormats = new Map<string, Intl.DateTimeFormat>();
const labelFormats = new Map<string, { time: Intl.DateTimeFormat; weekday: Intl.DateTimeFormat; date: Intl.DateTimeFormat }>();

/** The calendar day of an instant in the given zone, as `yyyy-MM-dd` (sorts and compares as a day). */
export function dayKey(epochMs: number, timeZone: string): string {
  let format = dayKeyFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD, which also sorts and compares as a calendar day.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayKeyFormats.set(timeZone, format);
  }
  return format.format(epochMs);
}

function formatsFor(timeZone: string) {
  let formats = labelFormats.get(timeZone);
  if (!formats) {
    formats = {
      time: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
      weekday: new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short' }),
      date: new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short' }),
    };
    labelFormats.set(timeZone, formats);
  }
  return formats;
}

/** Whole calendar days from `a` to `b` (YYYY-MM-DD keys). */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function friendlyTime(epochMs: number, nowMs: number, timeZone: string): string {
  const { time, weekday, date } = formatsFor(timeZone);
  const hhmm = time.format(epochMs);
  const today = dayKey(nowMs, timeZone);
  const day = dayKey(epochMs, timeZone);
  const diff = daysBetween(today, day);
  if (diff === 0) return `today ${hhmm}`;
  if (diff === 1) return `tomorrow ${hhmm}`;
  const label = `${weekday.format(epochMs)} ${date.format(epochMs)}`;
  const yearSuffix = day.slice(0, 4) === today.slice(0, 4) ? '' : ` ${day.slice(0, 4)}`;
  return `${label}${yearSuffix} ${hhmm}`;
}
