/**
 * ISO 8601 with the business time zone's offset ("2026-11-25T09:00:00+01:00"), for CSV exports:
 * a spreadsheet shows the shop's wall-clock time and the instant stays exact.
 *
 * An export may format 300,000 instants, and asking the zone database for each costs microseconds
 * apiece, so offsets are cached per minute (zone transitions fall on whole minutes).
 */
import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;

export function zonedIsoFormatter(timeZone: string): (ms: number | null) => string {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new Error(`Unknown time zone: ${timeZone}`);
  const offsets = new Map<number, number>();
  return (ms) => {
    if (ms === null) return '';
    const minute = Math.floor(ms / MINUTE_MS);
    let offsetMinutes = offsets.get(minute);
    if (offsetMinutes === undefined) {
      offsetMinutes = zone.offset(ms);
      offsets.set(minute, offsetMinutes);
    }
    const local = new Date(ms + offsetMinutes * MINUTE_MS).toISOString().slice(0, 19);
    return `${local}${formatOffset(offsetMinutes)}`;
  };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
