/**
 * Hash routing: `#/sequences`, `#/sequences/<id>`, `#/settings`. Anything else shows the sequences.
 * The hash (not the path) carries the route so the built UI works from file:// in Electron and from
 * `/` on the headless server alike.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'sequences' }
  | { page: 'sequence'; id: number }
  | { page: 'settings' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/[?&].*$/, '');
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] === 'settings' && parts.length === 1) return { page: 'settings' };
  if (parts[0] === 'sequences' && parts.length === 2 && /^\d+$/.test(parts[1] ?? '')) {
    const id = Number(parts[1]);
    if (Number.isSafeInteger(id) && id > 0) return { page: 'sequence', id };
  }
  return { page: 'sequences' };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case 'sequences':
      return '#/sequences';
    case 'sequence':
      return `#/sequences/${route.id}`;
    case 'settings':
      return '#/settings';
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
