/**
 * App settings. Each setting is stored under its own key and parsed again when read: a value
 * that no longer parses (a time zone a newer tz database dropped, a hand-edited file) falls back
 * to its default, with a warning, instead of breaking the app.
 */
import { SettingsSchema, type ParsedInput } from '../../../shared/contract';
import type { Settings } from '../../../shared/domain';
import { validation } from '../errors';
import type { ScheduleContext } from '../schedule/timing-rules';
import { isKnownCountry } from './phone';
import type { ServiceDeps } from './service-deps';

/** Defaults taken from the machine the app runs on. */
export interface MachineDefaults {
  /** IANA zone. */
  timeZone: string;
  /** ISO 3166-1 alpha-2, one libphonenumber knows. */
  country: string;
}

export class SettingsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly machine: MachineDefaults,
  ) {}

  get(): Settings {
    return { timeZone: this.timeZone(), defaultCountry: this.defaultCountry() };
  }

  /** What the timing rules need from the settings. */
  scheduleContext(): ScheduleContext {
    return { timeZone: this.timeZone() };
  }

  /** Writes only the settings given. */
  update(patch: ParsedInput<'settings.update'>): Settings {
    const { store, events } = this.deps;
    if (Object.values(patch).every((value) => value === undefined)) return this.get();
    if (patch.defaultCountry !== undefined && !isKnownCountry(patch.defaultCountry)) {
      throw validation(`“${patch.defaultCountry}” is not a country code we know. Use a two-letter code such as DE or US.`, 'defaultCountry');
    }
    const settings = store.write(() => {
      if (patch.timeZone !== undefined) store.settings.set('timeZone', patch.timeZone);
      if (patch.defaultCountry !== undefined) store.settings.set('defaultCountry', patch.defaultCountry);
      return this.get();
    });
    events.dataChanged('settings');
    return settings;
  }

  private timeZone(): string {
    const stored = this.deps.store.settings.get('timeZone');
    if (stored === undefined) return this.machine.timeZone;
    const parsed = SettingsSchema.shape.timeZone.safeParse(stored);
    if (parsed.success) return parsed.data;
    this.deps.logger.warn('Ignoring the stored business time zone; using the machine time zone', {
      stored,
      machineTimeZone: this.machine.timeZone,
    });
    return this.machine.timeZone;
  }

  private defaultCountry(): string {
    const stored = this.deps.store.settings.get('defaultCountry');
    if (stored === undefined) return this.machine.country;
    const parsed = SettingsSchema.shape.defaultCountry.safeParse(stored);
    if (parsed.success && isKnownCountry(parsed.data)) return parsed.data;
    this.deps.logger.warn("Ignoring the stored default country; using the machine's", { stored, machineCountry: this.machine.country });
    return this.machine.country;
  }
}

/**
 * The region of the machine's locale ("de-DE" → DE; a bare "de" is expanded to its likely region),
 * or US when there is none or libphonenumber does not know it.
 */
export function detectMachineCountry(locale: string = Intl.DateTimeFormat().resolvedOptions().locale): string {
  try {
    const region = new Intl.Locale(locale).maximize().region;
    if (region !== undefined && isKnownCountry(region)) return region;
  } catch (error) {
    // An odd locale string from the environment is not worth failing over; the default is honest.
    if (!(error instanceof RangeError)) throw error;
  }
  return 'US';
}
