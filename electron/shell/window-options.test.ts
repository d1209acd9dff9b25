import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { ShellWindow } from './electron-api';
import { createSecureWindow, lockedDownWebPreferences, mainWindowOptions } from './window-options';

const LOCKED_DOWN = {
  preload: '/app/dist-electron/preload.js',
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
};

describe('lockedDownWebPreferences', () => {
  it('isolates and sandboxes the renderer, without Node, with our preload', () => {
    expect(lockedDownWebPreferences('/app/dist-electron/preload.js')).toMatchObject(LOCKED_DOWN);
  });
});

describe('createSecureWindow', () => {
  it('opens every window with the locked-down preferences, whatever else is asked', () => {
    const created: BrowserWindowConstructorOptions[] = [];
    const api = {
      createWindow: (options: BrowserWindowConstructorOptions) => {
        created.push(options);
        return {} as ShellWindow;
      },
    };
    // A caller that tries to sneak preferences in (the type forbids it; at run time they are replaced).
    const sneaky = { ...mainWindowOptions(), webPreferences: { nodeIntegration: true, sandbox: false } } as Omit<BrowserWindowConstructorOptions, 'webPreferences'>;
    createSecureWindow(api, '/app/dist-electron/preload.js', sneaky);
    createSecureWindow(api, '/app/dist-electron/preload.js', { width: 400, height: 300 });
    expect(created).toHaveLength(2);
    for (const options of created) expect(options.webPreferences).toEqual(lockedDownWebPreferences('/app/dist-electron/preload.js'));
  });
});

describe('mainWindowOptions', () => {
  it('opens where it was placed, hidden until ready, not smaller than the app can lay out', () => {
    expect(mainWindowOptions({ x: 10, y: 20, width: 1000, height: 700, maximized: true }, '/res/icon.png')).toEqual({
      x: 10,
      y: 20,
      width: 1000,
      height: 700,
      minWidth: 900,
      minHeight: 600,
      title: 'Sequence Automation',
      show: false,
      icon: '/res/icon.png',
    });
    expect(mainWindowOptions()).toMatchObject({ width: 1200, height: 800, show: false });
    expect(mainWindowOptions()).not.toHaveProperty('x');
  });
});
