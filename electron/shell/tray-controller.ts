/**
 * The tray icon and its menu. The image and tooltip follow the engine's state (tray-status.ts);
 * the menu is rebuilt on every change (Linux's tray only picks up a menu set anew):
 *
 *   Open Sequence Automation
 *   ─────
 *   Next send 14:05 · 12 sent today      (status, not clickable)
 *   <what the engine says, when it matters>
 *   Review 2 messages…                   (only while some have an unknown outcome)
 *   ─────
 *   Pause sending / Resume sending
 *   ☑ Start at login                     (where the OS has login items)
 *   ─────
 *   Quit Sequence Automation
 *
 * A click on the icon opens the window (Windows, Linux; macOS shows the menu).
 */
import path from 'node:path';
import type { EngineStatus } from '../../shared/domain';
import type { ElectronApi, ShellImage, ShellMenuItem, ShellTray } from './electron-api';
import { describeTray, type TrayState, type TrayStatus } from './tray-status';

export interface TrayActions {
  open(): void;
  pause(): void;
  resume(): void;
  reviewUnknown(): void;
  /** Turns start-at-login off if it is on, on if it is off (as it is now, not when the menu was built). */
  toggleOpenAtLogin(): void;
  quit(): void;
}

export interface TrayMenuView {
  status: TrayStatus;
  loginItem: { supported: boolean; enabled: boolean };
  quitting: boolean;
}

export function trayMenu(view: TrayMenuView, actions: TrayActions): ShellMenuItem[] {
  const { status, loginItem } = view;
  if (view.quitting) return [{ id: 'quitting', label: 'Quitting… finishing the message being sent', enabled: false }];
  const items: ShellMenuItem[] = [
    { id: 'open', label: 'Open Sequence Automation', click: actions.open },
    { type: 'separator' },
    { id: 'status', label: status.statusLine, enabled: false },
  ];
  if (status.state !== 'sending' && status.detail !== '') items.push({ id: 'detail', label: status.detail, enabled: false });
  if (status.unknownDeliveries > 0) {
    const what = status.unknownDeliveries === 1 ? '1 message' : `${status.unknownDeliveries} messages`;
    items.push({ id: 'review-unknown', label: `Review ${what} with an unknown outcome…`, click: actions.reviewUnknown });
  }
  items.push({ type: 'separator' });
  items.push(
    status.paused
      ? { id: 'resume', label: 'Resume sending', click: actions.resume }
      : { id: 'pause', label: 'Pause sending', click: actions.pause },
  );
  if (loginItem.supported) {
    items.push({
      id: 'open-at-login',
      label: 'Start at login',
      type: 'checkbox',
      checked: loginItem.enabled,
      click: actions.toggleOpenAtLogin,
    });
  }
  items.push({ type: 'separator' }, { id: 'quit', label: 'Quit Sequence Automation', click: actions.quit });
  return items;
}

export interface TrayControllerOptions {
  api: Pick<ElectronApi, 'createTray' | 'buildMenu' | 'imageFromPath'>;
  /** Folder of the tray images, `<state>.png` (+ scale variants). */
  imagesDir: string;
  actions: TrayActions;
  loginItem: { readonly supported: boolean; readonly enabled: boolean };
  isLinked: (channel: string) => boolean;
  now: () => number;
  timeZone?: string;
  locale?: string;
}

export class TrayController {
  private readonly tray: ShellTray;
  private readonly images = new Map<TrayState, ShellImage>();
  private status: EngineStatus | null = null;
  private failing = false;
  private quitting = false;
  private shownState: TrayState | null = null;

  constructor(private readonly options: TrayControllerOptions) {
    this.tray = options.api.createTray(this.image('sending'));
    this.shownState = 'sending';
    this.tray.on('click', () => options.actions.open());
    this.render();
  }

  update(status: EngineStatus | null, failing: boolean): void {
    this.status = status;
    this.failing = failing;
    this.render();
  }

  /** The app is quitting: say so, and offer nothing more. */
  setQuitting(): void {
    this.quitting = true;
    this.tray.setToolTip('Sequence Automation: quitting…');
    this.render();
  }

  /** Re-renders the menu (after a change outside the engine status, e.g. the login item). */
  refresh(): void {
    this.render();
  }

  destroy(): void {
    this.tray.destroy();
  }

  private image(state: TrayState): ShellImage {
    let image = this.images.get(state);
    if (image === undefined) {
      image = this.options.api.imageFromPath(path.join(this.options.imagesDir, `${state}.png`));
      this.images.set(state, image);
    }
    return image;
  }

  private render(): void {
    const { options } = this;
    const status = describeTray(this.status, {
      now: options.now(),
      failing: this.failing,
      isLinked: options.isLinked,
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      ...(options.locale === undefined ? {} : { locale: options.locale }),
    });
    if (status.state !== this.shownState) {
      this.tray.setImage(this.image(status.state));
      this.shownState = status.state;
    }
    if (!this.quitting) this.tray.setToolTip(status.tooltip);
    const loginItem = { supported: options.loginItem.supported, enabled: options.loginItem.enabled };
    this.tray.setContextMenu(options.api.buildMenu(trayMenu({ status, loginItem, quitting: this.quitting }, options.actions)));
  }
}
