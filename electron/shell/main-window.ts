/**
 * The app's one window. It is opened on demand (a tray click, a notification, a second launch; not
 * at all when the app started hidden at login), where the owner left it (window-state.ts), and
 * always through `createSecureWindow`.
 *
 * Closing it does not quit: the window hides and the app keeps sending from the tray
 * (`onHiddenToTray` lets the shell say so, once). Only once quitting has begun (`allowClose`) does
 * a close really close it. `show(route)` opens a page by loading index.html with that hash: a new
 * window starts on it, an open one navigates within the same document (no reload).
 */
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ElectronApi, ShellWindow } from './electron-api';
import { hashOption, type ShellRoute } from './routes';
import { createSecureWindow, mainWindowOptions } from './window-options';
import { placeWindow, type WindowStateStore } from './window-state';

export interface MainWindowOptions {
  api: Pick<ElectronApi, 'createWindow' | 'displays'>;
  preload: string;
  rendererIndex: string;
  iconPath?: string;
  windowState: WindowStateStore;
  logger: Logger;
  /** The window was closed and the app stays in the tray. */
  onHiddenToTray: () => void;
  /** Windows is logging off or shutting down (no before-quit follows). */
  onSessionEnd: () => void;
}

export class MainWindow {
  private window: ShellWindow | null = null;
  private closing = false;

  constructor(private readonly options: MainWindowOptions) {}

  /** The open window, or null when there is none (never opened, or closed for good). */
  get current(): ShellWindow | null {
    return this.window !== null && !this.window.isDestroyed() ? this.window : null;
  }

  show(route?: ShellRoute): void {
    const existing = this.current;
    if (existing === null) {
      this.window = this.open(route);
      return;
    }
    if (route !== undefined) this.load(existing, route);
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
  }

  hide(): void {
    this.current?.hide();
  }

  /** From now on closing the window closes it (the app is quitting). */
  allowClose(): void {
    this.closing = true;
  }

  /** Sends one IPC message to the page, if a window is open. */
  send(channel: string, ...args: unknown[]): void {
    this.current?.webContents.send(channel, ...args);
  }

  private open(route: ShellRoute | undefined): ShellWindow {
    const { api, windowState, logger } = this.options;
    const placement = placeWindow(windowState.load(), api.displays());
    const window = createSecureWindow(api, this.options.preload, mainWindowOptions(placement, this.options.iconPath));
    const remember = (): void => {
      if (!window.isDestroyed()) windowState.save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    };
    window.once('ready-to-show', () => {
      if (placement.maximized) window.maximize();
      window.show();
      window.focus();
    });
    window.on('resized', remember);
    window.on('moved', remember);
    window.on('close', (event) => {
      remember();
      if (this.closing) return;
      event.preventDefault();
      window.hide();
      this.options.onHiddenToTray();
    });
    window.on('session-end', () => this.options.onSessionEnd());
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    this.load(window, route);
    logger.info('Window opened');
    return window;
  }

  private load(window: ShellWindow, route: ShellRoute | undefined): void {
    const options = route === undefined ? undefined : { hash: hashOption(route) };
    window.loadFile(this.options.rendererIndex, options).catch((error: unknown) => {
      this.options.logger.error('Could not load the app window', { route, error: errorMessage(error) });
    });
  }
}
