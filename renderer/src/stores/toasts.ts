/** Short notices in the corner: "Sequence created", "Could not save: …". */
import { create } from 'zustand';

export type ToastKind = 'success' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

interface ToastState {
  toasts: Toast[];
  show: (kind: ToastKind, text: string) => void;
  dismiss: (id: number) => void;
}

// Errors stay longer: the owner may need to read them twice.
const LIFETIME_MS: Record<ToastKind, number> = { success: 3500, error: 8000 };
const MAX_VISIBLE = 3;
let nextId = 1;

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  show: (kind, text) => {
    const id = nextId++;
    set((state) => ({ toasts: [...state.toasts, { id, kind, text }].slice(-MAX_VISIBLE) }));
    window.setTimeout(() => get().dismiss(id), LIFETIME_MS[kind]);
  },
  dismiss: (id) => set((state) => ({ toasts: state.toasts.filter((toast) => toast.id !== id) })),
}));

export const toastSuccess = (text: string): void => useToasts.getState().show('success', text);
export const toastError = (text: string): void => useToasts.getState().show('error', text);
