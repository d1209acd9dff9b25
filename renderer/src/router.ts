/**
 * Hash routing: `#/sequences`, `#/sequences/<id>`, `#/sequences/<id>/subscribers`, `#/contacts`,
 * `#/inbox`, `#/activity` (optionally `?status=unknown`), `#/settings` (optionally a section:
 * `#/settings/channels`, `#/settings/auto-subscription`). Anything else shows the sequences.
 * The hash (not the path) carries the route so the built UI works from file:// in Electron and from
 * `/` on the headless server alike.
 */
import { useSyncExternalStore } from 'react';
import { deliveryStatuses } from '../../shared/contract';

type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Parts of the settings page a link can take the owner to (the page scrolls there). */
export const settingsSections = ['channels', 'auto-subscription'] as const;
export type SettingsSection = (typeof settingsSections)[number];

export type Route =
  | { page: 'sequences' }
  | { page: 'sequence'; id: number }
  | { page: 'subscribers'; sequenceId: number }
  | { page: 'contacts' }
  | { page: 'inbox' }
  | { page: 'activity'; status: DeliveryStatus | null }
  | { page: 'settings'; section?: SettingsSection };

function idFrom(part: string | undefined): number | null {
  if (!/^\d+$/.test(part ?? '')) return null;
  const id = Number(part);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/[?&].*$/, '');
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] === 'settings' && parts.length === 1) return { page: 'settings' };
  if (parts[0] === 'settings' && parts.length === 2) {
    const section = settingsSections.find((known) => known === parts[1]);
    if (section !== undefined) return { page: 'settings', section };
  }
  if (parts[0] === 'inbox' && parts.length === 1) return { page: 'inbox' };
  if (parts[0] === 'contacts' && parts.length === 1) return { page: 'contacts' };
  if (parts[0] === 'activity' && parts.length === 1) {
    const status = /[?&]status=([a-z]+)/.exec(hash)?.[1];
    return { page: 'activity', status: deliveryStatuses.find((known) => known === status) ?? null };
  }
  if (parts[0] === 'sequences') {
    const id = idFrom(parts[1]);
    if (id !== null && parts.length === 2) return { page: 'sequence', id };
    if (id !== null && parts.length === 3 && parts[2] === 'subscribers') return { page: 'subscribers', sequenceId: id };
  }
  return { page: 'sequences' };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case 'sequences':
      return '#/sequences';
    case 'sequence':
      return `#/sequences/${route.id}`;
    case 'subscribers':
      return `#/sequences/${route.sequenceId}/subscribers`;
    case 'contacts':
      return '#/contacts';
    case 'activity':
      return route.status === null ? '#/activity' : `#/activity?status=${route.status}`;
    case 'inbox':
      return '#/inbox';
    case 'settings':
      return route.section === undefined ? '#/settings' : `#/settings/${route.section}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

const readHash = (): string => window.location.hash;

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribeToHash, readHash);
  return parseRoute(hash);
}
