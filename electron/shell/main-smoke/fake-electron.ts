/**
 * Test support for main-wiring.test.ts: an 'electron' module for plain Node, bundled into
 * `<temp>/node_modules/electron/index.js` so the bundled main.js loads it instead of Electron.
 * Once main.ts has started, it plays the owner — looks at the window and the tray, calls the API
 * the way the page would (over the IPC handler, as a trusted frame), pauses sending from the tray
 * menu, and quits from it — and reports each step as a JSON line on stdout.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import type { ShellMenuItem } from '../electron-api';

function report(step: string, data: unknown = null): void {
  process.stdout.write(`${JSON.stringify({ step, data })}\n`);
}

class Cancellable {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const windows: BrowserWindow[] = [];
const trays: Tray[] = [];
const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();

class FakeApp extends EventEmitter {
  readonly isPackaged = false;
  whenReady(): Promise<void> {
    setImmediate(() => {
      // main.ts's start() has run once whenReady's callbacks did.
      setImmediate(() => void scenario().catch((error: unknown) => report('scenario-failed', String(error))));
    });
    return Promise.resolve();
  }
  requestSingleInstanceLock(): boolean {
    return true;
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
    return env('FAKE_USER_DATA');
  }
  getAppPath(): string {
    return env('FAKE_APP_PATH');
  }
  getVersion(): string {
    return '0.0.0-smoke';
  }
  setAppUserModelId(): void {}
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: false, wasOpenedAtLogin: false };
  }
  setLoginItemSettings(): void {
    report('login-item-set');
  }
  quit(): void {
    const event = new Cancellable();
    this.emit('before-quit', event);
    if (event.defaultPrevented) {
      report('quit-held');
      return;
    }
    for (const window of windows.filter((each) => !each.destroyed)) {
      if (!window.close()) return;
    }
    this.emit('will-quit', new Cancellable());
    report('quit-complete');
    process.exit(0);
  }
  exit(code = 0): void {
    report('exit', code);
    process.exit(code);
  }
}

export const app = new FakeApp();

export class BrowserWindow extends EventEmitter {
  destroyed = false;
  readonly webContents = { send: (channel: string, name: unknown) => report('pushed', { channel, name }) };
  constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
    super();
    windows.push(this);
    report('window-created', options.webPreferences ?? null);
    setImmediate(() => this.emit('ready-to-show'));
  }
  loadFile(file: string, options?: { hash?: string }): Promise<void> {
    report('window-load', { file, hash: options?.hash ?? null });
    return Promise.resolve();
  }
  show(): void {
    report('window-shown');
  }
  hide(): void {}
  focus(): void {}
  restore(): void {}
  maximize(): void {}
  isMinimized(): boolean {
    return false;
  }
  isMaximized(): boolean {
    return false;
  }
  isVisible(): boolean {
    return true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('closed');
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 10, y: 10, width: 1200, height: 800 };
  }
  close(): boolean {
    const event = new Cancellable();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroy();
    return true;
  }
}

export class Tray extends EventEmitter {
  menu: ShellMenuItem[] = [];
  constructor(public image: { path: string }) {
    super();
    trays.push(this);
  }
  setImage(image: { path: string }): void {
    this.image = image;
  }
  setToolTip(): void {}
  setContextMenu(menu: { template: ShellMenuItem[] } | null): void {
    this.menu = menu?.template ?? [];
  }
  destroy(): void {
    report('tray-destroyed');
  }
}

export const Menu = { buildFromTemplate: (template: ShellMenuItem[]) => ({ template }) };
export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title: string }) {
    super();
  }
  show(): void {
    report('notification', this.options.title);
  }
}
export const nativeImage = { createFromPath: (path: string) => ({ path, isEmpty: () => false }) };
export const powerMonitor = new EventEmitter();
export const shell = {
  openPath(folder: string): Promise<string> {
    report('open-path', folder);
    return Promise.resolve('');
  },
};
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const safeStorage = {
  isEncryptionAvailable: () => false,
  encryptString: (): Buffer => {
    throw new Error('no keyring in the smoke test');
  },
  decryptString: (): string => {
    throw new Error('no keyring in the smoke test');
  },
};
export const dialog = { showErrorBox: (title: string, content: string) => report('error-box', { title, content }) };
export const ipcMain = {
  handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => void handlers.set(channel, handler),
  removeHandler: (channel: string) => void handlers.delete(channel),
};
const sessionEvents: string[] = [];
export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: () => void sessionEvents.push('csp') },
    setPermissionRequestHandler: () => void sessionEvents.push('permission-request'),
    setPermissionCheckHandler: () => void sessionEvents.push('permission-check'),
  },
};

/** Calls the API as the app's own page would, over the IPC handler main.ts registered. */
async function callApi(method: string, input: unknown, frameUrl: string): Promise<unknown> {
  const handler = handlers.get('api:call');
  if (handler === undefined) throw new Error('no IPC handler registered');
  return handler({ senderFrame: { url: frameUrl, parent: null } }, method, input);
}

function clickTray(id: string): void {
  const item = trays[0]?.menu.find((entry) => entry.id === id);
  if (item?.click === undefined) throw new Error(`no tray item ${id}`);
  item.click();
}

async function scenario(): Promise<void> {
  report('session', sessionEvents);
  report('sqlite-binding', process.env['SEQUENCE_AUTOMATION_SQLITE_BINDING'] ?? null);
  report('tray', { image: trays[0]?.image.path ?? null, menu: trays[0]?.menu.map((entry) => entry.label ?? entry.type) ?? [] });
  const ownPage = pathToFileURL(env('FAKE_RENDERER_INDEX')).href;
  report('api-from-own-page', await callApi('app.info', {}, ownPage));
  report('api-from-foreign-page', await callApi('app.info', {}, 'https://example.com/'));
  clickTray('pause');
  report('status-after-pause', await callApi('engine.status', {}, ownPage));
  windows[0]?.close();
  clickTray('quit');
}
