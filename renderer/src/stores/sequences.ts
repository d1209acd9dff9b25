/**
 * The sequences list page's data and the actions on it. Every action calls the core, then reloads
 * the list (coalesced with `data.changed` reloads), so the table always shows what is stored.
 */
import { create } from 'zustand';
import { call, errorMessage } from '../api';
import type { SequenceSummary } from '../../../shared/domain';
import { coalesce } from '../lib/coalesce';
import type { LoadStatus } from './load-state';

interface SequencesState {
  status: LoadStatus;
  error: string | null;
  sequences: SequenceSummary[];
  /** Ids whose active flag is being saved, so the switch can show it is busy. */
  pendingActive: ReadonlySet<number>;
  load: () => Promise<void>;
  create: (input: { name: string; description: string }) => Promise<SequenceSummary>;
  update: (input: { id: number; name: string; description: string }) => Promise<SequenceSummary>;
  setActive: (id: number, active: boolean) => Promise<void>;
  duplicate: (id: number) => Promise<SequenceSummary>;
  remove: (id: number) => Promise<void>;
}

export const useSequences = create<SequencesState>()((set, get) => {
  const reload = coalesce(async () => {
    try {
      const sequences = await call('sequences.list', {});
      set({ sequences, status: 'ready', error: null });
    } catch (error) {
      // Keep showing what we had if a refresh fails; only a failed first load becomes an error page.
      if (get().status !== 'ready') set({ status: 'error', error: errorMessage(error) });
      else console.warn('Refreshing the sequences failed', error);
    }
  });

  const replace = (summary: SequenceSummary) =>
    set((state) => ({ sequences: state.sequences.map((s) => (s.id === summary.id ? summary : s)) }));

  return {
    status: 'loading',
    error: null,
    sequences: [],
    pendingActive: new Set<number>(),
    load: () => {
      if (get().status === 'error') set({ status: 'loading', error: null });
      return reload();
    },
    create: async (input) => {
      const created = await call('sequences.create', input);
      set((state) => ({ sequences: [...state.sequences, created] }));
      void reload();
      return created;
    },
    update: async (input) => {
      const updated = await call('sequences.update', input);
      replace(updated);
      void reload();
      return updated;
    },
    setActive: async (id, active) => {
      const before = get().sequences.find((s) => s.id === id);
      set((state) => ({
        sequences: state.sequences.map((s) => (s.id === id ? { ...s, active } : s)),
        pendingActive: new Set(state.pendingActive).add(id),
      }));
      try {
        replace(await call('sequences.update', { id, active }));
      } catch (error) {
        if (before) replace(before);
        throw error;
      } finally {
        set((state) => {
          const pending = new Set(state.pendingActive);
          pending.delete(id);
          return { pendingActive: pending };
        });
      }
    },
    duplicate: async (id) => {
      const copy = await call('sequences.duplicate', { id });
      set((state) => ({ sequences: [...state.sequences, copy] }));
      void reload();
      return copy;
    },
    remove: async (id) => {
      await call('sequences.delete', { id });
      set((state) => ({ sequences: state.sequences.filter((s) => s.id !== id) }));
      void reload();
    },
  };
});
