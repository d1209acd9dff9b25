/**
 * The open sequence (`#/sequences/<id>`): its messages and the "if someone subscribes now" timeline.
 *
 * Reorder and on/off are optimistic — the list changes at once and rolls back if the core refuses —
 * because dragging must feel immediate. Everything else waits for the core's answer.
 */
import { create } from 'zustand';
import { ApiCallError, call, errorMessage } from '../api';
import type { ChannelIdName, Message, SchedulePreview, SequenceDetail, SequenceSummary } from '../../../shared/domain';
import type { DelayUnit } from '../../../shared/contract';
import { coalesce } from '../lib/coalesce';
import type { LoadStatus } from './load-state';

export interface MessageDraft {
  name: string;
  body: string;
  mediaId: number | null;
  delayAmount: number;
  delayUnit: DelayUnit;
  sendAt: string | null;
}

interface EditorState {
  id: number | null;
  status: LoadStatus;
  error: string | null;
  notFound: boolean;
  detail: SequenceDetail | null;
  preview: SchedulePreview | null;
  previewError: string | null;
  open: (id: number) => Promise<void>;
  reload: () => Promise<void>;
  reloadPreview: () => Promise<void>;
  updateSequence: (input: {
    name?: string;
    description?: string;
    active?: boolean;
    channel?: ChannelIdName | null;
    smsFallback?: boolean;
    stopOnReply?: boolean;
  }) => Promise<SequenceSummary>;
  reorder: (orderedIds: number[]) => Promise<void>;
  setEnabled: (messageId: number, enabled: boolean) => Promise<void>;
  createMessage: (draft: MessageDraft) => Promise<Message>;
  updateMessage: (messageId: number, draft: MessageDraft) => Promise<Message>;
  deleteMessage: (messageId: number) => Promise<void>;
}

function withPositions(messages: Message[]): Message[] {
  return messages.map((message, index) => ({ ...message, position: index + 1 }));
}

export const useSequenceEditor = create<EditorState>()((set, get) => {
  const loadDetail = coalesce(async () => {
    const id = get().id;
    if (id === null) return;
    try {
      const detail = await call('sequences.get', { id });
      if (get().id !== id) return;
      set({ detail, status: 'ready', error: null, notFound: false });
    } catch (error) {
      if (get().id !== id) return;
      if (error instanceof ApiCallError && error.code === 'NOT_FOUND') {
        set({ status: 'error', notFound: true, detail: null, error: 'This sequence no longer exists. It may have been deleted.' });
      } else if (get().status !== 'ready') {
        set({ status: 'error', error: errorMessage(error) });
      } else {
        console.warn('Refreshing the sequence failed', error);
      }
    }
  });

  const loadPreview = coalesce(async () => {
    const id = get().id;
    if (id === null) return;
    try {
      const preview = await call('sequences.previewSchedule', { id, subscribedAt: Date.now() });
      if (get().id === id) set({ preview, previewError: null });
    } catch (error) {
      if (get().id !== id) return;
      if (error instanceof ApiCallError && error.code === 'NOT_FOUND') return; // the page says so already
      set({ previewError: errorMessage(error) });
    }
  });

  const reloadAll = async () => {
    await Promise.all([loadDetail(), loadPreview()]);
  };

  const patchMessages = (update: (messages: Message[]) => Message[]) =>
    set((state) => (state.detail ? { detail: { ...state.detail, messages: update(state.detail.messages) } } : {}));

  const requireId = (): number => {
    const id = get().id;
    if (id === null) throw new ApiCallError('NOT_FOUND', 'No sequence is open.');
    return id;
  };

  return {
    id: null,
    status: 'loading',
    error: null,
    notFound: false,
    detail: null,
    preview: null,
    previewError: null,

    open: (id) => {
      if (get().id !== id) {
        set({ id, status: 'loading', error: null, notFound: false, detail: null, preview: null, previewError: null });
      } else if (get().status === 'error') {
        set({ status: 'loading', error: null, notFound: false });
      }
      return reloadAll();
    },
    reload: reloadAll,
    reloadPreview: loadPreview,

    updateSequence: async (input) => {
      const id = requireId();
      const before = get().detail?.sequence;
      if (input.active !== undefined && before) {
        const active = input.active;
        set((state) => (state.detail ? { detail: { ...state.detail, sequence: { ...state.detail.sequence, active } } } : {}));
      }
      try {
        const sequence = await call('sequences.update', { id, ...input });
        set((state) => (state.detail && state.id === id ? { detail: { ...state.detail, sequence } } : {}));
        return sequence;
      } catch (error) {
        if (before) set((state) => (state.detail && state.id === id ? { detail: { ...state.detail, sequence: before } } : {}));
        throw error;
      }
    },

    reorder: async (orderedIds) => {
      const id = requireId();
      const before = get().detail?.messages ?? [];
      const byId = new Map(before.map((m) => [m.id, m]));
      const reordered = orderedIds.map((messageId) => byId.get(messageId)).filter((m): m is Message => m !== undefined);
      patchMessages(() => withPositions(reordered));
      try {
        const messages = await call('messages.reorder', { sequenceId: id, orderedIds });
        if (get().id === id) patchMessages(() => messages);
      } catch (error) {
        if (get().id === id) patchMessages(() => before);
        throw error;
      } finally {
        void loadPreview();
      }
    },

    setEnabled: async (messageId, enabled) => {
      const before = get().detail?.messages.find((m) => m.id === messageId);
      patchMessages((messages) => messages.map((m) => (m.id === messageId ? { ...m, enabled } : m)));
      try {
        const saved = await call('messages.setEnabled', { id: messageId, enabled });
        patchMessages((messages) => messages.map((m) => (m.id === messageId ? saved : m)));
      } catch (error) {
        if (before) patchMessages((messages) => messages.map((m) => (m.id === messageId ? before : m)));
        throw error;
      } finally {
        void loadPreview();
      }
    },

    createMessage: async (draft) => {
      const sequenceId = requireId();
      const created = await call('messages.create', { sequenceId, ...draft });
      if (get().id === sequenceId) patchMessages((messages) => [...messages, created]);
      void reloadAll();
      return created;
    },

    updateMessage: async (messageId, draft) => {
      const saved = await call('messages.update', { id: messageId, ...draft });
      patchMessages((messages) => messages.map((m) => (m.id === messageId ? saved : m)));
      void reloadAll();
      return saved;
    },

    deleteMessage: async (messageId) => {
      await call('messages.delete', { id: messageId });
      patchMessages((messages) => withPositions(messages.filter((m) => m.id !== messageId)));
      void reloadAll();
    },
  };
});
