/**
 * ISO 8601 with the business time zone's offset ("2026-11-25T09:00:00+01:00"), for CSV exports:
 * a spreadsheet shows the shop's wall-clock time and the instant stays exact.
 *
 * An export may format 300,000 instants, and asking the zone database for each costs microseconds
 * apiece, so offsets come from the timing rules' cache (`offsetMs`, per zone and UTC hour).
 */
import { IANAZone } from 'luxon';
import { MINUTE_MS, offsetMs } from '../schedule/zoned-time';

export function zonedIsoFormatter(timeZone: string): (ms: number | null) => string {
  const zone = IANAZone.create(timeZone);
  if (!zone.isValid) throw new Error(`Unknown time zone: ${timeZone}`);
  return (ms) => {
    if (ms === null) return '';
    const offset = offsetMs(zone, ms);
    const local = new Date(ms + offset).toISOString().slice(0, 19);
    return `${local}${formatOffset(offset / MINUTE_MS)}`;
  };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
