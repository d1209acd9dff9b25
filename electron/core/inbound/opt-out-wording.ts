/**
 * How the app tells the owner (and the timeline) what a customer's message did: dates of an
 * opt-out, the reason a subscription ended, the consent note of a customer who wrote in. Dates and
 * times are given in the business time zone, in a form that reads the same in every locale
 * ("2 Nov 2026", "2 Nov 2026, 14:05").
 *
 * Pure: the CSV import calls it from a worker thread.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function formatter(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    });
    cache.set(timeZone, format);
  }
  return format;
}

/** "2 Nov 2026". */
export function formatDay(ms: number, timeZone: string): string {
  return formatter(dateFormats, timeZone, false).format(ms);
}

/** "2 Nov 2026, 14:05". */
export function formatDayTime(ms: number, timeZone: string): string {
  return formatter(dateTimeFormats, timeZone, true).format(ms);
}

/** Why an opted-out person is not subscribed: "Anna replied STOP on 2 Nov 2026 …". */
export function optedOutRefusal(who: string, optedOutAt: number, timeZone: string): string {
  return `${who} replied STOP on ${formatDay(optedOutAt, timeZone)} and gets no messages from the shop. They can write START to allow them again.`;
}

/** A subscription ended by STOP (the timeline shows it). */
export function stopEndReason(at: number, timeZone: string): string {
  return `Replied STOP on ${formatDayTime(at, timeZone)}`;
}

/** How much of a reply the end reason quotes. */
export const QUOTED_REPLY_CHARS = 60;

/** A subscription stopped because the customer replied: 'Replied on 2 Nov 2026, 14:05: “Thanks, how much is…”'. */
export function replyEndReason(at: number, text: string, timeZone: string): string {
  return `Replied on ${formatDayTime(at, timeZone)}: “${quote(text)}”`;
}

/** The text on one line, at most QUOTED_REPLY_CHARS characters, cut at a word where one is near. */
function quote(text: string): string {
  const chars = Array.from(text.replace(/\s+/gu, ' ').trim());
  if (chars.length <= QUOTED_REPLY_CHARS) return chars.join('');
  let cut = chars.slice(0, QUOTED_REPLY_CHARS).join('');
  const lastSpace = cut.lastIndexOf(' ');
  if (chars[QUOTED_REPLY_CHARS] !== ' ' && lastSpace >= QUOTED_REPLY_CHARS * 0.6) cut = cut.slice(0, lastSpace);
  return `${cut.trimEnd()}…`;
}

/** The consent note of a customer who wrote in first: "Wrote to the shop on WhatsApp on 2 Nov 2026, 14:05". */
export function inboundConsentNote(channel: 'whatsapp' | 'sms', at: number, timeZone: string): string {
  return `Wrote to the shop on ${channel === 'whatsapp' ? 'WhatsApp' : 'SMS'} on ${formatDayTime(at, timeZone)}`;
}
