import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './store';
import { openTempStore, type TempStore } from './test-store';

describe('SettingsRepository', () => {
  let t: TempStore;
  beforeEach(() => {
    t = openTempStore();
  });
  afterEach(() => t.cleanup());

  it('stores JSON values by key, overwrites them, and keeps them across reopening', () => {
    const { settings } = t.store;
    expect(settings.get('timeZone')).toBeUndefined();
    settings.set('timeZone', 'Europe/Berlin');
    settings.set('quietHours', { from: '21:00', to: '09:00' });
    settings.set('timeZone', 'Asia/Tokyo');
    t.store.close();

    const reopened = openStore(t.file);
    try {
      expect(reopened.settings.get('timeZone')).toBe('Asia/Tokyo');
      expect(reopened.settings.get('quietHours')).toEqual({ from: '21:00', to: '09:00' });
    } finally {
      reopened.close();
    }
  });

  it('hands back the same frozen value while the stored text is unchanged, and the new one after any write', () => {
    const { settings } = t.store;
    settings.set('sending', { pacing: { dailyCap: 200 } });
    const first = settings.get('sending');
    expect(settings.get('sending')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { pacing: { dailyCap: number } }).pacing.dailyCap = 5;
    }).toThrow(TypeError);

    settings.set('sending', { pacing: { dailyCap: 50 } });
    expect(settings.get('sending')).toEqual({ pacing: { dailyCap: 50 } });

    // Another connection's write (the import worker has its own) is seen on the next read.
    const other = openStore(t.file);
    try {
      other.settings.set('sending', { pacing: { dailyCap: 7 } });
    } finally {
      other.close();
    }
    expect(settings.get('sending')).toEqual({ pacing: { dailyCap: 7 } });
  });

  it('forgets a write that was rolled back', () => {
    const { settings } = t.store;
    settings.set('timeZone', 'Europe/Berlin');
    expect(() =>
      t.store.write(() => {
        settings.set('timeZone', 'Asia/Tokyo');
        expect(settings.get('timeZone')).toBe('Asia/Tokyo');
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(settings.get('timeZone')).toBe('Europe/Berlin');
  });

  it('refuses a value with no JSON form', () => {
    expect(() => t.store.settings.set('x', undefined)).toThrow(/no JSON form/);
  });
});
