import { expect, type Locator, type Page } from '@playwright/test';

/** Settings → Backups and Logs, and the sequence file buttons on the sequences page. */
export class DataSafetyPage {
  constructor(private readonly page: Page) {}

  backupRows(): Locator {
    return this.page.getByTestId('backup-row');
  }

  async backUpNow(): Promise<void> {
    const before = await this.backupRows().count();
    await this.page.getByTestId('backup-now').click();
    await expect(this.backupRows()).toHaveCount(before + 1);
  }

  /** Restores the newest backup of `kind`, confirming the dialog. */
  async restoreNewest(kind: 'daily' | 'manual' | 'before-restore'): Promise<void> {
    await this.page.locator(`[data-testid="backup-row"][data-backup-kind="${kind}"]`).first().getByTestId('backup-restore').click();
    const dialog = this.page.getByTestId('confirm-dialog');
    await dialog.getByRole('button', { name: 'Restore backup' }).click();
    await expect(dialog).toBeHidden();
  }

  async openLogsFolder(): Promise<string> {
    await this.page.getByTestId('open-logs-folder').click();
    return (await this.page.getByTestId('logs-folder').locator('code').textContent()) ?? '';
  }

  /** Exports a sequence from its row; returns where the download was saved. */
  async exportSequence(name: string, saveAs: string): Promise<string> {
    const row = this.page.locator(`[data-testid="sequence-row"][data-sequence-name="${name}"]`);
    const [download] = await Promise.all([this.page.waitForEvent('download'), row.getByTestId('row-export').click()]);
    await download.saveAs(saveAs);
    return download.suggestedFilename();
  }

  async importSequence(file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    await this.page.getByTestId('import-sequence-file').setInputFiles(file);
  }
}
