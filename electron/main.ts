/**
 * The Electron shell: fills the shell's `ElectronApi` with the real Electron modules and starts
 * the desktop shell (shell/desktop-shell.ts: window, tray, notifications, login item, quit
 * sequence) over the core, bound to the window through the IPC transport. Everything that can be
 * decided without Electron lives in shell/ and is tested there with a fake of that API; this file
 * only wires it up.
 *
 * Order matters: one instance per user (a second launch only brings the first one's window up),
 * then — once Electron is ready — the session's security policy, the SQLite binding built for
 * Electron's ABI (shell/sqlite-binding.ts), the core, the shell, and the IPC binding.
 *
 * The core runs inside a CoreHost (core/core-host.ts): restoring a backup restarts it on the
 * restored file under the same event bus, so the window, the tray and the IPC binding follow
 * along. Logs go to the console and to rotating files in `<userData>/logs`.
 */
import path from 'node:path';
import os from 'node:os';
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  dialog,
  ipcMain,
  nativeImage,
  powerMonitor,
  safeStorage,
  screen,
  session,
  shell as electronShell,
  type NativeImage,
} from 'electron';
import { IPC } from '../shared/contract';
import { openCoreHost } from './core/core-host';
import { errorMessage, errorStack } from './core/errors';
import { combineLoggers, consoleLogger, type Logger } from './core/logger';
import { createFileLogger } from './core/logging/file-logger';
import { createDispatcher } from './core/transport/dispatch';
import { bindIpc } from './core/transport/ipc';
import { appPaths, resourcesDir } from './shell/app-paths';
import { startDesktopShell } from './shell/desktop-shell';
import type { ElectronApi } from './shell/electron-api';
import { launchedAtLogin, loginItemFor } from './shell/login-item';
import { SafeStorageSecretStore } from './shell/safe-storage-secret-store';
import { applySecurityPolicy } from './shell/security-policy';
import { shellCoreFor } from './shell/shell-core';
import { useElectronSqliteBinding } from './shell/sqlite-binding';
import { createTrustedSenderCheck } from './shell/trusted-sender';

/** As in electron-builder.yml: Windows ties notifications and the login item to it. */
const APP_ID = 'app.sequenceautomation.desktop';
const paths = appPaths(__dirname);
/** The console until the data folder is known; then also the rotating files there. */
let logger: Logger = consoleLogger;

const electronApi: ElectronApi<NativeImage> = {
  app,
  powerMonitor,
  createWindow: (options) => new BrowserWindow(options),
  createTray: (image) => new Tray(image),
  buildMenu: (template) => Menu.buildFromTemplate(template),
  notificationsSupported: () => Notification.isSupported(),
  createNotification: (options) => new Notification(options),
  imageFromPath: (file) => nativeImage.createFromPath(file),
  displays: () => screen.getAllDisplays(),
};

function start(): void {
  applySecurityPolicy(session.defaultSession, app, paths.rendererIndex);
  const where = { isPackaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath };
  useElectronSqliteBinding({ ...where, platform: process.platform, arch: process.arch });

  const dataDir = app.getPath('userData');
  const logsDir = path.join(dataDir, 'logs');
  const fileLog = createFileLogger({ dir: logsDir, fallback: consoleLogger });
  logger = combineLoggers(consoleLogger, fileLog);
  const core = openCoreHost({
    dataDir,
    shell: 'electron',
    version: app.getVersion(),
    logger,
    secretStore: new SafeStorageSecretStore(dataDir, safeStorage),
    dataSafety: {
      logsDir,
      openFolder: async (folder) => {
        // shell.openPath answers an error message, or '' when the folder opened.
        const problem = await electronShell.openPath(folder);
        if (problem !== '') throw new Error(problem);
      },
    },
  });
  // The log files close last, once the core has stopped writing to them.
  core.closed
    .then(() => fileLog.close())
    .catch((error: unknown) => consoleLogger.error('The log files could not be closed', { error: errorMessage(error) }));
  const dispatch = createDispatcher(core.handlers, logger);
  const shell = startDesktopShell({
    api: electronApi,
    core: shellCoreFor(core, dispatch, () => core.current.engine),
    paths: { preload: paths.preload, rendererIndex: paths.rendererIndex, resourcesDir: resourcesDir(where), userData: dataDir },
    loginItem: loginItemFor(app, { isPackaged: app.isPackaged, platform: process.platform, env: process.env, homeDir: os.homedir(), execPath: process.execPath }),
    startHidden: launchedAtLogin(process.argv, process.platform, () => app.getLoginItemSettings().wasOpenedAtLogin),
    logger,
  });
  const unbindIpc = bindIpc({
    ipcMain,
    isTrustedSender: createTrustedSenderCheck(paths.rendererIndex),
    dispatch,
    events: core.events,
    send: (event, payload) => shell.sendToWindow(IPC.event, event, payload),
  });
  app.on('will-quit', unbindIpc);
}

if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the database; it shows its window (desktop-shell: 'second-instance').
  app.quit();
} else {
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      logger.error('The app could not start', { error: errorStack(error) });
      // E.g. a database written by a newer version: say so instead of vanishing.
      dialog.showErrorBox('Sequence Automation could not start', errorMessage(error));
      app.exit(1);
    });
}
