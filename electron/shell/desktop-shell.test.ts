/**
 * The desktop shell's wiring, through the fake Electron API and a fake core: what the owner sees
 * and does — the window, closing to the tray, the tray's icon and menu, notifications and where
 * their click leads, start at login, a second launch, sleep, and quitting cleanly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { TRAY_HINT, startDesktopShell, type DesktopShell, type DesktopShellOptions } from './desktop-shell';
import { SHELL_SETTINGS_FILE_NAME } from './shell-settings';
import {
  FakeCore,
  FakeElectron,
  FakeLoginItem,
  ManualQuitTimers,
  delivery,
  recordingLogger,
  settle,
  type RecordingLogger,
} from './shell-test-support';
import { lockedDownWebPreferences } from './window-options';

const PRELOAD = '/app/dist-electron/preload.js';
const INDEX = '/app/dist/renderer/index.html';
const STARTED_AT = Date.UTC(2026, 10, 20, 9, 0);

describe('startDesktopShell', () => {
  let temp: TempDir;
  let electron: FakeElectron;
  let core: FakeCore;
  let loginItem: FakeLoginItem;
  let timers: ManualQuitTimers;
  let logger: RecordingLogger;

  beforeEach(() => {
    temp = makeTempDir();
    electron = new FakeElectron();
    core = new FakeCore();
    loginItem = new FakeLoginItem();
    timers = new ManualQuitTimers();
    logger = recordingLogger();
  });
  afterEach(() => temp.cleanup());

  const start = async (overrides: Partial<DesktopShellOptions> = {}): Promise<DesktopShell> => {
    const shell = startDesktopShell({
      api: electron,
      core,
      paths: { preload: PRELOAD, rendererIndex: INDEX, resourcesDir: '/app/resources', userData: temp.dir },
      loginItem,
      startHidden: false,
      logger,
      now: () => STARTED_AT,
      timers,
      limits: { settleMs: 15_000, closeMs: 5_000 },
      timeZone: 'UTC',
      locale: 'en-GB',
      ...overrides,
    });
    // The first engine status and channel list are asked for at start.
    await settle();
    return shell;
  };

  /** The window, open and shown (its page is ready). */
  const openWindow = () => {
    const window = electron.window;
    if (window === undefined) throw new Error('no window is open');
    window.readyToShow();
    return window;
  };

  describe('the window', () => {
    it('opens on the app’s page, locked down, and shows once the page is ready', async () => {
      await start();
      expect(electron.windows).toHaveLength(1);
      const window = electron.windows[0];
      expect(window?.options.webPreferences).toEqual(lockedDownWebPreferences(PRELOAD));
      expect(window?.loads).toEqual([{ file: INDEX, hash: undefined }]);
      expect(window?.visible).toBe(false);
      window?.readyToShow();
      expect(window?.visible).toBe(true);
    });

    it('stays in the tray without a window when started at login', async () => {
      await start({ startHidden: true });
      expect(electron.windows).toHaveLength(0);
      expect(electron.tray.state).toBe('sending');
      electron.tray.choose('open');
      expect(electron.windows).toHaveLength(1);
    });

    it('opens where it was left, and on the screen when that place is gone', async () => {
      await start();
      const window = openWindow();
      window.moveTo({ x: 300, y: 200, width: 1000, height: 700 });
      window.close();
      electron.app.quit();
      core.settling.resolve();
      core.closing.resolve();
      await settle();

      const again = new FakeElectron();
      electron = again;
      core = new FakeCore();
      await start();
      expect(again.windows[0]?.options).toMatchObject({ x: 300, y: 200, width: 1000, height: 700 });

      // The monitor it was on is unplugged: the window comes back centred on the one left.
      fs.writeFileSync(path.join(temp.dir, 'window-state.json'), JSON.stringify({ bounds: { x: 3000, y: 200, width: 1000, height: 700 }, maximized: false }));
      electron = new FakeElectron();
      core = new FakeCore();
      await start();
      expect(electron.windows[0]?.options).toMatchObject({ x: 460, y: 170, width: 1000, height: 700 });
    });

    it('opens every window it ever creates through the locked-down factory', async () => {
      await start();
      electron.app.emit('window-all-closed');
      for (let round = 0; round < 2; round += 1) {
        // A window that went away for good (e.g. destroyed by a crash of its page) is opened anew.
        electron.window?.destroy();
        electron.tray.choose('open');
      }
      expect(electron.windows).toHaveLength(3);
      for (const window of electron.windows) expect(window.options.webPreferences).toEqual(lockedDownWebPreferences(PRELOAD));
    });
  });

  describe('closing the window', () => {
    it('keeps the app in the tray, and says so once, by a notification', async () => {
      await start();
      const window = openWindow();
      expect(window.close()).toBe(false);
      expect(window.visible).toBe(false);
      expect(window.destroyed).toBe(false);
      expect(electron.notificationTitles).toEqual([TRAY_HINT.title]);
      expect(electron.app.exited).toBe(false);

      electron.tray.choose('open');
      expect(window.visible).toBe(true);
      window.close();
      expect(electron.notificationTitles).toEqual([TRAY_HINT.title]);
    });

    it('remembers across restarts that the hint was given', async () => {
      await start();
      openWindow().close();
      expect(JSON.parse(fs.readFileSync(path.join(temp.dir, SHELL_SETTINGS_FILE_NAME), 'utf8'))).toMatchObject({ trayHintShown: true });

      electron = new FakeElectron();
      await start();
      openWindow().close();
      expect(electron.notificationTitles).toEqual([]);
    });

    it('does not quit when the last window closes', async () => {
      await start();
      expect(electron.app.listenerCount('window-all-closed')).toBe(1);
    });
  });

  describe('a second launch', () => {
    it('brings the hidden window back, in front', async () => {
      await start();
      const window = openWindow();
      window.close();
      const focused = window.focusCount;
      electron.app.emit('second-instance', {}, ['sequence-automation']);
      expect(window.visible).toBe(true);
      expect(window.focusCount).toBe(focused + 1);
      expect(electron.windows).toHaveLength(1);
    });

    it('restores a minimised window', async () => {
      await start();
      const window = openWindow();
      window.minimized = true;
      electron.app.emit('second-instance', {}, []);
      expect(window.minimized).toBe(false);
      expect(window.visible).toBe(true);
    });
  });

  describe('the tray', () => {
    it('shows the engine’s state in its image, tooltip and status line', async () => {
      const nextSend = Date.UTC(2026, 10, 20, 14, 5);
      core.status = { ...core.status, state: 'running', detail: 'Next message is scheduled.', nextSendAt: nextSend, sentToday: 12 };
      await start();
      const { tray } = electron;
      expect(tray.state).toBe('sending');
      expect(tray.item('status').label).toBe('Next send 14:05 · 12 sent today');
      expect(tray.item('status').enabled).toBe(false);
      expect(tray.toolTip).toBe('Sequence Automation: Next message is scheduled.');

      core.announce({ pausedByOwner: true, state: 'paused', detail: 'Sending is paused.' });
      expect(tray.state).toBe('paused');
      expect(tray.item('status').label).toBe('Sending paused · 12 sent today');

      core.announce({ unknownDeliveries: 2 });
      expect(tray.state).toBe('attention');
      expect(tray.item('review-unknown').label).toBe('Review 2 messages with an unknown outcome…');

      // WhatsApp, once linked, drops.
      core.announce({ channels: [{ channel: 'whatsapp', state: 'ready', reason: null }] });
      core.announce({ channels: [{ channel: 'whatsapp', state: 'down', reason: 'WhatsApp was logged out on the phone.' }] });
      expect(tray.state).toBe('channel-down');
      expect(tray.toolTip).toContain('WhatsApp was logged out on the phone.');
      expect(tray.item('detail').label).toContain('WhatsApp was logged out on the phone.');
    });

    it('pauses and resumes sending through the core', async () => {
      await start();
      const { tray } = electron;
      expect(tray.has('resume')).toBe(false);
      tray.choose('pause');
      await settle();
      expect(core.calls).toContain('pauseAll');
      expect(tray.state).toBe('paused');
      expect(tray.has('pause')).toBe(false);

      tray.choose('resume');
      await settle();
      expect(core.calls.filter((call) => call === 'resumeAll')).toHaveLength(1);
      expect(tray.state).toBe('sending');
      expect(tray.has('pause')).toBe(true);
    });

    it('says so when pausing fails, instead of pretending', async () => {
      core.pauseAll = () => Promise.reject(new Error('The database is busy.'));
      await start();
      electron.tray.choose('pause');
      await settle();
      expect(electron.notifications.at(-1)?.options).toMatchObject({ title: 'Could not pause sending', body: 'The database is busy.' });
      expect(electron.tray.state).toBe('sending');
    });

    it('opens the window from the icon and from Open', async () => {
      await start({ startHidden: true });
      electron.tray.emit('click');
      expect(electron.windows).toHaveLength(1);
      openWindow().close();
      electron.tray.choose('open');
      expect(electron.window?.visible).toBe(true);
    });

    it('opens Activity on the messages to review', async () => {
      core.status = { ...core.status, unknownDeliveries: 1 };
      await start();
      openWindow().close();
      electron.tray.choose('review-unknown');
      expect(electron.window?.loads.at(-1)).toEqual({ file: INDEX, hash: '/activity?status=unknown' });
      expect(electron.window?.visible).toBe(true);
    });
  });

  describe('notifications', () => {
    it('say when a channel goes down, once per outage, and open Settings', async () => {
      await start({ startHidden: true });
      core.events.emit('channel.status', { channel: 'sms', state: 'ready', reason: null });
      const down = { channel: 'sms' as const, state: 'down' as const, reason: 'The SMS gateway at http://192.168.1.20:8080 does not answer.' };
      core.events.emit('channel.status', down);
      core.events.emit('channel.status', down);
      core.announce({ channels: [down] });
      expect(electron.notificationTitles).toEqual(['The SMS gateway is down']);
      expect(electron.notifications[0]?.options.body).toContain('does not answer.');

      electron.notifications[0]?.click();
      expect(electron.windows).toHaveLength(1);
      expect(electron.window?.loads).toEqual([{ file: INDEX, hash: '/settings' }]);

      core.events.emit('channel.status', { channel: 'sms', state: 'ready', reason: null });
      core.events.emit('channel.status', down);
      expect(electron.notificationTitles).toEqual(['The SMS gateway is down', 'The SMS gateway is down']);
    });

    it('do not call a channel the shop never linked "down", at start or later', async () => {
      const notLinked = { channel: 'whatsapp' as const, state: 'down' as const, reason: 'WhatsApp is not linked. Link it in Settings → Channels → WhatsApp.' };
      core.status = { ...core.status, channels: [{ channel: 'test', state: 'ready', reason: null }, notLinked] };
      await start();
      core.events.emit('channel.status', notLinked);
      expect(electron.notificationTitles).toEqual([]);
      expect(electron.tray.state).toBe('sending');
      expect(electron.tray.has('detail')).toBe(false);
    });

    it('tell of a linked channel found down when the app starts', async () => {
      await start();
      core.events.emit('channel.status', { channel: 'whatsapp', state: 'ready', reason: null });
      electron = new FakeElectron();
      core = new FakeCore();
      core.status = { ...core.status, channels: [{ channel: 'whatsapp', state: 'down', reason: 'The phone removed this device.' }] };
      await start();
      expect(electron.notificationTitles).toEqual(['WhatsApp is down']);
      expect(electron.tray.state).toBe('channel-down');
    });

    it('ask the owner to review deliveries with an unknown outcome, and open them', async () => {
      await start();
      const window = openWindow();
      core.announce({ unknownDeliveries: 1 });
      core.announce({ unknownDeliveries: 1, sentToday: 3 });
      expect(electron.notificationTitles).toEqual(['1 message needs your check']);
      core.announce({ unknownDeliveries: 3 });
      expect(electron.notificationTitles).toEqual(['1 message needs your check', '3 messages need your check']);

      window.close();
      electron.notifications.find((each) => each.options.title === '3 messages need your check')?.click();
      // The open window switches page (same document), it is not replaced.
      expect(electron.windows).toHaveLength(1);
      expect(window.loads.at(-1)).toEqual({ file: INDEX, hash: '/activity?status=unknown' });
      expect(window.visible).toBe(true);
    });

    it('tell of a streak of failed sends once, mark the tray, and open Activity', async () => {
      await start();
      const later = STARTED_AT + 60_000;
      core.recent = [delivery(3, 'failed', later, 'Invalid number'), delivery(2, 'retrying', later - 1), delivery(1, 'failed', later - 2)];
      core.events.emit('data.changed', { tables: ['deliveries', 'subscriptions'] });
      await settle();
      expect(electron.notificationTitles).toEqual(['The last 3 messages could not be sent']);
      expect(electron.notifications.at(-1)?.options.body).toBe('Latest: Invalid number');
      expect(electron.tray.state).toBe('attention');

      core.recent = [delivery(4, 'failed', later + 1), ...core.recent];
      core.events.emit('data.changed', { tables: ['deliveries'] });
      await settle();
      expect(electron.notificationTitles).toHaveLength(1);

      electron.notifications.at(-1)?.click();
      expect(electron.window?.loads.at(-1)).toEqual({ file: INDEX, hash: '/activity' });

      // One goes out: the streak is over.
      core.recent = [delivery(5, 'sent', later + 2), ...core.recent];
      core.events.emit('data.changed', { tables: ['deliveries'] });
      await settle();
      expect(electron.tray.state).toBe('sending');
    });

    it('are not looked for on changes that do not touch deliveries', async () => {
      await start();
      core.events.emit('data.changed', { tables: ['sequences'] });
      await settle();
      expect(core.calls).not.toContain('recentDeliveries');
    });

    it('go to the log where the system has none', async () => {
      electron.notificationsAvailable = false;
      await start();
      core.announce({ unknownDeliveries: 1 });
      expect(electron.notifications).toHaveLength(0);
      expect(logger.lines.some((line) => line.message.startsWith('Notification not shown'))).toBe(true);
    });
  });

  describe('start at login', () => {
    it('is off until a real channel is linked, then on by default', async () => {
      await start();
      expect(loginItem.enabled).toBe(false);
      expect(electron.tray.item('open-at-login').checked).toBe(false);
      core.events.emit('channel.status', { channel: 'test', state: 'ready', reason: null });
      expect(loginItem.enabled).toBe(false);
      core.events.emit('channel.status', { channel: 'whatsapp', state: 'ready', reason: null });
      expect(loginItem.enabled).toBe(true);
      core.announce({});
      expect(electron.tray.item('open-at-login').checked).toBe(true);
    });

    it('counts a channel already linked when the app starts', async () => {
      core.channelList = [{ channel: 'sms', state: 'ready', reason: null }];
      await start();
      expect(loginItem.enabled).toBe(true);
    });

    it('follows the owner’s choice from then on, also across restarts', async () => {
      await start();
      core.events.emit('channel.status', { channel: 'sms', state: 'ready', reason: null });
      electron.tray.choose('open-at-login');
      expect(loginItem.enabled).toBe(false);
      expect(electron.tray.item('open-at-login').checked).toBe(false);

      electron = new FakeElectron();
      core = new FakeCore();
      core.channelList = [{ channel: 'sms', state: 'ready', reason: null }];
      await start();
      expect(loginItem.enabled).toBe(false);
      electron.tray.choose('open-at-login');
      expect(loginItem.enabled).toBe(true);
    });

    it('stays on while the linked channel is down at a later start', async () => {
      await start();
      core.events.emit('channel.status', { channel: 'whatsapp', state: 'ready', reason: null });
      loginItem.enabled = false; // e.g. removed by a system clean-up tool
      electron = new FakeElectron();
      core = new FakeCore();
      core.channelList = [{ channel: 'whatsapp', state: 'down', reason: null }];
      await start();
      expect(loginItem.enabled).toBe(true);
    });

    it('offers no menu entry where there is no login item (a development run)', async () => {
      loginItem = new FakeLoginItem(false);
      await start();
      expect(electron.tray.has('open-at-login')).toBe(false);
    });
  });

  describe('power events', () => {
    it('wakes the engine after the computer slept', async () => {
      await start();
      electron.powerMonitor.emit('resume');
      expect(core.calls).toContain('resumedFromSleep');
    });

    it('quits cleanly when the system shuts down', async () => {
      await start();
      electron.powerMonitor.emit('shutdown');
      expect(electron.app.quitCalls).toBe(1);
      expect(core.calls).toContain('settleSends');
    });

    it('closes the core when Windows ends the session', async () => {
      await start();
      openWindow().emit('session-end');
      expect(core.closeCount).toBe(1);
    });
  });

  describe('quitting', () => {
    it('finishes the send in flight, closes the core, then quits', async () => {
      await start();
      const window = openWindow();
      electron.tray.choose('quit');
      // Still running: the window is out of the way and the tray says what is happening.
      expect(electron.app.exited).toBe(false);
      expect(window.visible).toBe(false);
      expect(electron.tray.toolTip).toBe('Sequence Automation: quitting…');
      expect(electron.tray.menu.map((item) => item.id)).toEqual(['quitting']);
      expect(core.calls).toContain('settleSends');
      expect(core.calls).not.toContain('close');

      // Asking again changes nothing.
      electron.app.quit();
      expect(core.calls.filter((call) => call === 'settleSends')).toHaveLength(1);

      core.settling.resolve();
      await settle();
      expect(core.closeCount).toBe(1);
      expect(electron.app.exited).toBe(false);

      core.closing.resolve();
      await settle();
      expect(electron.app.exited).toBe(true);
      expect(window.destroyed).toBe(true);
      expect(electron.tray.destroyed).toBe(true);
      expect(timers.armed).toEqual([]);
    });

    it('gives up waiting after the time limits and quits anyway', async () => {
      await start();
      electron.tray.choose('quit');
      expect(timers.armed).toEqual([15_000]);
      timers.fire(15_000);
      await settle();
      expect(core.closeCount).toBe(1);
      expect(timers.armed).toEqual([5_000]);
      timers.fire(5_000);
      await settle();
      expect(electron.app.exited).toBe(true);
      expect(logger.lines.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
        'The send in flight did not finish in time; it is checked at the next start',
        'Sends being aborted did not give up in time; quitting anyway',
      ]);
    });

    it('stops listening to the core once closed', async () => {
      await start();
      electron.app.quit();
      core.settling.resolve();
      core.closing.resolve();
      await settle();
      const notifications = electron.notifications.length;
      core.announce({ unknownDeliveries: 5 });
      expect(electron.notifications).toHaveLength(notifications);
    });
  });
});
