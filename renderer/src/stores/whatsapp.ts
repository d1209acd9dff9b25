/**
 * The shop's linked WhatsApp: its state machine as the core reports it (Settings card, status bar,
 * the editor's channel picker). Pushed by `whatsapp.status` events (each new QR code is one);
 * asked for once at start, and again when the settings change (a new browser path) or the event
 * stream reconnects (which reports every table as changed), so a missed event cannot leave it wrong.
 */
import { create } from 'zustand';
import { call, errorMessage, subscribe } from '../api';
import type { WhatsAppStatus } from '../../../shared/domain';
import { coalesce } from '../lib/coalesce';
import type { LoadStatus } from './load-state';

interface WhatsAppState {
  status: LoadStatus;
  error: string | null;
  whatsapp: WhatsAppStatus | null;
  load: () => Promise<void>;
  link: () => Promise<WhatsAppStatus>;
  unlink: () => Promise<WhatsAppStatus>;
  receive: (status: WhatsAppStatus) => void;
}

export const useWhatsApp = create<WhatsAppState>()((set, get) => {
  /** Pushes and answers can cross: keep whichever the core wrote last. */
  const apply = (whatsapp: WhatsAppStatus) => {
    const current = get().whatsapp;
    if (current !== null && whatsapp.updatedAt < current.updatedAt) return;
    set({ whatsapp, status: 'ready', error: null });
  };

  const load = coalesce(async () => {
    try {
      apply(await call('whatsapp.status', {}));
    } catch (error) {
      if (get().status !== 'ready') set({ status: 'error', error: errorMessage(error) });
      else console.warn('Refreshing the WhatsApp status failed', error);
    }
  });

  return {
    status: 'loading',
    error: null,
    whatsapp: null,
    load: () => {
      if (get().status === 'error') set({ status: 'loading', error: null });
      return load();
    },
    link: async () => {
      const whatsapp = await call('whatsapp.link', {});
      apply(whatsapp);
      return whatsapp;
    },
    unlink: async () => {
      const whatsapp = await call('whatsapp.unlink', {});
      apply(whatsapp);
      return whatsapp;
    },
    receive: apply,
  };
});

/** Loads the WhatsApp state and keeps it current; returns the function that stops listening. */
export function startWhatsAppSync(): () => void {
  void useWhatsApp.getState().load();
  const stops = [
    subscribe('whatsapp.status', (status) => useWhatsApp.getState().receive(status)),
    subscribe('data.changed', ({ tables }) => {
      if (tables.includes('settings')) void useWhatsApp.getState().load();
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
