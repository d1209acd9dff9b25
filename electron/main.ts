/**
 * The Electron shell: one instance, one locked-down window on the built renderer, the core behind
 * the IPC transport. Everything that can be decided without Electron lives in shell/ and is tested
 * there; this file only wires it up. Passwords are encrypted with safeStorage; after the computer
 * sleeps, the delivery engine is woken to catch up. (Tray and packaging come with a later issue.)
 */
import { app, BrowserWindow, dialog, ipcMain, powerMonitor, safeStorage, session } from 'electron';
import { IPC } from '../shared/contract';
import { openCoreApp, type CoreApp } from './core/app';
import { errorMessage, errorStack } from './core/errors';
import { consoleLogger } from './core/logger';
import { createDispatcher } from './core/transport/dispatch';
import { bindIpc } from './core/transport/ipc';
import { appPaths } from './shell/app-paths';
import { withContentSecurityPolicy } from './shell/csp-headers';
import { denyNewWindow, isNavigationAllowed } from './shell/navigation-policy';
import { SafeStorageSecretStore } from './shell/safe-storage-secret-store';
import { createTrustedSenderCheck } from './shell/trusted-sender';
import { mainWindowOptions } from './shell/window-options';

const paths = appPaths(__dirname);
let mainWindow: BrowserWindow | null = null;
let core: CoreApp | null = null;
let unbindIpc: (() => void) | null = null;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(paths.preload));
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadFile(paths.rendererIndex).catch((error: unknown) => {
    consoleLogger.error('Could not load the app window', { error: errorMessage(error) });
  });
  return window;
}

function showWindow(): void {
  if (mainWindow === null) {
    mainWindow = createWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function lockDown(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
  // The app needs no camera, microphone, notifications-from-the-page, geolocation, …
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isNavigationAllowed(url, paths.rendererIndex)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(denyNewWindow);
  });
}

function start(): void {
  lockDown();
  const dataDir = app.getPath('userData');
  core = openCoreApp({
    dataDir,
    shell: 'electron',
    version: app.getVersion(),
    logger: consoleLogger,
    secretStore: new SafeStorageSecretStore(dataDir, safeStorage),
  });
  // Timers do not run while the machine sleeps: catch up (and re-check the channels) on wake.
  powerMonitor.on('resume', () => core?.engine.resumedFromSleep());
  unbindIpc = bindIpc({
    ipcMain,
    isTrustedSender: createTrustedSenderCheck(paths.rendererIndex),
    dispatch: createDispatcher(core.handlers, consoleLogger),
    events: core.events,
    send: (event, payload) => {
      if (mainWindow !== null && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC.event, event, payload);
    },
  });
  showWindow();
}

function stop(): void {
  unbindIpc?.();
  unbindIpc = null;
  core?.close();
  core = null;
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the database; it shows its window (below) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (app.isReady()) showWindow();
  });
  app.on('activate', () => {
    if (app.isReady()) showWindow();
  });
  app.on('window-all-closed', () => {
    // Until the tray arrives, closing the window quits the app (except on macOS, by convention).
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', stop);
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      consoleLogger.error('The app could not start', {
        error: errorStack(error),
      });
      // E.g. a database written by a newer version: say so instead of vanishing.
      dialog.showErrorBox('Sequence Automation could not start', errorMessage(error));
      app.exit(1);
    });
}
