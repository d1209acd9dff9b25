/**
 * "Start at login": the app starts with the computer, hidden in the tray, so messages go out
 * without anyone opening it.
 *
 * The rule (`wantsOpenAtLogin`): the owner's explicit choice (tray menu) wins; until they make one,
 * it is on once a real channel — WhatsApp or an SMS gateway, not test mode — has been linked
 * (ready at least once, remembered in shell-settings.json; the shell re-applies the rule then). An app that cannot send anything yet has
 * no business starting with the computer; one that can should not stop sending because the owner
 * rebooted.
 *
 * Where the OS keeps it (`LoginItemPort`):
 * - Windows and macOS: Electron's `app.setLoginItemSettings` (with `--hidden` on Windows; macOS
 *   reports `wasOpenedAtLogin` instead);
 * - Linux, where Electron has no login items: an XDG autostart entry,
 *   `~/.config/autostart/sequence-automation.desktop`, pointing at the AppImage (`$APPIMAGE`, since
 *   the executable inside it lives on a temporary mount) or the installed executable;
 * - an unpackaged development run (`npm start`): nothing — it would register the bare Electron
 *   binary, which starts no app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ShellApp } from './electron-api';
import type { ShellSettings, ShellSettingsStore } from './shell-settings';

/** Passed by the login item so the app starts in the tray, without opening its window. */
export const HIDDEN_ARG = '--hidden';

export interface LoginItemPort {
  readonly supported: boolean;
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

export function wantsOpenAtLogin(settings: ShellSettings): boolean {
  return settings.openAtLogin ?? settings.linkedChannels.length > 0;
}

export const unsupportedLoginItem: LoginItemPort = {
  supported: false,
  isEnabled: () => false,
  setEnabled: () => undefined,
};

/** Windows and macOS. */
export function electronLoginItem(app: Pick<ShellApp, 'getLoginItemSettings' | 'setLoginItemSettings'>, platform: NodeJS.Platform): LoginItemPort {
  // Windows compares the registered command line, arguments included.
  const args = platform === 'win32' ? [HIDDEN_ARG] : [];
  return {
    supported: true,
    isEnabled: () => app.getLoginItemSettings({ args }).openAtLogin,
    setEnabled: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, args }),
  };
}

/** One argument of a desktop entry's Exec line: quoted, with the spec's two levels of escaping. */
function execArgument(argument: string): string {
  // Inside quotes ", `, $ and \ take a backslash; then the string-value rule doubles every backslash.
  const quoted = argument.replace(/["`$\\]/g, (char) => `\\${char}`).replace(/\\/g, '\\\\');
  // % starts a field code; a literal one is %%.
  return `"${quoted.replace(/%/g, '%%')}"`;
}

export function autostartEntry(executable: string, appName: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${appName}`,
    `Exec=${execArgument(executable)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Linux: an XDG autostart entry in `<configHome>/autostart/`. */
export function linuxAutostart(options: { configHome: string; executable: string; appName: string; fileName: string }): LoginItemPort {
  const file = path.join(options.configHome, 'autostart', options.fileName);
  const entry = autostartEntry(options.executable, options.appName);
  return {
    supported: true,
    // Ours and current: an entry left by an AppImage that has since moved counts as off (and is rewritten).
    isEnabled: () => {
      try {
        return fs.readFileSync(file, 'utf8') === entry;
      } catch {
        return false;
      }
    },
    setEnabled: (enabled) => {
      if (!enabled) {
        fs.rmSync(file, { force: true });
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, entry);
    },
  };
}

export interface LoginItemContext {
  isPackaged: boolean;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  execPath: string;
}

/** The port for this run (see the doc-block). */
export function loginItemFor(app: Pick<ShellApp, 'getLoginItemSettings' | 'setLoginItemSettings'>, context: LoginItemContext): LoginItemPort {
  if (!context.isPackaged) return unsupportedLoginItem;
  if (context.platform === 'linux') {
    return linuxAutostart({
      configHome: context.env['XDG_CONFIG_HOME'] || path.join(context.homeDir, '.config'),
      executable: context.env['APPIMAGE'] || context.execPath,
      appName: 'Sequence Automation',
      fileName: 'sequence-automation.desktop',
    });
  }
  if (context.platform === 'win32' || context.platform === 'darwin') return electronLoginItem(app, context.platform);
  return unsupportedLoginItem;
}

/** Keeps the OS's login item in line with the rule; the tray menu toggles it through here. */
export class LoginItemManager {
  constructor(
    private readonly port: LoginItemPort,
    private readonly settings: ShellSettingsStore,
    private readonly logger: Logger,
  ) {}

  get supported(): boolean {
    return this.port.supported;
  }

  /** What the rule says now (what the tray's checkbox shows). */
  get enabled(): boolean {
    return wantsOpenAtLogin(this.settings.get());
  }

  /** Makes the OS agree with the rule; at start-up and after every change. */
  apply(): void {
    if (!this.port.supported) return;
    const wanted = this.enabled;
    try {
      if (this.port.isEnabled() !== wanted) {
        this.port.setEnabled(wanted);
        this.logger.info(wanted ? 'The app now starts at login' : 'The app no longer starts at login');
      }
    } catch (error) {
      this.logger.error('Could not change whether the app starts at login', { wanted, error: errorMessage(error) });
    }
  }

  /** The owner's explicit choice, kept from now on. */
  setByOwner(enabled: boolean): void {
    this.settings.update({ openAtLogin: enabled });
    this.apply();
  }
}

/**
 * Whether this launch came from the login item, so the app stays in the tray: `--hidden` on the
 * command line (Windows, Linux), or macOS saying it opened the app at login.
 */
export function launchedAtLogin(argv: readonly string[], platform: NodeJS.Platform, wasOpenedAtLogin: () => boolean): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  return platform === 'darwin' && wasOpenedAtLogin();
}
