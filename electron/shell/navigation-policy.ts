import { isOwnPage } from './trusted-sender';

/**
 * The window shows our renderer and nothing else: a navigation is allowed only to our own
 * index.html (e.g. a hash route written as a full URL); links to the web, other files and
 * javascript:/data: URLs are refused. New windows are never opened.
 */
export function isNavigationAllowed(targetUrl: string, indexFile: string, platform: NodeJS.Platform = process.platform): boolean {
  return isOwnPage(targetUrl, indexFile, platform);
}

/** For `webContents.setWindowOpenHandler`: every `window.open` and `target=_blank` is denied. */
export function denyNewWindow(): { action: 'deny' } {
  return { action: 'deny' };
}
