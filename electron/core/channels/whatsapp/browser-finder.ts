/**
 * whatsapp-web.js drives a real Chrome-family browser. The app does not download one (puppeteer's
 * download is skipped on install): it uses the path the owner set in Settings → Channels →
 * WhatsApp, else the first Chrome, Edge or Chromium found in the usual install locations of the
 * operating system. A path set in Settings that does not exist is reported as such, not silently
 * replaced by another browser: the owner chose it. When nothing is found the reason names what to
 * install.
 *
 * Pure apart from the injected `exists`, so every OS is tested on any OS.
 */
import path from 'node:path';

export type BrowserLookup =
  | { found: true; path: string; source: 'settings' | 'found' }
  | { found: false; reason: string };

export interface BrowserFinderInput {
  /** `settings.whatsapp.browserPath`. */
  configuredPath: string | null;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  exists: (file: string) => boolean;
}

export function findBrowser(input: BrowserFinderInput): BrowserLookup {
  const { configuredPath, platform, exists } = input;
  if (configuredPath !== null && configuredPath.trim() !== '') {
    const file = executableInside(configuredPath.trim(), platform);
    if (exists(file)) return { found: true, path: file, source: 'settings' };
    return {
      found: false,
      reason: `The browser set in Settings → Channels → WhatsApp was not found (${configuredPath.trim()}). Correct the path, or clear it to let the app find Chrome, Edge or Chromium by itself.`,
    };
  }
  for (const candidate of candidatePaths(input)) {
    if (exists(candidate)) return { found: true, path: candidate, source: 'found' };
  }
  return { found: false, reason: notFoundReason(platform) };
}

/** Where each OS's installers put Chrome, Edge and Chromium, most common first. */
export function candidatePaths({ platform, env }: Pick<BrowserFinderInput, 'platform' | 'env'>): string[] {
  switch (platform) {
    case 'win32': {
      const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(nonEmpty);
      const join = path.win32.join;
      return [
        ...roots.map((root) => join(root, 'Google', 'Chrome', 'Application', 'chrome.exe')),
        ...roots.map((root) => join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe')),
        ...roots.map((root) => join(root, 'Chromium', 'Application', 'chrome.exe')),
      ];
    }
    case 'darwin': {
      const apps = ['/Applications', ...(nonEmpty(env.HOME) ? [path.posix.join(env.HOME, 'Applications')] : [])];
      const bundles = [
        ['Google Chrome.app', 'Google Chrome'],
        ['Microsoft Edge.app', 'Microsoft Edge'],
        ['Chromium.app', 'Chromium'],
      ] as const;
      return bundles.flatMap(([bundle, binary]) => apps.map((dir) => path.posix.join(dir, bundle, 'Contents', 'MacOS', binary)));
    }
    default:
      return [
        '/usr/bin/google-chrome-stable',
        '/usr/bin/google-chrome',
        '/opt/google/chrome/chrome',
        '/usr/bin/microsoft-edge-stable',
        '/usr/bin/microsoft-edge',
        '/opt/microsoft/msedge/msedge',
        '/usr/bin/chromium',
        '/usr/bin/chromium-browser',
        '/snap/bin/chromium',
      ];
  }
}

/** On a Mac the owner may pick the `.app` bundle itself; the program is inside it. */
function executableInside(file: string, platform: NodeJS.Platform): string {
  if (platform !== 'darwin' || !file.endsWith('.app')) return file;
  return path.posix.join(file, 'Contents', 'MacOS', path.posix.basename(file, '.app'));
}

function notFoundReason(platform: NodeJS.Platform): string {
  const lead = 'WhatsApp needs Google Chrome, Microsoft Edge or Chromium, and none was found on this computer.';
  const tail = 'or set the browser’s location in Settings → Channels → WhatsApp.';
  switch (platform) {
    case 'win32':
      return `${lead} Install Google Chrome (google.com/chrome) — Microsoft Edge also works — ${tail}`;
    case 'darwin':
      return `${lead} Install Google Chrome (google.com/chrome) into Applications, ${tail}`;
    default:
      return `${lead} Install Google Chrome (google.com/chrome) or Chromium (for example: sudo apt install chromium), ${tail}`;
  }
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
