import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events';
import { silentLogger } from '../logger';
import { openTempStore } from '../store/test-store';
import { DEFAULT_INBOUND, DEFAULT_SENDING, DEFAULT_WHATSAPP, SettingsService, detectMachineCountry } from './settings-service';
import { FakeClock, createHarness, type Harness } from './test-harness';

describe('settings', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ machineTimeZone: 'America/New_York', machineCountry: 'US' });
  });
  afterEach(() => h.cleanup());

  it("defaults the business time zone and the phone country to the machine's", async () => {
    expect(await h.call('settings.get', {})).toEqual({ timeZone: 'America/New_York', defaultCountry: 'US', sending: DEFAULT_SENDING, inbound: DEFAULT_INBOUND, whatsapp: DEFAULT_WHATSAPP });
  });

  it('stores a new time zone, announces it, and keeps it', async () => {
    expect(await h.call('settings.update', { timeZone: 'Asia/Kolkata' })).toEqual({ timeZone: 'Asia/Kolkata', defaultCountry: 'US', sending: DEFAULT_SENDING, inbound: DEFAULT_INBOUND, whatsapp: DEFAULT_WHATSAPP });
    expect(await h.call('settings.get', {})).toEqual({ timeZone: 'Asia/Kolkata', defaultCountry: 'US', sending: DEFAULT_SENDING, inbound: DEFAULT_INBOUND, whatsapp: DEFAULT_WHATSAPP });
    expect(h.changes).toEqual([['settings']]);
  });

  it('stores a default country, upper-cased, and refuses one libphonenumber does not know', async () => {
    expect(await h.call('settings.update', { defaultCountry: ' in ' })).toEqual({ timeZone: 'America/New_York', defaultCountry: 'IN', sending: DEFAULT_SENDING, inbound: DEFAULT_INBOUND, whatsapp: DEFAULT_WHATSAPP });
    await expect(h.call('settings.update', { defaultCountry: 'XX' })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'defaultCountry',
      message: expect.stringContaining('“XX” is not a country code we know'),
    });
    await expect(h.call('settings.update', { defaultCountry: 'Germany' })).rejects.toThrow(/two-letter country code/);
    expect((await h.call('settings.get', {})).defaultCountry).toBe('IN');
    expect(h.changes).toEqual([['settings']]);
  });

  it('writes and announces nothing for an empty update', async () => {
    expect(await h.call('settings.update', {})).toEqual({ timeZone: 'America/New_York', defaultCountry: 'US', sending: DEFAULT_SENDING, inbound: DEFAULT_INBOUND, whatsapp: DEFAULT_WHATSAPP });
    expect(h.changes).toEqual([]);
  });

  it("falls back to the machine's values when the stored ones are no longer valid", async () => {
    h.sql("INSERT INTO settings (key, value) VALUES ('timeZone', '\"Mars/Olympus_Mons\"')");
    h.sql("INSERT INTO settings (key, value) VALUES ('defaultCountry', '\"ZZ\"')");
    expect(await h.call('settings.get', {})).toEqual({ timeZone: 'America/New_York', defaultCountry: 'US', sending: DEFAULT_SENDING, inbound: DEFAULT_INBOUND, whatsapp: DEFAULT_WHATSAPP });
  });
});

describe('the sending context the engine reads on every message', () => {
  it('is read once, then follows every update at once, and forgets an update that was rolled back', () => {
    const t = openTempStore();
    try {
      const settings = new SettingsService({ store: t.store, events: new EventBus(), clock: new FakeClock(), logger: silentLogger }, { timeZone: 'Europe/Berlin', country: 'DE' });
      const first = settings.sendingContext();
      expect(first).toEqual({ timeZone: 'Europe/Berlin', sending: DEFAULT_SENDING });
      expect(settings.sendingContext()).toBe(first);

      const capped = { ...DEFAULT_SENDING, pacing: { ...DEFAULT_SENDING.pacing, dailyCap: 20 } };
      settings.update({ timeZone: 'Asia/Kolkata', sending: capped });
      expect(settings.sendingContext()).toEqual({ timeZone: 'Asia/Kolkata', sending: capped });

      // An update inside a transaction that fails: the setting stays, and so does what the engine reads.
      expect(() =>
        t.store.write(() => {
          settings.update({ timeZone: 'America/New_York' });
          throw new Error('rolled back');
        }),
      ).toThrow('rolled back');
      expect(settings.sendingContext().timeZone).toBe('Asia/Kolkata');
    } finally {
      t.cleanup();
    }
  });
});

describe('detectMachineCountry', () => {
  it("takes the region of the machine's locale, expanding a bare language to its likely region", () => {
    expect(detectMachineCountry('de-DE')).toBe('DE');
    expect(detectMachineCountry('en-IN')).toBe('IN');
    expect(detectMachineCountry('de')).toBe('DE');
    expect(detectMachineCountry('fr-CA')).toBe('CA');
  });

  it('falls back to US for a locale without a usable region', () => {
    expect(detectMachineCountry('en-001')).toBe('US');
    expect(detectMachineCountry('not a locale!')).toBe('US');
  });
});
