/**
 * The sending engine's state (status bar) and every channel's state (editor banners, Settings).
 *
 * Pushed by the core: `engine.status` replaces the whole picture, `channel.status` one channel.
 * The first picture is asked for once; it is asked for again (throttled) when settings, sequences
 * or deliveries change — and on an event-stream reconnect, which reports every table as changed —
 * so a missed event cannot leave the bar wrong for long.
 */
import { create } from 'zustand';
import { call, errorMessage, subscribe } from '../api';
import type { ChannelIdName, ChannelStatusInfo, EngineStatus } from '../../../shared/domain';
import { coalesce } from '../lib/coalesce';
import { throttle } from '../lib/throttle';
import type { LoadStatus } from './load-state';

export type ChannelMap = Partial<Record<ChannelIdName, ChannelStatusInfo>>;

interface EngineState {
  status: LoadStatus;
  error: string | null;
  engine: EngineStatus | null;
  channels: ChannelMap;
  load: () => Promise<void>;
  loadChannels: () => Promise<void>;
  pauseAll: () => Promise<void>;
  resumeAll: () => Promise<void>;
  /** A pushed `engine.status`. */
  receive: (engine: EngineStatus) => void;
  /** A pushed `channel.status`. */
  receiveChannel: (channel: ChannelStatusInfo) => void;
}

function channelMap(list: readonly ChannelStatusInfo[]): ChannelMap {
  const map: ChannelMap = {};
  for (const channel of list) map[channel.channel] = channel;
  return map;
}

export const useEngine = create<EngineState>()((set, get) => {
  const apply = (engine: EngineStatus) => set((state) => ({ engine, channels: { ...state.channels, ...channelMap(engine.channels) }, status: 'ready', error: null }));

  const load = coalesce(async () => {
    try {
      apply(await call('engine.status', {}));
    } catch (error) {
      if (get().status !== 'ready') set({ status: 'error', error: errorMessage(error) });
      else console.warn('Refreshing the engine status failed', error);
    }
  });

  const loadChannels = coalesce(async () => {
    try {
      const list = await call('channels.list', {});
      set((state) => ({ channels: { ...state.channels, ...channelMap(list) } }));
    } catch (error) {
      console.warn('Loading the channel states failed', error);
    }
  });

  return {
    status: 'loading',
    error: null,
    engine: null,
    channels: {},
    load,
    loadChannels,
    pauseAll: async () => apply(await call('engine.pauseAll', {})),
    resumeAll: async () => apply(await call('engine.resumeAll', {})),
    receive: apply,
    receiveChannel: (channel) => set((state) => ({ channels: { ...state.channels, [channel.channel]: channel } })),
  };
});

const REFRESH_INTERVAL_MS = 1000;

/** Loads the engine's state and keeps it current; returns the function that stops listening. */
export function startEngineSync(): () => void {
  const store = useEngine.getState();
  void store.load();
  void store.loadChannels();
  const refresh = throttle(() => void useEngine.getState().load(), REFRESH_INTERVAL_MS);
  const stops = [
    subscribe('engine.status', (engine) => useEngine.getState().receive(engine)),
    subscribe('channel.status', (channel) => useEngine.getState().receiveChannel(channel)),
    subscribe('data.changed', ({ tables }) => {
      if (tables.some((table) => table === 'settings' || table === 'sequences' || table === 'deliveries')) refresh();
    }),
  ];
  return () => {
    refresh.cancel();
    for (const stop of stops) stop();
  };
}
