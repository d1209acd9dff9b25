import { expect, type Locator, type Page } from '@playwright/test';

/** The three-step CSV import dialog. */
export class ImportDialog {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('import-dialog');
  }

  async chooseFile(name: string, content: string | Buffer): Promise<void> {
    await expect(this.root).toBeVisible();
    const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await this.root.getByTestId('import-file-input').setInputFiles({ name, mimeType: 'text/csv', buffer });
  }

  preview(): Locator {
    return this.root.getByTestId('import-preview');
  }

  async mapPhone(column: string): Promise<void> {
    await this.root.getByTestId('import-map-phone').selectOption(column);
  }

  async mapName(column: string): Promise<void> {
    await this.root.getByTestId('import-map-name').selectOption(column);
  }

  async subscribeTo(sequenceName: string): Promise<void> {
    await this.root.getByTestId('import-sequence').selectOption({ label: sequenceName });
  }

  /** Starts the import and waits for its result. */
  async run(): Promise<Locator> {
    await this.root.getByTestId('import-run').click();
    const result = this.root.getByTestId('import-result');
    await expect(result).toBeVisible();
    return result;
  }

  stat(key: 'created' | 'updated' | 'merged' | 'subscribed' | 'already' | 'skipped'): Locator {
    return this.root.getByTestId(`import-stat-${key}`).getByTestId('stat-value');
  }

  skippedRows(): Locator {
    return this.root.getByTestId('import-skipped-row');
  }

  async done(): Promise<void> {
    await this.root.getByTestId('import-done').click();
    await expect(this.root).toBeHidden();
  }
}
