import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { DEFAULT_SHELL_SETTINGS, SHELL_SETTINGS_FILE_NAME, ShellSettingsStore } from './shell-settings';
import { recordingLogger } from './shell-test-support';

describe('ShellSettingsStore', () => {
  it('counts a real channel as linked once it was ready, for good', () => {
    const settings = new ShellSettingsStore(temp.dir, silentLogger);
    expect(settings.noteChannel({ channel: 'whatsapp', state: 'connecting', reason: null })).toBe(false);
    expect(settings.noteChannel({ channel: 'test', state: 'ready', reason: null })).toBe(false);
    expect(settings.noteChannel({ channel: 'whatsapp', state: 'ready', reason: null })).toBe(true);
    expect(settings.noteChannel({ channel: 'whatsapp', state: 'ready', reason: null })).toBe(false);
    const again = new ShellSettingsStore(temp.dir, silentLogger);
    expect(again.isLinked('whatsapp')).toBe(true);
    expect(again.isLinked('sms')).toBe(false);
  });

  let temp: TempDir;
  let file: string;
  beforeEach(() => {
    temp = makeTempDir();
    file = path.join(temp.dir, SHELL_SETTINGS_FILE_NAME);
  });
  afterEach(() => temp.cleanup());

  it('starts from the defaults and keeps what changes', () => {
    expect(new ShellSettingsStore(temp.dir, silentLogger).get()).toEqual(DEFAULT_SHELL_SETTINGS);
    new ShellSettingsStore(temp.dir, silentLogger).update({ openAtLogin: false });
    new ShellSettingsStore(temp.dir, silentLogger).update({ trayHintShown: true });
    expect(new ShellSettingsStore(temp.dir, silentLogger).get()).toEqual({ openAtLogin: false, linkedChannels: [], trayHintShown: true });
    // Written whole, never half: no temporary file is left behind.
    expect(fs.readdirSync(temp.dir)).toEqual([SHELL_SETTINGS_FILE_NAME]);
  });

  it('falls back to the defaults for a damaged file, and per field for a wrong value, with a warning', () => {
    const logger = recordingLogger();
    fs.writeFileSync(file, 'not json');
    expect(new ShellSettingsStore(temp.dir, logger).get()).toEqual(DEFAULT_SHELL_SETTINGS);
    expect(logger.lines).toEqual([{ level: 'warn', message: 'shell-settings.json is not valid JSON; using defaults' }]);
    fs.writeFileSync(file, JSON.stringify({ openAtLogin: 'yes', linkedChannels: ['sms'], trayHintShown: true }));
    expect(new ShellSettingsStore(temp.dir, silentLogger).get()).toEqual({ openAtLogin: null, linkedChannels: ['sms'], trayHintShown: true });
  });
});
