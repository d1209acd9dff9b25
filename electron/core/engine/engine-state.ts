/**
 * What the engine remembers across restarts, kept in the settings table under `engine.*` keys:
 * - `engine.pausedByOwner`: "Pause all" holds every outgoing message until "Resume", also after
 *   a restart.
 * - `engine.pacing`: per channel, when it last sent and the gap drawn right after. Without it a
 *   restart would forget the gap and send the next message at once (a burst after every crash).
 *
 * Values are parsed again when read; a damaged one counts as absent (not paused, no last send).
 */
import { z } from 'zod';
import type { ChannelId } from '../channels/channel';
import type { SettingsRepository } from '../store/settings-repository';

const PAUSED_KEY = 'engine.pausedByOwner';
const PACING_KEY = 'engine.pacing';

export interface ChannelPacingState {
  /** When the channel last tried to send (a send, or a failure that reached the provider). */
  lastSentAt: number | null;
  /** The gap drawn after that send. */
  gapMs: number;
}

const PacingStateSchema = z.record(
  z.string(),
  z.object({ lastSentAt: z.number().int().nullable(), gapMs: z.number().int().min(0) }),
);

export const NO_PACING_STATE: ChannelPacingState = { lastSentAt: null, gapMs: 0 };

export class EngineState {
  constructor(private readonly settings: SettingsRepository) {}

  pausedByOwner(): boolean {
    return this.settings.get(PAUSED_KEY) === true;
  }

  setPausedByOwner(paused: boolean): void {
    this.settings.set(PAUSED_KEY, paused);
  }

  pacing(channel: ChannelId): ChannelPacingState {
    return this.allPacing()[channel] ?? NO_PACING_STATE;
  }

  /** Call inside the transaction that records the send. */
  setPacing(channel: ChannelId, state: ChannelPacingState): void {
    this.settings.set(PACING_KEY, { ...this.allPacing(), [channel]: state });
  }

  private allPacing(): Record<string, ChannelPacingState> {
    const parsed = PacingStateSchema.safeParse(this.settings.get(PACING_KEY));
    return parsed.success ? parsed.data : {};
  }
}
