/**
 * The slice of Electron the desktop shell uses, as small interfaces. `main.ts` fills `ElectronApi`
 * with the real modules (the compiler checks that they fit); the shell's tests fill it with a fake
 * (shell-test-support.ts), so the wiring — tray, close-to-tray, notifications, login item, quit —
 * is tested without an Electron binary. Only types are imported from 'electron' here.
 */
import type { BrowserWindowConstructorOptions, LoginItemSettings, LoginItemSettingsOptions, Rectangle, Settings } from 'electron';

/** Anything whose default action can be cancelled (Electron's `Event`). */
export interface Cancellable {
  preventDefault(): void;
}

export interface ShellApp {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: (event: Cancellable, argv: string[]) => void): unknown;
  on(event: 'before-quit', listener: (event: Cancellable) => void): unknown;
  on(event: 'will-quit', listener: (event: Cancellable) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'activate', listener: (event: Cancellable, hasVisibleWindows: boolean) => void): unknown;
  quit(): void;
  exit(exitCode?: number): void;
  getAppPath(): string;
  getLoginItemSettings(options?: LoginItemSettingsOptions): Pick<LoginItemSettings, 'openAtLogin' | 'wasOpenedAtLogin'>;
  setLoginItemSettings(settings: Settings): void;
}

/** An image handed to the tray or a window (Electron's `NativeImage`). */
export interface ShellImage {
  isEmpty(): boolean;
}

export interface ShellWebContents {
  send(channel: string, ...args: unknown[]): void;
}

export interface ShellWindow {
  readonly webContents: ShellWebContents;
  loadFile(filePath: string, options?: { hash?: string }): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  maximize(): void;
  isMinimized(): boolean;
  isMaximized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
  destroy(): void;
  getNormalBounds(): Rectangle;
  on(event: 'close', listener: (event: Cancellable) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'resized', listener: () => void): unknown;
  on(event: 'moved', listener: () => void): unknown;
  /** Windows only: the user is logging off or the machine shuts down, without before-quit. */
  on(event: 'session-end', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

/** A tray menu entry; every field is one Electron's MenuItemConstructorOptions has. */
export interface ShellMenuItem {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

/** A built menu (Electron's `Menu`); the shell only hands it to the tray. */
export type ShellMenu = object;

export interface ShellTray<Image extends ShellImage = ShellImage> {
  setImage(image: Image): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: ShellMenu | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface ShellNotificationOptions<Image extends ShellImage = ShellImage> {
  title: string;
  body: string;
  icon?: Image;
}

export interface ShellNotification {
  on(event: 'click', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  show(): void;
}

export interface ShellPowerMonitor {
  on(event: 'resume', listener: () => void): unknown;
  /** Linux and macOS: the machine is about to shut down or reboot. */
  on(event: 'shutdown', listener: () => void): unknown;
}

export interface ShellDisplay {
  /** The part of the screen windows may use (without task bar, dock, menu bar). */
  workArea: Rectangle;
}

/**
 * `Image` is Electron's NativeImage in main.ts; the shell only passes images from `imageFromPath`
 * on to `createTray`/`createNotification`, so it works with any `ShellImage`.
 */
export interface ElectronApi<Image extends ShellImage = ShellImage> {
  app: ShellApp;
  powerMonitor: ShellPowerMonitor;
  /** `new BrowserWindow(options)`. Only shell/window-options.ts calls it (`createSecureWindow`). */
  createWindow(options: BrowserWindowConstructorOptions): ShellWindow;
  createTray(image: Image): ShellTray<Image>;
  buildMenu(template: ShellMenuItem[]): ShellMenu;
  /** `Notification.isSupported()`. */
  notificationsSupported(): boolean;
  createNotification(options: ShellNotificationOptions<Image>): ShellNotification;
  imageFromPath(file: string): Image;
  /** `screen.getAllDisplays()`; only after the app is ready. */
  displays(): ShellDisplay[];
}
