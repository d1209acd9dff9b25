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

  it('refuses a value with no JSON form', () => {
    expect(() => t.store.settings.set('x', undefined)).toThrow(/no JSON form/);
  });
});
