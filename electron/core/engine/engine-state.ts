/**
 * What the engine remembers across restarts, kept in the settings table under `engine.*` keys:
 * - `engine.pausedByOwner`: "Pause all" holds every outgoing message until "Resume", also after
 *   a restart.
 * - `engine.pacing`: per channel, when it last sent and the gap drawn right after. Without it a
 *   restart would forget the gap and send the next message at once (a burst after every crash).
 * - `engine.heartbeat`: when the engine was last known to run, and which sequences could send
 *   then; written at most every HEARTBEAT_INTERVAL_MS while running and when it stops. A gap
 *   after it is a downtime (catch-up.ts).
 * - `engine.downtimes`: the recent downtimes, for the "skip if more than N hours late" setting.
 *   Kept for DOWNTIME_MEMORY_MS (and at most MAX_DOWNTIMES of them): a message that waited longer
 *   than that counts only the recent ones.
 *
 * Values are parsed again when read; a damaged one counts as absent (not paused, no last send, no
 * heartbeat, no downtime).
 */
import { z } from 'zod';
import type { ChannelId } from '../channels/channel';
import { ParseMemo } from '../store/parse-memo';
import type { SettingsRepository } from '../store/settings-repository';
import type { Downtime } from './catch-up';

const PAUSED_KEY = 'engine.pausedByOwner';
const PACING_KEY = 'engine.pacing';
const HEARTBEAT_KEY = 'engine.heartbeat';
const DOWNTIMES_KEY = 'engine.downtimes';

/** How often a running engine writes its heartbeat (more often only when what can send changes). */
export const HEARTBEAT_INTERVAL_MS = 30_000;
export const DOWNTIME_MEMORY_MS = 30 * 24 * 60 * 60_000;
export const MAX_DOWNTIMES = 50;

export interface ChannelPacingState {
  /** When the channel last tried to send (a send, or a failure that reached the provider). */
  lastSentAt: number | null;
  /** The gap drawn after that send. */
  gapMs: number;
}

export interface Heartbeat {
  at: number;
  /** The sequences that could send at `at` (active, with a ready channel, nothing paused by the owner). */
  sending: number[];
}

const PacingStateSchema = z.record(
  z.string(),
  z.object({ lastSentAt: z.number().int().nullable(), gapMs: z.number().int().min(0) }),
);
const HeartbeatSchema = z.object({ at: z.number().int(), sending: z.array(z.number().int()) });
const DowntimesSchema = z.array(z.object({ from: z.number().int(), to: z.number().int(), sequenceIds: z.array(z.number().int()) }));

export const NO_PACING_STATE: ChannelPacingState = { lastSentAt: null, gapMs: 0 };

export class EngineState {
  /** The engine is the only writer of its downtimes: read once, then kept here. */
  private downtimeCache: Downtime[] | null = null;
  private pausedCache: boolean | null = null;
  private readonly pacingParse = new ParseMemo<Record<string, ChannelPacingState>>();

  constructor(private readonly settings: SettingsRepository) {}

  /** Read on every send; the engine is its only writer, so the answer is kept until it writes. */
  pausedByOwner(): boolean {
    this.pausedCache ??= this.settings.get(PAUSED_KEY) === true;
    return this.pausedCache;
  }

  /**
   * Call inside a transaction, and read `pausedByOwner` only after it settled: the kept answer is
   * dropped here, so a rolled-back write is never remembered.
   */
  setPausedByOwner(paused: boolean): void {
    this.pausedCache = null;
    this.settings.set(PAUSED_KEY, paused);
  }

  pacing(channel: ChannelId): ChannelPacingState {
    return this.allPacing()[channel] ?? NO_PACING_STATE;
  }

  /** Call inside the transaction that records the send. */
  setPacing(channel: ChannelId, state: ChannelPacingState): void {
    this.settings.set(PACING_KEY, { ...this.allPacing(), [channel]: state });
  }

  heartbeat(): Heartbeat | null {
    const parsed = HeartbeatSchema.safeParse(this.settings.get(HEARTBEAT_KEY));
    return parsed.success ? parsed.data : null;
  }

  setHeartbeat(heartbeat: Heartbeat): void {
    this.settings.set(HEARTBEAT_KEY, heartbeat);
  }

  /** The recent downtimes, oldest first. */
  downtimes(): readonly Downtime[] {
    if (this.downtimeCache === null) {
      const parsed = DowntimesSchema.safeParse(this.settings.get(DOWNTIMES_KEY));
      this.downtimeCache = parsed.success ? parsed.data : [];
    }
    return this.downtimeCache;
  }

  /** Remembers a downtime, forgetting those that ended more than DOWNTIME_MEMORY_MS before it. */
  addDowntime(downtime: Downtime): void {
    const kept = this.downtimes().filter((d) => d.to >= downtime.to - DOWNTIME_MEMORY_MS);
    const next = [...kept, { ...downtime, sequenceIds: [...downtime.sequenceIds] }].slice(-MAX_DOWNTIMES);
    this.settings.set(DOWNTIMES_KEY, next);
    this.downtimeCache = next;
  }

  private allPacing(): Record<string, ChannelPacingState> {
    return this.pacingParse.get(this.settings.get(PACING_KEY), (stored) => {
      const parsed = PacingStateSchema.safeParse(stored);
      return parsed.success ? parsed.data : {};
    });
  }
}
