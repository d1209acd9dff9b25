/**
 * What the desktop shell remembers apart from the database (`<userData>/shell-settings.json`):
 *
 * - `openAtLogin`: the owner's explicit choice for "Start at login", or null while they have not
 *   chosen — then it is on once a channel has been linked, off before.
 * - `linkedChannels`: the real channels (WhatsApp, the SMS gateway; not test mode) that have been
 *   ready at least once. Only those count as "down" when they are not ready — a WhatsApp the shop
 *   never linked is not an outage — and the login default does not flip back off while a linked
 *   channel is down at start.
 * - `trayHintShown`: the one-time "still running in the tray" notification was shown.
 *
 * These are the shell's, not the core's: headless has no tray and no login item.
 */
import path from 'node:path';
import { z } from 'zod';
import type { ChannelStatusInfo } from '../../shared/domain';
import type { Logger } from '../core/logger';
import { readJsonFile, writeJsonFile } from './json-file';

export const SHELL_SETTINGS_FILE_NAME = 'shell-settings.json';

const ShellSettingsSchema = z.object({
  openAtLogin: z.boolean().nullable().catch(null),
  linkedChannels: z.array(z.enum(['sms', 'whatsapp'])).catch([]),
  trayHintShown: z.boolean().catch(false),
});

export type ShellSettings = z.infer<typeof ShellSettingsSchema>;

export const DEFAULT_SHELL_SETTINGS: ShellSettings = { openAtLogin: null, linkedChannels: [], trayHintShown: false };

type LinkableChannel = ShellSettings['linkedChannels'][number];

/** A real channel that is ready: from now on it counts as linked. */
function linkableChannel(info: ChannelStatusInfo): LinkableChannel | null {
  return info.state === 'ready' && info.channel !== 'test' ? info.channel : null;
}

export class ShellSettingsStore {
  private readonly file: string;
  private current: ShellSettings;

  constructor(userDataDir: string, private readonly logger: Logger) {
    this.file = path.join(userDataDir, SHELL_SETTINGS_FILE_NAME);
    this.current = readJsonFile(this.file, ShellSettingsSchema, DEFAULT_SHELL_SETTINGS, logger);
  }

  get(): ShellSettings {
    return { ...this.current, linkedChannels: [...this.current.linkedChannels] };
  }

  isLinked(channel: string): boolean {
    return this.current.linkedChannels.some((linked) => linked === channel);
  }

  /** Notes a channel's state; true when this made it linked for the first time. */
  noteChannel(info: ChannelStatusInfo): boolean {
    const channel = linkableChannel(info);
    if (channel === null || this.isLinked(channel)) return false;
    this.update({ linkedChannels: [...this.current.linkedChannels, channel] });
    return true;
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
