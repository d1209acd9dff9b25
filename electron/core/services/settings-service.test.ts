import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness';

describe('settings', () => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ machineTimeZone: 'America/New_York' });
  });
  afterEach(() => h.cleanup());

  it("defaults the business time zone to the machine's", async () => {
    expect(await h.call('settings.get', {})).toEqual({ timeZone: 'America/New_York' });
  });

  it('stores a new time zone, announces it, and keeps it', async () => {
    expect(await h.call('settings.update', { timeZone: 'Asia/Kolkata' })).toEqual({ timeZone: 'Asia/Kolkata' });
    expect(await h.call('settings.get', {})).toEqual({ timeZone: 'Asia/Kolkata' });
    expect(h.changes).toEqual([['settings']]);
  });

  it('writes and announces nothing for an empty update', async () => {
    expect(await h.call('settings.update', {})).toEqual({ timeZone: 'America/New_York' });
    expect(h.changes).toEqual([]);
  });

  it('falls back to the machine zone when the stored one is no longer valid', async () => {
    h.sql("INSERT INTO settings (key, value) VALUES ('timeZone', '\"Mars/Olympus_Mons\"')");
    expect(await h.call('settings.get', {})).toEqual({ timeZone: 'America/New_York' });
  });
});
