/**
 * The session-wide half of Electron's security checklist (DESIGN.md §8), applied once at start and
 * covering every web page the app ever creates (the window half is `lockedDownWebPreferences`):
 *
 * - our Content-Security-Policy on every response (csp-headers.ts), replacing any other;
 * - no permission granted to a page: no camera, microphone, geolocation, page notifications…;
 * - every web contents created: navigation only within our own index.html (frames included),
 *   no new windows, no <webview>.
 */
import type { Cancellable } from './electron-api';
import { withContentSecurityPolicy } from './csp-headers';
import { denyNewWindow, isNavigationAllowed } from './navigation-policy';

export interface SessionLike {
  webRequest: {
    onHeadersReceived(
      listener: (details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders: Record<string, string[]> }) => void) => void,
    ): void;
  };
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
}

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: Cancellable, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (details: Cancellable & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Cancellable) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

export interface WebContentsSource {
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
}

export function applySecurityPolicy(session: SessionLike, app: WebContentsSource, rendererIndex: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url, rendererIndex)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (details) => {
      if (!isNavigationAllowed(details.url, rendererIndex)) details.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(denyNewWindow);
  });
}
