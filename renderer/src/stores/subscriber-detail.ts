/**
 * The subscriber whose detail panel is open: contact, status and timeline, kept current while the
 * panel is open (data-sync reloads it), and the actions on them. Each action answers with the
 * new subscriber; the timeline is then read again since the plan may have changed.
 */
import { create } from 'zustand';
import { ApiCallError, call, errorMessage } from '../api';
import type { SubscriberDetail } from '../../../shared/domain';
import { coalesce } from '../lib/coalesce';
import type { LoadStatus } from './load-state';

interface SubscriberDetailState {
  id: number | null;
  status: LoadStatus;
  error: string | null;
  detail: SubscriberDetail | null;
  open: (id: number) => Promise<void>;
  close: () => void;
  reload: () => Promise<void>;
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  unsubscribe: () => Promise<void>;
  remove: () => Promise<void>;
}

export const useSubscriberDetail = create<SubscriberDetailState>()((set, get) => {
  const load = coalesce(async () => {
    const id = get().id;
    if (id === null) return;
    try {
      const detail = await call('subscribers.get', { id });
      if (get().id === id) set({ detail, status: 'ready', error: null });
    } catch (error) {
      if (get().id !== id) return;
      if (error instanceof ApiCallError && error.code === 'NOT_FOUND') {
        set({ status: 'error', detail: null, error: 'This subscriber is no longer in the sequence. They may have been removed.' });
      } else if (get().status !== 'ready') {
        set({ status: 'error', error: errorMessage(error) });
      } else {
        console.warn('Refreshing the subscriber failed', error);
      }
    }
  });

  const requireId = (): number => {
    const id = get().id;
    if (id === null) throw new ApiCallError('NOT_FOUND', 'No subscriber is open.');
    return id;
  };

  const transition = async (method: 'subscribers.pause' | 'subscribers.resume' | 'subscribers.unsubscribe') => {
    const id = requireId();
    const subscriber = await call(method, { id });
    set((state) => (state.detail && state.id === id ? { detail: { ...state.detail, subscriber } } : {}));
    await load();
  };

  return {
    id: null,
    status: 'loading',
    error: null,
    detail: null,
    open: (id) => {
      set({ id, status: 'loading', error: null, detail: null });
      return load();
    },
    close: () => set({ id: null, status: 'loading', error: null, detail: null }),
    reload: load,
    pause: () => transition('subscribers.pause'),
    resume: () => transition('subscribers.resume'),
    unsubscribe: () => transition('subscribers.unsubscribe'),
    remove: async () => {
      await call('subscribers.remove', { id: requireId() });
    },
  };
});
