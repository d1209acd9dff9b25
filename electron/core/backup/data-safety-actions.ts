/**
 * The two data-safety actions that need the shell: restoring (only the CoreHost can stop and
 * restart the core, so a bare CoreApp refuses) and the logs folder (the Electron shell opens it in
 * the file manager; headless, or if opening fails, the owner gets the path to look at).
 */
import type { RestoreResult } from '../../../shared/contract';
import { AppError, errorMessage } from '../errors';
import type { Logger } from '../logger';

export interface DataSafetyActions {
  restore(backupId: string): Promise<RestoreResult>;
  openLogsFolder(): Promise<{ path: string; opened: boolean }>;
}

export interface DataSafetyShell {
  logsDir: string;
  openFolder?: (folder: string) => Promise<void>;
  restore?: (backupId: string) => Promise<RestoreResult>;
  logger: Logger;
}

export function createDataSafetyActions(shell: DataSafetyShell): DataSafetyActions {
  return {
    restore(backupId) {
      if (shell.restore === undefined) {
        return Promise.reject(new AppError('CONFLICT', 'Restoring a backup is not available in this window. Restart the app and try again.'));
      }
      return shell.restore(backupId);
    },
    async openLogsFolder() {
      if (shell.openFolder === undefined) return { path: shell.logsDir, opened: false };
      try {
        await shell.openFolder(shell.logsDir);
        return { path: shell.logsDir, opened: true };
      } catch (error) {
        shell.logger.warn('Could not open the logs folder', { folder: shell.logsDir, error: errorMessage(error) });
        return { path: shell.logsDir, opened: false };
      }
    },
  };
}
