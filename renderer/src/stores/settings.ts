/** Settings (business time zone) and facts about the running app (version, machine zone). */
import { create } from 'zustand';
import { call, errorMessage } from '../api';
import type { AppInfo, Settings } from '../../../shared/domain';
import { coalesce } from '../lib/coalesce';
import type { LoadStatus } from './load-state';

interface SettingsState {
  status: LoadStatus;
  error: string | null;
  settings: Settings | null;
  appInfo: AppInfo | null;
  load: () => Promise<void>;
  save: (patch: Partial<Settings>) => Promise<Settings>;
}

export const useSettings = create<SettingsState>()((set, get) => {
  const reload = coalesce(async () => {
    try {
      const [settings, appInfo] = await Promise.all([call('settings.get', {}), call('app.info', {})]);
      set({ settings, appInfo, status: 'ready', error: null });
    } catch (error) {
      if (get().status !== 'ready') set({ status: 'error', error: errorMessage(error) });
      else console.warn('Refreshing the settings failed', error);
    }
  });

  return {
    status: 'loading',
    error: null,
    settings: null,
    appInfo: null,
    load: () => {
      if (get().status === 'error') set({ status: 'loading', error: null });
      return reload();
    },
    save: async (patch) => {
      const settings = await call('settings.update', patch);
      set({ settings });
      return settings;
    },
  };
});
