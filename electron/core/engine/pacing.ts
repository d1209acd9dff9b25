/**
 * Pacing of one channel's outbound queue (DESIGN.md §5): a random gap between sends, a daily cap
 * counted on the business-zone calendar day, and the sending window. Many subscriptions due at
 * once drain at this rate, oldest due first (ordering is the engine's job).
 *
 * Pure. The gap is drawn once per send (`randomGapMs`, right after a send) and passed back in
 * with `lastSentAt`: drawing it on every wake-up would re-roll it each time the engine looks,
 * quietly shortening gaps towards the minimum. After a restart, draw one fresh gap.
 *
 * `nextSendSlot` answers "when may this channel send next?": the later of now and the end of the
 * gap; moved to the start of the next day when today's cap is used up; then into the sending
 * window (the window also guards messages the pacer itself pushed past the start of quiet hours).
 */
import { validation } from '../errors';
import { nextAllowedInstant, type SendingWindow } from '../schedule/sending-window';
import { businessDay } from '../schedule/zoned-time';

export interface PacingSettings {
  minGapSeconds: number;
  maxGapSeconds: number;
  /** Most messages per business day on this channel; null = no cap. */
  dailyCap: number | null;
}

export interface PacingInput {
  now: number;
  /** When this channel last sent; null if never (or unknown). */
  lastSentAt: number | null;
  /** The gap drawn with `randomGapMs` after that send. */
  gapMs: number;
  /** Messages this channel sent on the business day that contains `now`. */
  sentToday: number;
  settings: PacingSettings;
  timeZone: string;
  window?: SendingWindow | undefined;
}

export interface PacingDecision {
  /** Earliest instant the next send may happen (≥ now). */
  at: number;
  /** What holds it back, most telling first: the cap, then the window, then the gap. */
  heldBy: 'nothing' | 'gap' | 'daily-cap' | 'sending-window';
  /** Today's cap is used up (the status bar shows "sent today vs cap"). */
  capReached: boolean;
}

/** A gap uniformly drawn from [min, max] seconds, in ms. `random` returns [0, 1). */
export function randomGapMs(settings: PacingSettings, random: () => number = Math.random): number {
  validatePacing(settings);
  const { minGapSeconds: min, maxGapSeconds: max } = settings;
  return Math.round((min + random() * (max - min)) * 1000);
}

export function nextSendSlot(input: PacingInput): PacingDecision {
  const { now, lastSentAt, gapMs, sentToday, settings, timeZone, window } = input;
  validatePacing(settings);
  if (!Number.isInteger(sentToday) || sentToday < 0) throw new RangeError(`sentToday must be a whole number ≥ 0, got ${sentToday}`);

  let at = now;
  let heldBy: PacingDecision['heldBy'] = 'nothing';
  if (lastSentAt !== null && lastSentAt + gapMs > at) {
    at = lastSentAt + gapMs;
    heldBy = 'gap';
  }

  // `sentToday` counts today only; a slot on a later day starts that day's count from zero.
  const capReached = settings.dailyCap !== null && sentToday >= settings.dailyCap;
  if (capReached) {
    const tomorrow = businessDay(now, timeZone).endMs;
    if (at < tomorrow) {
      at = tomorrow;
      heldBy = 'daily-cap';
    }
  }

  if (window !== undefined) {
    const open = nextAllowedInstant(at, timeZone, window);
    if (open > at) {
      at = open;
      if (heldBy !== 'daily-cap') heldBy = 'sending-window';
    }
  }
  return { at, heldBy, capReached };
}

export function validatePacing(settings: PacingSettings): void {
  const { minGapSeconds: min, maxGapSeconds: max, dailyCap } = settings;
  if (!Number.isFinite(min) || min < 0) throw validation(`The shortest gap must be 0 seconds or more, got ${min}.`, 'pacing.minGapSeconds');
  if (!Number.isFinite(max) || max < min) {
    throw validation(`The longest gap (${max} s) must not be shorter than the shortest (${min} s).`, 'pacing.maxGapSeconds');
  }
  if (dailyCap !== null && (!Number.isInteger(dailyCap) || dailyCap < 1)) {
    throw validation(`The daily limit must be a whole number of at least 1, got ${dailyCap}.`, 'pacing.dailyCap');
  }
}
