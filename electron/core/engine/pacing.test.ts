import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import type { SendingWindow } from '../schedule/sending-window';
import { nextSendSlot, randomGapMs, type PacingInput, type PacingSettings } from './pacing';

const BERLIN = 'Europe/Berlin';
const at = (iso: string): number => DateTime.fromISO(iso, { setZone: true }).toMillis();
const wall = (ms: number): string => DateTime.fromMillis(ms, { zone: BERLIN }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

const SETTINGS: PacingSettings = { minGapSeconds: 20, maxGapSeconds: 60, dailyCap: 100 };
const NIGHTS: SendingWindow = { quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] };

const slot = (overrides: Partial<PacingInput>): ReturnType<typeof nextSendSlot> =>
  nextSendSlot({
    now: at('2025-06-02T12:00+02:00'),
    lastSentAt: null,
    gapMs: 30_000,
    sentToday: 0,
    settings: SETTINGS,
    timeZone: BERLIN,
    ...overrides,
  });

describe('randomGapMs', () => {
  it('draws between the shortest and the longest gap, inclusive', () => {
    expect(randomGapMs(SETTINGS, () => 0)).toBe(20_000);
    expect(randomGapMs(SETTINGS, () => 0.5)).toBe(40_000);
    expect(randomGapMs(SETTINGS, () => 0.999_999_99)).toBe(60_000);
  });

  it('allows a fixed gap (min = max) and no gap at all', () => {
    expect(randomGapMs({ ...SETTINGS, minGapSeconds: 5, maxGapSeconds: 5 }, () => 0.7)).toBe(5_000);
    expect(randomGapMs({ ...SETTINGS, minGapSeconds: 0, maxGapSeconds: 0 }, () => 0.7)).toBe(0);
  });
});

describe('nextSendSlot', () => {
  it('sends now when nothing holds it back', () => {
    expect(slot({})).toEqual({ at: at('2025-06-02T12:00+02:00'), heldBy: 'nothing', capReached: false });
    expect(slot({ lastSentAt: at('2025-06-02T11:00+02:00') }).heldBy).toBe('nothing');
  });

  it('waits out the gap after the last send', () => {
    const decision = slot({ lastSentAt: at('2025-06-02T11:59:50+02:00'), gapMs: 45_000 });
    expect(wall(decision.at)).toBe('2025-06-02T12:00:35');
    expect(decision.heldBy).toBe('gap');
  });

  it('drains a backlog at the paced rate: each slot is one gap after the previous send', () => {
    let now = at('2025-06-02T12:00+02:00');
    let lastSentAt: number | null = null;
    let gapMs = 0;
    const sends: number[] = [];
    let seed = 1;
    const random = (): number => ((seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647);
    for (let i = 0; i < 50; i++) {
      const decision = slot({ now, lastSentAt, gapMs, sentToday: i });
      sends.push(decision.at);
      lastSentAt = decision.at;
      gapMs = randomGapMs(SETTINGS, random);
      now = decision.at + 5; // the engine wakes right after the send
    }
    for (let i = 1; i < sends.length; i++) {
      const gap = (sends[i] ?? 0) - (sends[i - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(20_000);
      expect(gap).toBeLessThanOrEqual(60_000);
    }
  });

  it('holds the rest of the day once the daily cap is reached, until the next window opens', () => {
    const capped = slot({ sentToday: 100, window: NIGHTS });
    expect(wall(capped.at)).toBe('2025-06-03T09:00:00');
    expect(capped).toMatchObject({ heldBy: 'daily-cap', capReached: true });
    const noWindow = slot({ sentToday: 100 });
    expect(wall(noWindow.at)).toBe('2025-06-03T00:00:00');
    expect(slot({ sentToday: 99 }).capReached).toBe(false);
  });

  it('counts the cap per business day: a slot already on the next day is not held by today’s count', () => {
    const decision = slot({ now: at('2025-06-02T23:59:50+02:00'), lastSentAt: at('2025-06-02T23:59:40+02:00'), gapMs: 60_000, sentToday: 100 });
    expect(wall(decision.at)).toBe('2025-06-03T00:00:40');
    expect(decision.heldBy).toBe('gap');
  });

  it('has no cap when the daily cap is null', () => {
    expect(slot({ settings: { ...SETTINGS, dailyCap: null }, sentToday: 1_000_000 }).heldBy).toBe('nothing');
  });

  it('keeps sends inside the window, also when the gap pushes past the start of quiet hours', () => {
    const decision = slot({ now: at('2025-06-02T20:59:50+02:00'), lastSentAt: at('2025-06-02T20:59:40+02:00'), gapMs: 30_000, window: NIGHTS });
    expect(wall(decision.at)).toBe('2025-06-03T09:00:00');
    expect(decision.heldBy).toBe('sending-window');
    expect(slot({ now: at('2025-06-02T23:00+02:00'), window: NIGHTS })).toMatchObject({ heldBy: 'sending-window' });
  });

  it('cap days follow the business zone across DST (25-hour day)', () => {
    const decision = slot({ now: at('2025-10-26T12:00+01:00'), sentToday: 100 });
    expect(wall(decision.at)).toBe('2025-10-27T00:00:00');
  });

  it('rejects settings a shop owner could mistype', () => {
    expect(() => slot({ settings: { minGapSeconds: 60, maxGapSeconds: 20, dailyCap: null } })).toThrow(AppError);
    expect(() => slot({ settings: { minGapSeconds: -1, maxGapSeconds: 20, dailyCap: null } })).toThrow(AppError);
    expect(() => slot({ settings: { minGapSeconds: 1, maxGapSeconds: 20, dailyCap: 0 } })).toThrow(AppError);
    expect(() => slot({ settings: { minGapSeconds: 1, maxGapSeconds: 20, dailyCap: 2.5 } })).toThrow(AppError);
  });
});
