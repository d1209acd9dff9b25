/**
 * App settings. Each setting is stored under its own key and parsed again when read: a value
 * that no longer parses (a time zone a newer tz database dropped, a hand-edited file) falls back
 * to its default, with a warning, instead of breaking the app.
 *
 * `sending` holds the sending window, pacing, catch-up and failure policies (DESIGN.md §4–§5).
 * A window is checked before it is stored: it must leave some day open within the search horizon
 * of the timing rules, or nothing could ever be sent. Changing any setting announces `settings`,
 * which wakes the delivery engine.
 */
import { SettingsSchema, type ParsedInput } from '../../../shared/contract';
import type { InboundSettings, SendingSettings, Settings, WhatsAppSettings } from '../../../shared/domain';
import { AppError, validation } from '../errors';
import { nextAllowedInstant, validateSendingWindow } from '../schedule/sending-window';
import type { ScheduleContext } from '../schedule/timing-rules';
import { ParseMemo } from '../store/parse-memo';
import { isKnownCountry } from './phone';
import type { ServiceDeps } from './service-deps';

/** Defaults taken from the machine the app runs on. */
export interface MachineDefaults {
  /** IANA zone. */
  timeZone: string;
  /** ISO 3166-1 alpha-2, one libphonenumber knows. */
  country: string;
}

/**
 * Until the owner changes them: no messages at night (21:00–09:00) but every day of the week, a
 * WhatsApp-like random gap of 20–60 s between sends, at most 200 a day per channel (a new number
 * sending more is what gets accounts banned), late messages still go out, and a message that can
 * never go through is recorded and the subscriber moves on to the next one.
 */
export const DEFAULT_SENDING: SendingSettings = {
  window: { quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] },
  pacing: { minGapSeconds: 20, maxGapSeconds: 60, dailyCap: 200 },
  catchUp: { kind: 'send-late' },
  onPermanentFailure: 'move-on',
};

/**
 * Until the owner changes them: nobody is auto-subscribed (the owner picks the sequences), the
 * usual English opt-out words, and plain confirmations.
 */
export const DEFAULT_INBOUND: InboundSettings = {
  autoSubscribeSequenceIds: [],
  stopKeywords: ['STOP', 'UNSUBSCRIBE', 'CANCEL', 'QUIT', 'END'],
  startKeywords: ['START'],
  stopConfirmation: 'You will not get any more messages from us. Reply START to allow them again.',
  startConfirmation: 'Welcome back: you will get our messages again. Reply STOP to end them.',
};

/** Find a browser on the machine; fall back to SMS after WhatsApp has been down an hour. */
export const DEFAULT_WHATSAPP: WhatsAppSettings = { browserPath: null, smsFallbackAfterMinutes: 60 };

export class SettingsService {
  // The engine reads these on every message: each stored value is validated once, not every time.
  private readonly timeZoneParse = new ParseMemo<string>();
  private readonly sendingParse = new ParseMemo<SendingSettings>();
  private readonly inboundParse = new ParseMemo<InboundSettings>();
  private readonly whatsappParse = new ParseMemo<WhatsAppSettings>();
  /**
   * The time zone and sending settings as last read, for the delivery engine, which asks several
   * times per message, and for the timing rules (`scheduleContext`). This service is their only writer (the import worker's connection never
   * writes settings), so `update` drops the copy once its write has settled, committed or not,
   * and the next read goes to the database again.
   */
  private cachedSendingContext: { timeZone: string; sending: SendingSettings } | null = null;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly machine: MachineDefaults,
  ) {}

  get(): Settings {
    return {
      timeZone: this.timeZone(),
      defaultCountry: this.defaultCountry(),
      sending: this.sending(),
      inbound: this.inbound(),
      whatsapp: this.whatsapp(),
    };
  }

  /** Auto-subscription and the STOP/START keywords, as the inbound handling reads them per message. */
  inbound(): InboundSettings {
    return this.inboundParse.get(this.deps.store.settings.get('inbound'), (stored) => this.parseStored('inbound', stored, DEFAULT_INBOUND));
  }

  whatsapp(): WhatsAppSettings {
    return this.whatsappParse.get(this.deps.store.settings.get('whatsapp'), (stored) => this.parseStored('whatsapp', stored, DEFAULT_WHATSAPP));
  }

  /** What the timing rules need from the settings: the business time zone and the sending window. */
  scheduleContext(): ScheduleContext {
    const { timeZone, sending } = this.sendingContext();
    return { timeZone, window: sending.window };
  }

  /** The time zone and sending policies together, as the delivery engine reads them on every round. */
  sendingContext(): { timeZone: string; sending: SendingSettings } {
    this.cachedSendingContext ??= { timeZone: this.timeZone(), sending: this.sending() };
    return this.cachedSendingContext;
  }

  /** Writes only the settings given. */
  update(patch: ParsedInput<'settings.update'>): Settings {
    const { store, events } = this.deps;
    if (Object.values(patch).every((value) => value === undefined)) return this.get();
    if (patch.defaultCountry !== undefined && !isKnownCountry(patch.defaultCountry)) {
      throw validation(`“${patch.defaultCountry}” is not a country code we know. Use a two-letter code such as DE or US.`, 'defaultCountry');
    }
    if (patch.sending !== undefined) this.assertUsableWindow(patch.sending, patch.timeZone ?? this.timeZone());
    let settings: Settings;
    try {
      settings = store.write(() => {
        if (patch.timeZone !== undefined) store.settings.set('timeZone', patch.timeZone);
        if (patch.defaultCountry !== undefined) store.settings.set('defaultCountry', patch.defaultCountry);
        if (patch.sending !== undefined) store.settings.set('sending', patch.sending);
        if (patch.inbound !== undefined) {
          this.assertSequencesExist(patch.inbound.autoSubscribeSequenceIds);
          store.settings.set('inbound', patch.inbound);
        }
        if (patch.whatsapp !== undefined) store.settings.set('whatsapp', patch.whatsapp);
        return this.get();
      });
    } finally {
      this.cachedSendingContext = null;
    }
    events.dataChanged('settings');
    return settings;
  }

  private assertSequencesExist(ids: readonly number[]): void {
    ids.forEach((id, index) => {
      if (!this.deps.store.sequences.exists(id)) {
        throw validation('One of the chosen sequences no longer exists. Reload and choose again.', `inbound.autoSubscribeSequenceIds.${index}`);
      }
    });
  }

  /** Refuses a window the timing rules cannot use, naming the field at fault. */
  private assertUsableWindow(sending: SendingSettings, timeZone: string): void {
    try {
      validateSendingWindow(sending.window);
      // Finds the next open instant, or says that no day is open in the search horizon.
      nextAllowedInstant(this.deps.clock.now(), timeZone, sending.window);
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') {
        throw validation(error.message, `sending.window.${error.field ?? 'allowedWeekdays'}`);
      }
      throw error;
    }
  }

  private timeZone(): string {
    return this.timeZoneParse.get(this.deps.store.settings.get('timeZone'), (stored) => this.parseTimeZone(stored));
  }

  private parseTimeZone(stored: unknown): string {
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

  private sending(): SendingSettings {
    return this.sendingParse.get(this.deps.store.settings.get('sending'), (stored) => this.parseSending(stored));
  }

  private parseStored<K extends 'inbound' | 'whatsapp'>(key: K, stored: unknown, fallback: Settings[K]): Settings[K] {
    if (stored === undefined) return fallback;
    const parsed = SettingsSchema.shape[key].safeParse(stored);
    if (parsed.success) return parsed.data as Settings[K];
    this.deps.logger.warn(`Ignoring the stored ${key} settings; using the defaults`, { issues: parsed.error.issues.length });
    return fallback;
  }

  private parseSending(stored: unknown): SendingSettings {
    if (stored === undefined) return DEFAULT_SENDING;
    const parsed = SettingsSchema.shape.sending.safeParse(stored);
    if (parsed.success) return parsed.data;
    this.deps.logger.warn('Ignoring the stored sending settings; using the defaults', { issues: parsed.error.issues.length });
    return DEFAULT_SENDING;
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
