import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../core/transport/security-headers';
import { applySecurityPolicy, type SessionLike, type WebContentsLike } from './security-policy';
import { FakeEvent } from './shell-test-support';

const INDEX = '/opt/app/resources/app.asar/dist/renderer/index.html';

function fakes() {
  const handlers: {
    headers?: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0];
    request?: Parameters<SessionLike['setPermissionRequestHandler']>[0];
    check?: Parameters<SessionLike['setPermissionCheckHandler']>[0];
    created?: (event: unknown, contents: WebContentsLike) => void;
  } = {};
  const session: SessionLike = {
    webRequest: { onHeadersReceived: (listener) => void (handlers.headers = listener) },
    setPermissionRequestHandler: (handler) => void (handlers.request = handler),
    setPermissionCheckHandler: (handler) => void (handlers.check = handler),
  };
  const app = { on: (_event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void) => void (handlers.created = listener) };
  applySecurityPolicy(session, app, INDEX);
  return handlers;
}

/** A web contents as the policy sees it: what it listens to, and its window-open handler. */
function fakeContents() {
  const listeners = new Map<string, (...args: never[]) => void>();
  let openHandler: (() => { action: 'deny' }) | undefined;
  const contents = {
    on: (event: string, listener: (...args: never[]) => void) => void listeners.set(event, listener),
    setWindowOpenHandler: (handler: () => { action: 'deny' }) => void (openHandler = handler),
  } as WebContentsLike;
  const fire = (event: string, ...args: unknown[]) => (listeners.get(event) as ((...a: unknown[]) => void) | undefined)?.(...args);
  return { contents, fire, open: () => openHandler?.() };
}

describe('applySecurityPolicy', () => {
  it('sends our CSP with every response', () => {
    const handlers = fakes();
    let answered: Record<string, string[]> | undefined;
    handlers.headers?.({ responseHeaders: { 'content-security-policy': ['default-src *'] } }, (response) => {
      answered = response.responseHeaders;
    });
    expect(answered?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(answered?.['content-security-policy']).toBeUndefined();
  });

  it('grants pages no permission at all', () => {
    const handlers = fakes();
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) handlers.request?.({}, permission, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
    expect(handlers.check?.({}, 'clipboard-read')).toBe(false);
  });

  it('keeps every web contents on our page: no foreign navigation, no new window, no webview', () => {
    const handlers = fakes();
    const { contents, fire, open } = fakeContents();
    handlers.created?.({}, contents);

    const own = new FakeEvent();
    fire('will-navigate', own, `${pathToFileURL(INDEX).href}#/settings`);
    expect(own.defaultPrevented).toBe(false);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const away = new FakeEvent();
      fire('will-navigate', away, url);
      expect(away.defaultPrevented, url).toBe(true);
    }
    const frame = Object.assign(new FakeEvent(), { url: 'https://example.com/ad' });
    fire('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
    const webview = new FakeEvent();
    fire('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
    expect(open()).toEqual({ action: 'deny' });
  });
});
