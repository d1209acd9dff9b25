import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { backupsToRemove, type BackupStamp } from './retention';

const ZONE = 'Europe/Berlin';
const at = (iso: string): number => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const daily = (iso: string): BackupStamp => ({ id: `daily ${iso}`, kind: 'daily', createdAt: at(iso) });

describe('backup retention: the last 7 daily + 4 weekly', () => {
  it('keeps everything while there are fewer than 7 days of backups', () => {
    const backups = ['2026-11-02T09:00', '2026-11-03T09:00', '2026-11-04T09:00'].map(daily);
    expect(backupsToRemove(backups, ZONE)).toEqual([]);
  });

  it('keeps the newest backup of each day and drops the earlier ones of the same day', () => {
    const backups = [daily('2026-11-02T09:00'), daily('2026-11-02T15:00'), daily('2026-11-03T09:00')];
    expect(backupsToRemove(backups, ZONE)).toEqual(['daily 2026-11-02T09:00']);
  });

  it('after 60 days keeps the last 7 days and the newest of each of the last 4 weeks', () => {
    const backups: BackupStamp[] = [];
    // One backup a day at 09:00, 1 October to 29 November 2026 (a Sunday).
    for (let day = DateTime.fromISO('2026-10-01T09:00', { zone: ZONE }); day <= DateTime.fromISO('2026-11-29T09:00', { zone: ZONE }); day = day.plus({ days: 1 })) {
      backups.push(daily(day.toISO({ includeOffset: false }) ?? ''));
    }
    const removed = new Set(backupsToRemove(backups, ZONE));
    const kept = backups.filter((b) => !removed.has(b.id)).map((b) => b.id.slice(6, 16));
    expect(kept.sort()).toEqual([
      // Newest of the three ISO weeks before the current one (weeks 46, 47, 48 end on Sundays).
      '2026-11-08',
      '2026-11-15',
      '2026-11-22',
      // The last 7 days (the current week 48's newest, the 29th, is among them).
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
  });

  it('counts days in the business time zone', () => {
    // 23:30 UTC on 2 November is already 3 November in Berlin: same day as the 09:00 backup there.
    const late: BackupStamp = { id: 'late', kind: 'daily', createdAt: Date.UTC(2026, 10, 2, 23, 30) };
    const morning: BackupStamp = { id: 'morning', kind: 'daily', createdAt: at('2026-11-03T09:00') };
    expect(backupsToRemove([late, morning], ZONE)).toEqual(['late']);
    expect(backupsToRemove([late, morning], 'UTC')).toEqual([]);
  });

  it("keeps the owner's newest 10 backups and the newest 5 safety copies, apart from the daily ones", () => {
    const manual = Array.from({ length: 12 }, (_, i): BackupStamp => ({ id: `manual ${i}`, kind: 'manual', createdAt: at('2026-11-02T09:00') + i * 60_000 }));
    const safety = Array.from({ length: 6 }, (_, i): BackupStamp => ({ id: `safety ${i}`, kind: 'before-restore', createdAt: at('2026-11-02T09:00') + i * 60_000 }));
    const removed = backupsToRemove([...manual, ...safety, daily('2026-11-02T09:30')], ZONE);
    expect(removed.sort()).toEqual(['manual 0', 'manual 1', 'safety 0']);
  });
});
