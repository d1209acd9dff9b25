import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from './router';

describe('parseRoute', () => {
  it('knows the three pages', () => {
    expect(parseRoute('#/sequences')).toEqual({ page: 'sequences' });
    expect(parseRoute('#/sequences/42')).toEqual({ page: 'sequence', id: 42 });
    expect(parseRoute('#/settings')).toEqual({ page: 'settings' });
  });

  it('sends anything unknown to the sequences', () => {
    for (const hash of ['', '#', '#/', '#/nope', '#/sequences/abc', '#/sequences/0', '#/sequences/1/x', '#token=t']) {
      expect(parseRoute(hash)).toEqual({ page: 'sequences' });
    }
  });

  it('round-trips through hrefFor', () => {
    expect(parseRoute(hrefFor({ page: 'sequence', id: 7 }))).toEqual({ page: 'sequence', id: 7 });
  });
});
