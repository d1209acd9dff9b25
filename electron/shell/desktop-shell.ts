/**
 * The desktop shell put together: one window, the tray, notifications, the login item, power
 * events and the quit sequence, over the core (`ShellCore`) and Electron (`ElectronApi`), both
 * passed in — main.ts gives the real ones, desktop-shell.test.ts fakes.
 *
 * What the owner sees:
 * - the app lives in the tray: closing the window hides it (said once, by a notification; the
 *   hint is remembered), a second launch or a click on the tray icon brings the window back, and
 *   nothing quits but Quit (tray menu, or the OS's own quit/shutdown);
 * - the tray's image, tooltip and menu follow `engine.status`; the menu pauses and resumes sending
 *   through the core's handlers;
 * - notifications for a channel down, a streak of failed sends, and deliveries with an unknown
 *   outcome; a click opens the page to act on (alert-rules.ts);
 * - start at login, on by default once a channel is linked (login-item.ts);
 * - after the computer slept, the engine is woken at once to catch up;
 * - Quit lets the send in flight finish, then closes the core (quit-sequence.ts).
 */
import path from 'node:path';
import type { EventName, EventPayload } from '../../shared/contract';
import type { ChannelStatusInfo, Delivery, EngineStatus } from '../../shared/domain';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { AlertRules, STREAK_LENGTH, type Alert } from './alert-rules';
import type { ElectronApi } from './electron-api';
import { LoginItemManager, type LoginItemPort } from './login-item';
import { MainWindow } from './main-window';
import { Notifier } from './notifier';
import { installQuitSequence, type QuitSequence, type QuitTimers, type QuittableCore } from './quit-sequence';
import { SHELL_ROUTES, type ShellRoute } from './routes';
import { ShellSettingsStore } from './shell-settings';
import { TrayController } from './tray-controller';
import { WindowStateStore } from './window-state';

/** What the shell needs of the core (main.ts binds it to CoreApp and its handlers). */
export interface ShellCore extends QuittableCore {
  engineStatus(): Promise<EngineStatus>;
  pauseAll(): Promise<EngineStatus>;
  resumeAll(): Promise<EngineStatus>;
  channels(): Promise<ChannelStatusInfo[]>;
  /** The newest deliveries, newest first. */
  recentDeliveries(limit: number): Promise<Delivery[]>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  resumedFromSleep(): void;
}

export interface DesktopShellPaths {
  preload: string;
  rendererIndex: string;
  /** The app's resources folder: tray/<state>.png and icon.png. */
  resourcesDir: string;
  /** Electron's userData: the shell's small JSON files go there. */
  userData: string;
}

export interface DesktopShellOptions {
  api: ElectronApi;
  core: ShellCore;
  paths: DesktopShellPaths;
  loginItem: LoginItemPort;
  /** Started by the login item: stay in the tray, open no window. */
  startHidden: boolean;
  logger: Logger;
  now?: () => number;
  timers?: QuitTimers;
  limits?: { settleMs: number; closeMs: number };
  timeZone?: string;
  locale?: string;
}

export interface DesktopShell {
  showWindow(route?: ShellRoute): void;
  /** Pushes one IPC message to the window, if one is open. */
  sendToWindow(channel: string, ...args: unknown[]): void;
  readonly quit: QuitSequence;
}

export const TRAY_HINT = {
  title: 'Sequence Automation is still running',
  body: 'It keeps sending your messages from the tray. To stop it, choose Quit in the tray icon’s menu.',
};

export function startDesktopShell(options: DesktopShellOptions): DesktopShell {
  const { api, core, paths, logger } = options;
  const { app } = api;
  const now = options.now ?? Date.now;
  const settings = new ShellSettingsStore(paths.userData, logger);
  const iconPath = path.join(paths.resourcesDir, 'icon.png');
  const rules = new AlertRules(now(), (channel) => settings.isLinked(channel));
  const loginItems = new LoginItemManager(options.loginItem, settings, logger);

  const showWindow = (route?: ShellRoute): void => mainWindow.show(route);
  const notifier = new Notifier({ api, open: showWindow, logger, iconPath });
  const mainWindow = new MainWindow({
    api,
    preload: paths.preload,
    rendererIndex: paths.rendererIndex,
    iconPath,
    windowState: new WindowStateStore(paths.userData, logger),
    logger,
    onHiddenToTray: () => {
      if (settings.get().trayHintShown) return;
      notifier.show(TRAY_HINT);
      settings.update({ trayHintShown: true });
    },
    // Windows logs off or shuts down without a before-quit: stop sending and close the store now.
    onSessionEnd: () => core.close(),
  });

  let status: EngineStatus | null = null;
  const alert = (alerts: Alert[]): void => {
    for (const each of alerts) notifier.show(each);
  };
  /** A channel's state: the first time a real one is ready it counts as linked (login default, outages). */
  const noteChannel = (info: ChannelStatusInfo): void => {
    if (settings.noteChannel(info)) loginItems.apply();
  };
  const noteStatus = (next: EngineStatus): void => {
    status = next;
    for (const channel of next.channels) noteChannel(channel);
    alert(rules.engineStatus(next));
    tray.update(status, rules.failing);
  };
  const failed = (what: string) => (error: unknown) => {
    logger.error(`Could not ${what}`, { error: errorMessage(error) });
    notifier.show({ title: `Could not ${what}`, body: errorMessage(error) });
  };

  const tray = new TrayController({
    api,
    imagesDir: path.join(paths.resourcesDir, 'tray'),
    loginItem: loginItems,
    isLinked: (channel) => settings.isLinked(channel),
    now,
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    ...(options.locale === undefined ? {} : { locale: options.locale }),
    actions: {
      open: () => showWindow(),
      pause: () => void core.pauseAll().then(noteStatus, failed('pause sending')),
      resume: () => void core.resumeAll().then(noteStatus, failed('resume sending')),
      reviewUnknown: () => showWindow(SHELL_ROUTES.unknownDeliveries),
      toggleOpenAtLogin: () => {
        loginItems.setByOwner(!loginItems.enabled);
        tray.refresh();
      },
      quit: () => app.quit(),
    },
  });

  // A failure streak is looked for after deliveries change; one look at a time, the last change never missed.
  let looking = false;
  let lookAgain = false;
  const lookForStreak = (): void => {
    if (looking) {
      lookAgain = true;
      return;
    }
    looking = true;
    core
      .recentDeliveries(STREAK_LENGTH)
      .then((rows) => {
        const wasFailing = rules.failing;
        alert(rules.recentDeliveries(rows));
        if (rules.failing !== wasFailing) tray.update(status, rules.failing);
      })
      .catch((error: unknown) => logger.error('Could not read the latest deliveries', { error: errorMessage(error) }))
      .finally(() => {
        looking = false;
        if (lookAgain) {
          lookAgain = false;
          lookForStreak();
        }
      });
  };

  const unsubscribe = [
    core.on('engine.status', noteStatus),
    core.on('channel.status', (info) => {
      noteChannel(info);
      alert(rules.channel(info));
      // The login item's checkbox may have just turned on.
      tray.refresh();
    }),
    core.on('data.changed', ({ tables }) => {
      if (tables.includes('deliveries')) lookForStreak();
    }),
  ];
  core.engineStatus().then(noteStatus, (error: unknown) => logger.error('Could not read the engine status', { error: errorMessage(error) }));
  core.channels().then(
    (channels) => {
      for (const channel of channels) noteChannel(channel);
      tray.refresh();
    },
    (error: unknown) => logger.error('Could not read the channels', { error: errorMessage(error) }),
  );
  loginItems.apply();

  // Timers do not run while the machine sleeps: catch up (and re-check the channels) on wake.
  api.powerMonitor.on('resume', () => core.resumedFromSleep());
  // Linux and macOS shut down through here rather than a quit: close cleanly all the same.
  api.powerMonitor.on('shutdown', () => app.quit());
  app.on('second-instance', () => showWindow());
  // macOS: a click on the Dock icon.
  app.on('activate', () => showWindow());
  // The tray keeps the app alive: Electron's default (quit) would stop the sending.
  app.on('window-all-closed', () => undefined);

  const quit = installQuitSequence({
    app,
    core,
    logger,
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    onQuitting: () => {
      mainWindow.allowClose();
      mainWindow.hide();
      tray.setQuitting();
    },
    onClosed: () => {
      for (const stop of unsubscribe) stop();
      tray.destroy();
    },
  });

  if (!options.startHidden) showWindow();

  return {
    showWindow,
    sendToWindow: (channel, ...args) => mainWindow.send(channel, ...args),
    quit,
  };
}
