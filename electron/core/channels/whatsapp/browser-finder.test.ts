import { describe, expect, it } from 'vitest';
import { findBrowser } from './browser-finder';

const WINDOWS_ENV = {
  PROGRAMFILES: 'C:\\Program Files',
  'PROGRAMFILES(X86)': 'C:\\Program Files (x86)',
  LOCALAPPDATA: 'C:\\Users\\shop\\AppData\\Local',
};

function only(...files: string[]): (file: string) => boolean {
  const present = new Set(files);
  return (file) => present.has(file);
}

describe('findBrowser', () => {
  it('finds Chrome in Program Files on Windows', () => {
    const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    expect(findBrowser({ configuredPath: null, platform: 'win32', env: WINDOWS_ENV, exists: only(chrome) })).toEqual({ found: true, path: chrome, source: 'found' });
  });

  it('finds a per-user Chrome install under LocalAppData on Windows', () => {
    const chrome = 'C:\\Users\\shop\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe';
    expect(findBrowser({ configuredPath: null, platform: 'win32', env: WINDOWS_ENV, exists: only(chrome) })).toMatchObject({ found: true, path: chrome });
  });

  it('falls back to Edge on Windows, which every Windows 10/11 has', () => {
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(findBrowser({ configuredPath: null, platform: 'win32', env: WINDOWS_ENV, exists: only(edge) })).toMatchObject({ found: true, path: edge });
  });

  it('prefers Chrome over Edge when both are installed', () => {
    const chrome = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(findBrowser({ configuredPath: null, platform: 'win32', env: WINDOWS_ENV, exists: only(edge, chrome) })).toMatchObject({ path: chrome });
  });

  it('finds Chrome in /Applications and in ~/Applications on a Mac', () => {
    const system = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    const user = '/Users/shop/Applications/Chromium.app/Contents/MacOS/Chromium';
    const env = { HOME: '/Users/shop' };
    expect(findBrowser({ configuredPath: null, platform: 'darwin', env, exists: only(system) })).toMatchObject({ found: true, path: system });
    expect(findBrowser({ configuredPath: null, platform: 'darwin', env, exists: only(user) })).toMatchObject({ found: true, path: user });
  });

  it('finds Chromium from the distribution on Linux', () => {
    expect(findBrowser({ configuredPath: null, platform: 'linux', env: {}, exists: only('/usr/bin/chromium') })).toEqual({ found: true, path: '/usr/bin/chromium', source: 'found' });
    expect(findBrowser({ configuredPath: null, platform: 'linux', env: {}, exists: only('/snap/bin/chromium') })).toMatchObject({ path: '/snap/bin/chromium' });
  });

  it('uses the path set in Settings, before any browser it could find', () => {
    const configured = '/home/shop/bin/chrome';
    const result = findBrowser({ configuredPath: configured, platform: 'linux', env: {}, exists: only(configured, '/usr/bin/chromium') });
    expect(result).toEqual({ found: true, path: configured, source: 'settings' });
  });

  it('accepts the .app bundle itself as the path on a Mac', () => {
    const result = findBrowser({
      configuredPath: '/Applications/Google Chrome.app',
      platform: 'darwin',
      env: {},
      exists: only('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
    });
    expect(result).toMatchObject({ found: true, path: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', source: 'settings' });
  });

  it('says so when the path set in Settings does not exist, instead of quietly using another browser', () => {
    const result = findBrowser({ configuredPath: 'D:\\Tools\\chrome.exe', platform: 'win32', env: WINDOWS_ENV, exists: only('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe') });
    expect(result.found).toBe(false);
    if (!result.found) expect(result.reason).toContain('D:\\Tools\\chrome.exe');
  });

  it('names what to install when no browser is found, per operating system', () => {
    const none = (): boolean => false;
    const windows = findBrowser({ configuredPath: null, platform: 'win32', env: WINDOWS_ENV, exists: none });
    const mac = findBrowser({ configuredPath: null, platform: 'darwin', env: {}, exists: none });
    const linux = findBrowser({ configuredPath: null, platform: 'linux', env: {}, exists: none });
    for (const result of [windows, mac, linux]) {
      expect(result.found).toBe(false);
      if (!result.found) {
        expect(result.reason).toContain('Google Chrome');
        expect(result.reason).toContain('Settings → Channels → WhatsApp');
      }
    }
    if (!linux.found) expect(linux.reason).toContain('apt install chromium');
    if (!windows.found) expect(windows.reason).toContain('Edge');
  });

  it('ignores a blank path in Settings', () => {
    expect(findBrowser({ configuredPath: '  ', platform: 'linux', env: {}, exists: only('/usr/bin/chromium') })).toMatchObject({ found: true, source: 'found' });
  });
});
