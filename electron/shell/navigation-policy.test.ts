import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { denyNewWindow, isNavigationAllowed } from './navigation-policy';

const INDEX = '/app/dist/renderer/index.html';

describe('navigation policy', () => {
  it('lets the window stay on our page and nowhere else', () => {
    expect(isNavigationAllowed(`${pathToFileURL(INDEX).href}#/sequences`, INDEX, 'linux')).toBe(true);
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,hi', 'about:blank']) {
      expect(isNavigationAllowed(url, INDEX, 'linux'), url).toBe(false);
    }
  });

  it('denies every new window', () => {
    expect(denyNewWindow()).toEqual({ action: 'deny' });
  });
});
