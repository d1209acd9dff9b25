/**
 * Test support: a fake of the Electron APIs the shell uses (`ElectronApi`) that behaves like
 * Electron where the shell depends on it — `app.quit()` emits before-quit and, unless that is
 * cancelled, closes every window (a window whose close is cancelled stops the quit) and then
 * quits; a window's close can be cancelled; notifications and tray menus can be clicked — and a
 * fake core (`ShellCore`) whose engine status, sends in flight and closing the test controls.
 * Not imported by app code.
 */
import type { BrowserWindowConstructorOptions, LoginItemSettingsOptions, Rectangle, Settings } from 'electron';
import type { ChannelStatusInfo, Delivery, EngineStatus } from '../../shared/domain';
import { EventBus } from '../core/events';
import type { Logger } from '../core/logger';
import type { ShellCore } from './desktop-shell';
import type {
  Cancellable,
  ElectronApi,
  ShellApp,
  ShellDisplay,
  ShellImage,
  ShellMenuItem,
  ShellNotification,
  ShellNotificationOptions,
  ShellPowerMonitor,
  ShellTray,
  ShellWindow,
} from './electron-api';
import type { LoginItemPort } from './login-item';
import type { QuitTimers } from './quit-sequence';

type Listener = (...args: never[]) => void;

class Emitter {
  private readonly listeners = new Map<string, Array<{ listener: Listener; once: boolean }>>();

  on(event: string, listener: Listener): this {
    this.add(event, listener, false);
    return this;
  }

  once(event: string, listener: Listener): this {
    this.add(event, listener, true);
    return this;
  }

  emit(event: string, ...args: unknown[]): void {
    const entries = this.listeners.get(event) ?? [];
    this.listeners.set(
      event,
      entries.filter((entry) => !entry.once),
    );
    for (const { listener } of entries) (listener as (...args: unknown[]) => void)(...args);
  }

  listenerCount(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }

  private add(event: string, listener: Listener, once: boolean): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), { listener, once }]);
  }
}

export class FakeEvent implements Cancellable {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export interface FakeImage extends ShellImage {
  readonly path: string;
}

export class FakeWindow extends Emitter implements ShellWindow {
  visible = false;
  destroyed = false;
  minimized = false;
  maximized = false;
  focusCount = 0;
  bounds: Rectangle;
  readonly loads: Array<{ file: string; hash: string | undefined }> = [];
  readonly sent: unknown[][] = [];
  readonly webContents = { send: (channel: string, ...args: unknown[]) => void this.sent.push([channel, ...args]) };

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.bounds = { x: options.x ?? 100, y: options.y ?? 100, width: options.width ?? 800, height: options.height ?? 600 };
  }

  loadFile(file: string, options?: { hash?: string }): Promise<void> {
    this.loads.push({ file, hash: options?.hash });
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focusCount += 1;
  }
  restore(): void {
    this.minimized = false;
  }
  maximize(): void {
    this.maximized = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
  getNormalBounds(): Rectangle {
    return { ...this.bounds };
  }

  /** The page finished loading: Electron's 'ready-to-show'. */
  readyToShow(): void {
    this.emit('ready-to-show');
  }

  /** The user (or the app quitting) closes the window. Returns whether it really closed. */
  close(): boolean {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }

  /** The user drags the window somewhere and lets go. */
  moveTo(bounds: Rectangle): void {
    this.bounds = { ...bounds };
    this.emit('moved');
  }
}

export class FakeTray extends Emitter implements ShellTray<FakeImage> {
  image: FakeImage;
  toolTip = '';
  menu: ShellMenuItem[] = [];
  destroyed = false;

  constructor(image: FakeImage) {
    super();
    this.image = image;
  }
  setImage(image: FakeImage): void {
    this.image = image;
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setContextMenu(menu: object | null): void {
    this.menu = menu === null ? [] : (menu as { template: ShellMenuItem[] }).template;
  }
  destroy(): void {
    this.destroyed = true;
  }

  item(id: string): ShellMenuItem {
    const found = this.menu.find((entry) => entry.id === id);
    if (found === undefined) throw new Error(`No tray menu item "${id}" in: ${this.menu.map((entry) => entry.id ?? entry.type).join(', ')}`);
    return found;
  }

  has(id: string): boolean {
    return this.menu.some((entry) => entry.id === id);
  }

  /** Clicks a menu item, as the user would. */
  choose(id: string): void {
    const { click } = this.item(id);
    if (click === undefined) throw new Error(`Tray menu item "${id}" cannot be clicked`);
    click();
  }

  /** The image's state name, e.g. "paused". */
  get state(): string {
    return this.image.path.replace(/^.*[/\\]/, '').replace(/\.png$/, '');
  }
}

export class FakeNotification extends Emitter implements ShellNotification {
  shown = false;
  constructor(readonly options: ShellNotificationOptions<FakeImage>) {
    super();
  }
  show(): void {
    this.shown = true;
  }
  click(): void {
    this.emit('click');
  }
}

export class FakeApp extends Emitter implements ShellApp {
  isPackaged = true;
  lockGranted = true;
  quitCalls = 0;
  /** Set once a quit went all the way through (will-quit emitted). */
  exited = false;
  loginItem = { openAtLogin: false, wasOpenedAtLogin: false };
  readonly loginItemCalls: Settings[] = [];

  constructor(private readonly windows: () => FakeWindow[]) {
    super();
  }

  requestSingleInstanceLock(): boolean {
    return this.lockGranted;
  }
  quit(): void {
    this.quitCalls += 1;
    const beforeQuit = new FakeEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    for (const window of this.windows().filter((each) => !each.destroyed)) {
      // Electron: a window that refuses to close cancels the quit.
      if (!window.close()) return;
    }
    this.emit('will-quit', new FakeEvent());
    this.exited = true;
  }
  exit(): void {
    this.exited = true;
  }
  getAppPath(): string {
    return '/app';
  }
  getLoginItemSettings(_options?: LoginItemSettingsOptions): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { ...this.loginItem };
  }
  setLoginItemSettings(settings: Settings): void {
    this.loginItemCalls.push(settings);
    this.loginItem.openAtLogin = settings.openAtLogin ?? false;
  }
}

export class FakeElectron implements ElectronApi<FakeImage> {
  readonly windows: FakeWindow[] = [];
  readonly trays: FakeTray[] = [];
  readonly notifications: FakeNotification[] = [];
  readonly app = new FakeApp(() => this.windows);
  readonly powerMonitor: ShellPowerMonitor & Emitter = new Emitter();
  notificationsAvailable = true;
  screens: ShellDisplay[] = [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }];

  createWindow(options: BrowserWindowConstructorOptions): FakeWindow {
    const window = new FakeWindow(options);
    this.windows.push(window);
    return window;
  }
  createTray(image: FakeImage): FakeTray {
    const tray = new FakeTray(image);
    this.trays.push(tray);
    return tray;
  }
  buildMenu(template: ShellMenuItem[]): { template: ShellMenuItem[] } {
    return { template };
  }
  notificationsSupported(): boolean {
    return this.notificationsAvailable;
  }
  createNotification(options: ShellNotificationOptions<FakeImage>): FakeNotification {
    const notification = new FakeNotification(options);
    this.notifications.push(notification);
    return notification;
  }
  imageFromPath(file: string): FakeImage {
    return { path: file, isEmpty: () => false };
  }
  displays(): ShellDisplay[] {
    return this.screens;
  }

  /** The one tray (the shell makes exactly one). */
  get tray(): FakeTray {
    const [tray, ...others] = this.trays;
    if (tray === undefined || others.length > 0) throw new Error(`Expected one tray, found ${this.trays.length}`);
    return tray;
  }

  /** The window currently open (not destroyed), if any. */
  get window(): FakeWindow | undefined {
    return this.windows.filter((window) => !window.destroyed).at(-1);
  }

  /** The notifications shown, by title. */
  get notificationTitles(): string[] {
    return this.notifications.filter((each) => each.shown).map((each) => each.options.title);
  }
}

/** A promise the test settles when it decides. */
export class Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve: (value: T) => void = () => undefined;
  reject: (error: unknown) => void = () => undefined;
  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export function engineStatus(overrides: Partial<EngineStatus> = {}): EngineStatus {
  return {
    state: 'idle',
    detail: 'Nothing is scheduled.',
    pausedByOwner: false,
    nextSendAt: null,
    dueNow: 0,
    sentToday: 0,
    dailyCap: null,
    unknownDeliveries: 0,
    channels: [{ channel: 'test', state: 'ready', reason: null }],
    ...overrides,
  };
}

export function delivery(id: number, status: Delivery['status'], updatedAt: number, error: string | null = null): Delivery {
  return {
    id,
    subscriptionId: id,
    sequenceId: 1,
    sequenceName: 'Welcome',
    messageId: 1,
    messageName: 'Hello',
    contactName: 'Ana',
    phone: '+15550000000',
    channel: 'sms',
    status,
    receipt: null,
    receiptAt: null,
    attempts: 1,
    dueAt: updatedAt,
    sentAt: status === 'sent' ? updatedAt : null,
    nextAttemptAt: null,
    renderedText: 'Hello Ana',
    error,
    providerMessageId: null,
    updatedAt,
  };
}

/** The core as the shell sees it, driven by the test. */
export class FakeCore implements ShellCore {
  readonly events = new EventBus();
  status = engineStatus();
  channelList: ChannelStatusInfo[] = [{ channel: 'test', state: 'ready', reason: null }];
  recent: Delivery[] = [];
  readonly calls: string[] = [];
  settling = new Deferred();
  readonly closing = new Deferred();
  closeCount = 0;

  engineStatus(): Promise<EngineStatus> {
    return Promise.resolve(this.status);
  }
  pauseAll(): Promise<EngineStatus> {
    this.calls.push('pauseAll');
    this.status = { ...this.status, pausedByOwner: true, state: 'paused', detail: 'Sending is paused.' };
    return Promise.resolve(this.status);
  }
  resumeAll(): Promise<EngineStatus> {
    this.calls.push('resumeAll');
    this.status = { ...this.status, pausedByOwner: false, state: 'idle', detail: 'Nothing is scheduled.' };
    return Promise.resolve(this.status);
  }
  channels(): Promise<ChannelStatusInfo[]> {
    return Promise.resolve(this.channelList);
  }
  recentDeliveries(limit: number): Promise<Delivery[]> {
    this.calls.push('recentDeliveries');
    return Promise.resolve(this.recent.slice(0, limit));
  }
  on: ShellCore['on'] = (event, listener) => this.events.on(event, listener);
  resumedFromSleep(): void {
    this.calls.push('resumedFromSleep');
  }
  settleSends(): Promise<void> {
    this.calls.push('settleSends');
    return this.settling.promise;
  }
  close(): void {
    this.calls.push('close');
    this.closeCount += 1;
  }
  get closed(): Promise<void> {
    return this.closing.promise;
  }

  /** The engine announces a new status. */
  announce(overrides: Partial<EngineStatus>): void {
    this.status = { ...this.status, ...overrides };
    this.events.emit('engine.status', this.status);
  }
}

/** setTimeout/clearTimeout that fire only when the test says. */
export class ManualQuitTimers implements QuitTimers {
  private readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.next++;
    this.pending.set(handle, { callback, ms });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }
  /** Time limits currently armed, in ms. */
  get armed(): number[] {
    return [...this.pending.values()].map((timer) => timer.ms);
  }
  /** Fires every armed timer of `ms`. */
  fire(ms: number): void {
    for (const [handle, timer] of [...this.pending]) {
      if (timer.ms !== ms) continue;
      this.pending.delete(handle);
      timer.callback();
    }
  }
}

export class FakeLoginItem implements LoginItemPort {
  enabled = false;
  readonly changes: boolean[] = [];
  constructor(readonly supported = true) {}
  isEnabled(): boolean {
    return this.enabled;
  }
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.changes.push(enabled);
  }
}

export interface RecordingLogger extends Logger {
  readonly lines: Array<{ level: 'info' | 'warn' | 'error'; message: string }>;
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  return {
    lines,
    info: (message) => void lines.push({ level: 'info', message }),
    warn: (message) => void lines.push({ level: 'warn', message }),
    error: (message) => void lines.push({ level: 'error', message }),
  };
}

/** Lets pending promise callbacks run (the shell's reactions to the core's answers). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
