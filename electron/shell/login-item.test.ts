import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { HIDDEN_ARG, LoginItemManager, autostartEntry, launchedAtLogin, loginItemFor, wantsOpenAtLogin } from './login-item';
import { ShellSettingsStore } from './shell-settings';
import { FakeApp, FakeLoginItem } from './shell-test-support';

describe('wantsOpenAtLogin', () => {
  it('follows the owner’s choice, else whether a channel was ever linked', () => {
    expect(wantsOpenAtLogin({ openAtLogin: null, linkedChannels: [], trayHintShown: false })).toBe(false);
    expect(wantsOpenAtLogin({ openAtLogin: null, linkedChannels: ['whatsapp'], trayHintShown: false })).toBe(true);
    expect(wantsOpenAtLogin({ openAtLogin: false, linkedChannels: ['sms'], trayHintShown: false })).toBe(false);
    expect(wantsOpenAtLogin({ openAtLogin: true, linkedChannels: [], trayHintShown: false })).toBe(true);
  });
});

describe('LoginItemManager', () => {
  let temp: TempDir;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('changes the OS’s login item only when it disagrees with the rule', () => {
    const port = new FakeLoginItem();
    const settings = new ShellSettingsStore(temp.dir, silentLogger);
    const manager = new LoginItemManager(port, settings, silentLogger);
    manager.apply();
    expect(port.changes).toEqual([]);
    settings.noteChannel({ channel: 'sms', state: 'ready', reason: null });
    manager.apply();
    manager.apply();
    expect(port.changes).toEqual([true]);
    port.enabled = false; // removed behind the app's back
    manager.apply();
    expect(port.changes).toEqual([true, true]);
  });

  it('keeps going when the OS refuses, and says so in the log', () => {
    const port = new FakeLoginItem();
    port.setEnabled = () => {
      throw new Error('Access denied');
    };
    const errors: string[] = [];
    const logger = { ...silentLogger, error: (message: string) => void errors.push(message) };
    const manager = new LoginItemManager(port, new ShellSettingsStore(temp.dir, silentLogger), logger);
    manager.setByOwner(true);
    expect(manager.enabled).toBe(true);
    expect(errors).toEqual(['Could not change whether the app starts at login']);
  });
});

describe('loginItemFor', () => {
  let temp: TempDir;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  const context = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}, isPackaged = true) => ({
    isPackaged,
    platform,
    env,
    homeDir: temp.dir,
    execPath: '/opt/Sequence Automation/sequence-automation',
  });

  it('registers nothing for a development run, which would start a bare Electron', () => {
    const app = new FakeApp(() => []);
    const port = loginItemFor(app, context('win32', {}, false));
    expect(port.supported).toBe(false);
    port.setEnabled(true);
    expect(app.loginItemCalls).toEqual([]);
  });

  it('uses Electron’s login item on Windows, starting hidden', () => {
    const app = new FakeApp(() => []);
    const port = loginItemFor(app, context('win32'));
    port.setEnabled(true);
    expect(app.loginItemCalls).toEqual([{ openAtLogin: true, args: [HIDDEN_ARG] }]);
    expect(port.isEnabled()).toBe(true);
  });

  it('uses Electron’s login item on macOS', () => {
    const app = new FakeApp(() => []);
    loginItemFor(app, context('darwin')).setEnabled(false);
    expect(app.loginItemCalls).toEqual([{ openAtLogin: false, args: [] }]);
  });

  it('writes an XDG autostart entry on Linux, for the AppImage where there is one', () => {
    const port = loginItemFor(new FakeApp(() => []), context('linux', { APPIMAGE: '/home/ana/Apps/Sequence Automation.AppImage' }));
    const file = path.join(temp.dir, '.config', 'autostart', 'sequence-automation.desktop');
    expect(port.isEnabled()).toBe(false);
    port.setEnabled(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Sequence Automation',
        'Exec="/home/ana/Apps/Sequence Automation.AppImage" --hidden',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
    expect(port.isEnabled()).toBe(true);
    port.setEnabled(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(port.isEnabled()).toBe(false);
  });

  it('honours XDG_CONFIG_HOME, and counts an entry for a moved AppImage as off', () => {
    const configHome = path.join(temp.dir, 'cfg');
    loginItemFor(new FakeApp(() => []), context('linux', { XDG_CONFIG_HOME: configHome, APPIMAGE: '/old/place.AppImage' })).setEnabled(true);
    expect(fs.existsSync(path.join(configHome, 'autostart', 'sequence-automation.desktop'))).toBe(true);
    expect(loginItemFor(new FakeApp(() => []), context('linux', { XDG_CONFIG_HOME: configHome, APPIMAGE: '/new/place.AppImage' })).isEnabled()).toBe(false);
  });
});

describe('autostartEntry', () => {
  it('escapes the executable as the desktop entry spec says', () => {
    expect(autostartEntry('/a "b" $c `d` \\e 100%', 'X')).toContain('Exec="/a \\\\"b\\\\" \\\\$c \\\\`d\\\\` \\\\\\\\e 100%%" --hidden');
  });
});

describe('launchedAtLogin', () => {
  it('knows the login item’s launch by its argument, or by macOS saying so', () => {
    expect(launchedAtLogin(['/opt/app', HIDDEN_ARG], 'win32', () => false)).toBe(true);
    expect(launchedAtLogin(['/opt/app'], 'linux', () => true)).toBe(false);
    expect(launchedAtLogin(['/Applications/App'], 'darwin', () => true)).toBe(true);
    expect(launchedAtLogin(['/Applications/App'], 'darwin', () => false)).toBe(false);
  });
});
