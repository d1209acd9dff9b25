import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import type { ElectronApi, ShellWindow } from './electron-api';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE, type WindowPlacement } from './window-state';

/**
 * Every window's web preferences, per Electron's security checklist (DESIGN.md §8): the renderer is
 * an isolated, sandboxed web page with no Node, and it reaches the core only through the preload's
 * `window.api`.
 */
export function lockedDownWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** The main window at `placement` (web preferences are added by `createSecureWindow`). */
export function mainWindowOptions(placement?: WindowPlacement, iconPath?: string): Omit<BrowserWindowConstructorOptions, 'webPreferences'> {
  const { maximized: _maximized, ...bounds } = placement ?? { ...DEFAULT_WINDOW_SIZE, maximized: false };
  return {
    ...bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Sequence Automation',
    // Shown on 'ready-to-show' so the user never sees an empty white frame.
    show: false,
    // Linux and Windows show it in the task bar (macOS takes the bundle's icon).
    ...(iconPath === undefined ? {} : { icon: iconPath }),
  };
}

/**
 * THE way the shell opens a window: whatever else the caller sets, the web preferences are the
 * locked-down ones (the type leaves no room to pass others).
 */
export function createSecureWindow(
  api: Pick<ElectronApi, 'createWindow'>,
  preloadPath: string,
  options: Omit<BrowserWindowConstructorOptions, 'webPreferences'>,
): ShellWindow {
  return api.createWindow({ ...options, webPreferences: lockedDownWebPreferences(preloadPath) });
}
