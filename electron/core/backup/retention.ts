/**
 * Which backups to keep (grandfather-father-son, as backup tools do it): of the automatic daily
 * backups, the newest of each of the last 7 calendar days that have one, plus the newest of each
 * of the last 4 ISO weeks that have one — so after a month there are about 7 + 3 files, reaching
 * back four weeks. Days and weeks are reckoned in the business time zone (the owner's "Tuesday").
 *
 * The owner's own backups ("Back up now") and the copies kept right before a restore are not
 * daily ones and are counted apart: the newest 10 and 5 of them are kept. Pure: no clock, no disk.
 */
import { DateTime } from 'luxon';
import type { BackupKind } from '../../../shared/contract';

export interface RetentionRule {
  days: number;
  weeks: number;
  manual: number;
  beforeRestore: number;
}

export const RETENTION: RetentionRule = { days: 7, weeks: 4, manual: 10, beforeRestore: 5 };

export interface BackupStamp {
  id: string;
  kind: BackupKind;
  createdAt: number;
}

/** The ids of the backups the rule no longer keeps. */
export function backupsToRemove(backups: readonly BackupStamp[], timeZone: string, rule: RetentionRule = RETENTION): string[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  const keep = new Set<string>();

  const daily = newestFirst.filter((b) => b.kind === 'daily');
  for (const id of newestPerPeriod(daily, rule.days, (at) => DateTime.fromMillis(at, { zone: timeZone }).toISODate() ?? '')) keep.add(id);
  for (const id of newestPerPeriod(daily, rule.weeks, (at) => {
    const wall = DateTime.fromMillis(at, { zone: timeZone });
    return `${wall.weekYear}-W${wall.weekNumber}`;
  })) {
    keep.add(id);
  }
  for (const b of newestFirst.filter((x) => x.kind === 'manual').slice(0, rule.manual)) keep.add(b.id);
  for (const b of newestFirst.filter((x) => x.kind === 'before-restore').slice(0, rule.beforeRestore)) keep.add(b.id);

  return newestFirst.filter((b) => !keep.has(b.id)).map((b) => b.id);
}

/** Of backups sorted newest first: the newest one of each of the `count` latest periods. */
function newestPerPeriod(newestFirst: readonly BackupStamp[], count: number, periodOf: (at: number) => string): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const backup of newestFirst) {
    const period = periodOf(backup.createdAt);
    if (seen.has(period)) continue;
    if (seen.size === count) break;
    seen.add(period);
    kept.push(backup.id);
  }
  return kept;
}
