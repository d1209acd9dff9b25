/**
 * Everything the engine's steps read and write, in one place: the store, the engine's own
 * statements (sending-repository.ts), its persisted state, the sending settings and where media
 * files live. Built once by the engine; the steps (claim, record, recovery, resolve) take it.
 */
import type { SendingSettings } from '../../../shared/domain';
import type { ChannelId, MediaAttachment } from '../channels/channel';
import type { Clock } from '../clock';
import type { DueContext } from '../services/subscription-progress';
import { mediaFilePath } from '../store/media-repository';
import { SendingRepository } from '../store/sending-repository';
import type { Store } from '../store/store';
import { EngineState } from './engine-state';
import type { PacingSettings } from './pacing';

export interface SendingContext {
  timeZone: string;
  sending: SendingSettings;
}

export interface EngineStore {
  readonly store: Store;
  readonly sending: SendingRepository;
  readonly state: EngineState;
  readonly clock: Clock;
  /** Read on every round: an owner's change applies to the very next send. */
  context(): SendingContext;
  media(mediaId: number): MediaAttachment | null;
}

export function createEngineStore(store: Store, clock: Clock, context: () => SendingContext, mediaDir: string): EngineStore {
  return {
    store,
    sending: new SendingRepository(store.db),
    state: new EngineState(store.settings),
    clock,
    context,
    media(mediaId) {
      const stored = store.media.findById(mediaId);
      if (stored === undefined) return null;
      return {
        filePath: mediaFilePath(mediaDir, stored.media.sha256, stored.extension),
        mimeType: stored.media.mimeType,
        fileName: stored.media.fileName,
      };
    },
  };
}

/** The timing rules' context at `now`: business zone, sending window, and "past means now". */
export function dueContext(context: SendingContext, now: number): DueContext {
  return { timeZone: context.timeZone, window: context.sending.window, now };
}

/**
 * The pacing a channel's queue follows. Test mode reaches nobody, so it needs no gap and no cap
 * (an owner trying a sequence sees it play out at once); it keeps the sending window, so it shows
 * truthfully when messages would really go out.
 */
export function pacingFor(channel: ChannelId, settings: SendingSettings): PacingSettings {
  if (channel === 'test') return { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: null };
  return settings.pacing;
}
