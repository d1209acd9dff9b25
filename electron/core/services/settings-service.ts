/**
 * App settings. Each setting is stored under its own key and parsed again when read: a value
 * that no longer parses (a time zone a newer tz database dropped, a hand-edited file) falls back
 * to its default, with a warning, instead of breaking the app.
 */
import { SettingsSchema, type ParsedInput } from '../../../shared/contract';
import type { Settings } from '../../../shared/domain';
import type { ServiceDeps } from './service-deps';

export class SettingsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly machineTimeZone: string,
  ) {}

  get(): Settings {
    const stored = this.deps.store.settings.get('timeZone');
    if (stored === undefined) return { timeZone: this.machineTimeZone };
    const parsed = SettingsSchema.shape.timeZone.safeParse(stored);
    if (parsed.success) return { timeZone: parsed.data };
    this.deps.logger.warn('Ignoring the stored business time zone; using the machine time zone', {
      stored,
      machineTimeZone: this.machineTimeZone,
    });
    return { timeZone: this.machineTimeZone };
  }

  /** Writes only the settings given. */
  update(patch: ParsedInput<'settings.update'>): Settings {
    const { store, events } = this.deps;
    if (Object.values(patch).every((value) => value === undefined)) return this.get();
    const settings = store.write(() => {
      if (patch.timeZone !== undefined) store.settings.set('timeZone', patch.timeZone);
      return this.get();
    });
    events.dataChanged('settings');
    return settings;
  }
}
