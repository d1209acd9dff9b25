import { describe, expect, it } from 'vitest';
import { countries, countryName } from './countries';

describe('countries', () => {
  it('lists every country once, by English name', () => {
    const list = countries();
    expect(list.length).toBeGreaterThan(200);
    expect(new Set(list.map((c) => c.code)).size).toBe(list.length);
    const names = list.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
    expect(list.find((c) => c.code === 'DE')?.name).toBe('Germany');
  });

  it('keeps a saved code the list does not know', () => {
    expect(countries('QZ').some((c) => c.code === 'QZ')).toBe(true);
    expect(countries().some((c) => c.code === 'QZ')).toBe(false);
  });

  it('names a code it cannot read as the code itself', () => {
    expect(countryName('US')).toBe('United States');
    expect(countryName('not a code')).toBe('not a code');
  });
});
