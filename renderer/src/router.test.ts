import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute } from './router';

describe('parseRoute', () => {
  it('knows the pages', () => {
    expect(parseRoute('#/sequences')).toEqual({ page: 'sequences' });
    expect(parseRoute('#/sequences/42')).toEqual({ page: 'sequence', id: 42 });
    expect(parseRoute('#/sequences/42/subscribers')).toEqual({ page: 'subscribers', sequenceId: 42 });
    expect(parseRoute('#/contacts')).toEqual({ page: 'contacts' });
    expect(parseRoute('#/settings')).toEqual({ page: 'settings' });
    expect(parseRoute('#/inbox')).toEqual({ page: 'inbox' });
  });

  it('takes the settings to a section it knows', () => {
    expect(parseRoute('#/settings/channels')).toEqual({ page: 'settings', section: 'channels' });
    expect(parseRoute('#/settings/auto-subscription')).toEqual({ page: 'settings', section: 'auto-subscription' });
    expect(parseRoute('#/settings/nope')).toEqual({ page: 'sequences' });
    expect(parseRoute(hrefFor({ page: 'settings', section: 'channels' }))).toEqual({ page: 'settings', section: 'channels' });
    expect(hrefFor({ page: 'settings' })).toBe('#/settings');
  });

  it('sends anything unknown to the sequences', () => {
    for (const hash of ['', '#', '#/', '#/nope', '#/sequences/abc', '#/sequences/0', '#/sequences/1/x', '#/sequences/0/subscribers', '#/sequences/1/subscribers/2', '#/contacts/3', '#token=t']) {
      expect(parseRoute(hash)).toEqual({ page: 'sequences' });
    }
  });

  it('round-trips through hrefFor', () => {
    expect(parseRoute(hrefFor({ page: 'sequence', id: 7 }))).toEqual({ page: 'sequence', id: 7 });
    expect(parseRoute(hrefFor({ page: 'subscribers', sequenceId: 7 }))).toEqual({ page: 'subscribers', sequenceId: 7 });
    expect(parseRoute(hrefFor({ page: 'contacts' }))).toEqual({ page: 'contacts' });
    expect(parseRoute(hrefFor({ page: 'inbox' }))).toEqual({ page: 'inbox' });
  });
});

describe('the activity route', () => {
  it('carries the status filter, and drops one it does not know', () => {
    expect(parseRoute('#/activity')).toEqual({ page: 'activity', status: null });
    expect(parseRoute('#/activity?status=unknown')).toEqual({ page: 'activity', status: 'unknown' });
    expect(parseRoute('#/activity?status=bogus')).toEqual({ page: 'activity', status: null });
    expect(parseRoute('#/activity/3')).toEqual({ page: 'sequences' });
    expect(parseRoute(hrefFor({ page: 'activity', status: 'failed' }))).toEqual({ page: 'activity', status: 'failed' });
  });
});
