/**
 * What the desktop shell remembers apart from the database (`<userData>/shell-settings.json`):
 *
 * - `openAtLogin`: the owner's explicit choice for "Start at login", or null while they have not
 *   chosen — then it is on once a channel has been linked (`channelLinked`), off before.
 * - `channelLinked`: a real channel (WhatsApp or an SMS gateway, not test mode) has been ready at
 *   least once. Remembered, so the default does not flip back off while a channel is down at start.
 * - `trayHintShown`: the one-time "still running in the tray" notification was shown.
 *
 * These are the shell's, not the core's: headless has no tray and no login item.
 */
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../core/logger';
import { readJsonFile, writeJsonFile } from './json-file';

export const SHELL_SETTINGS_FILE_NAME = 'shell-settings.json';

const ShellSettingsSchema = z.object({
  openAtLogin: z.boolean().nullable().catch(null),
  channelLinked: z.boolean().catch(false),
  trayHintShown: z.boolean().catch(false),
});

export type ShellSettings = z.infer<typeof ShellSettingsSchema>;

export const DEFAULT_SHELL_SETTINGS: ShellSettings = { openAtLogin: null, channelLinked: false, trayHintShown: false };

export class ShellSettingsStore {
  private readonly file: string;
  private current: ShellSettings;

  constructor(userDataDir: string, private readonly logger: Logger) {
    this.file = path.join(userDataDir, SHELL_SETTINGS_FILE_NAME);
    this.current = readJsonFile(this.file, ShellSettingsSchema, DEFAULT_SHELL_SETTINGS, logger);
  }

  get(): ShellSettings {
    return { ...this.current };
  }

  /** Applies the change and writes it; a write that fails is logged and the change kept in memory. */
  update(change: Partial<ShellSettings>): ShellSettings {
    this.current = { ...this.current, ...change };
    try {
      writeJsonFile(this.file, this.current);
    } catch (error) {
      this.logger.error('Could not save the shell settings', { file: this.file, error: String(error) });
    }
    return this.get();
  }
}
