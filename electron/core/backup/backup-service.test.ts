import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, ManualTimers } from '../engine/manual-timers';
import { silentLogger } from '../logger';
import { openTempStore, type TempStore } from '../store/test-store';
import { PARTIAL_PREFIX } from './backup-files';
import { BackupService, DAILY_CHECK_INTERVAL_MS, FIRST_DAILY_CHECK_MS } from './backup-service';

const ZONE = 'Europe/Berlin';
/** Monday 2 November 2026, 10:00 in Berlin. */
const START = Date.UTC(2026, 10, 2, 9, 0);
const DAY = 24 * 3_600_000;

describe('BackupService', () => {
  let temp: TempStore;
  let clock: ManualClock;
  let backupsDir: string;
  let service: BackupService;

  beforeEach(() => {
    temp = openTempStore();
    clock = new ManualClock(START);
    backupsDir = path.join(temp.dir, 'backups');
    service = new BackupService({ store: temp.store, clock, logger: silentLogger, backupsDir, timeZone: () => ZONE });
  });

  afterEach(async () => {
    await service.stop();
    temp.cleanup();
  });

  it('writes a whole, readable copy of the database with the data in it', async () => {
    temp.store.write(() => temp.store.settings.set('marker', { written: 'before the backup' }));
    const backup = await service.create('manual');
    temp.store.write(() => temp.store.settings.set('marker', { written: 'after the backup' }));

    expect(readdirSync(backupsDir)).toEqual([backup.id]);
    const copy = new Database(path.join(backupsDir, backup.id), { readonly: true });
    try {
      expect(copy.prepare("SELECT value FROM settings WHERE key = 'marker'").pluck().get()).toBe('{"written":"before the backup"}');
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
    expect(service.list().backups).toEqual([backup]);
  });

  it('takes the daily backup once per business day, checking soon after start and then every hour', async () => {
    const timers = new ManualTimers(clock);
    const dailyDays = () => service.list().backups.filter((b) => b.kind === 'daily').map((b) => DateTime.fromMillis(b.createdAt, { zone: ZONE }).toISO() ?? '');
    service.startDaily(timers);
    await service.create('manual');
    // The owner's own backup is not the daily one, and the first check comes a minute after start.
    expect(dailyDays()).toEqual([]);
    for (let check = 0; check < 72; check++) {
      clock.advance(check === 0 ? FIRST_DAILY_CHECK_MS : DAILY_CHECK_INTERVAL_MS);
      timers.fireDue();
      await service.idle();
    }
    // Monday 10:01 to Thursday 09:01 in Berlin: one daily backup on each of the four days, at the first check of the day.
    expect(dailyDays()).toEqual(['2026-11-05T00:01:00.000+01:00', '2026-11-04T00:01:00.000+01:00', '2026-11-03T00:01:00.000+01:00', '2026-11-02T10:01:00.000+01:00']);
    await service.stop();
    clock.advance(DAY);
    expect(timers.fireDue()).toBe(0);
  });

  it('keeps the last 7 days and 4 weeks of daily backups as days go by', async () => {
    for (let day = 0; day < 40; day++) {
      await service.dailyIfDue();
      clock.advance(DAY);
    }
    const daily = service.list().backups.filter((b) => b.kind === 'daily');
    // 2 November to 11 December: the last 7 days (5–11 December, two ISO weeks) and the newest of the two weeks before.
    expect(daily.map((b) => new Date(b.createdAt).toISOString().slice(0, 10))).toEqual([
      '2026-12-11',
      '2026-12-10',
      '2026-12-09',
      '2026-12-08',
      '2026-12-07',
      '2026-12-06',
      '2026-12-05',
      '2026-11-29',
      '2026-11-22',
    ]);
  });

  it('removes a backup a crash left half-written, and never lists it', () => {
    writeFileSync(path.join(backupsDir, `${PARTIAL_PREFIX}x.db`), 'half');
    expect(service.list().backups).toEqual([]);
    service = new BackupService({ store: temp.store, clock, logger: silentLogger, backupsDir, timeZone: () => ZONE });
    expect(readdirSync(backupsDir)).toEqual([]);
  });
});
