import { expect, type Locator, type Page } from '@playwright/test';

/** The Sequences list, as a shop owner sees it. */
export class SequencesPage {
  constructor(private readonly page: Page) {}

  row(name: string): Locator {
    return this.page.locator(`[data-testid="sequence-row"][data-sequence-name="${name}"]`);
  }

  rows(): Locator {
    return this.page.getByTestId('sequence-row');
  }

  async goto(): Promise<void> {
    await this.page.getByTestId('nav-sequences').click();
    await expect(this.page.getByRole('heading', { level: 1 })).toContainText('Sequences');
  }

  async create(name: string, description = ''): Promise<void> {
    await this.page.getByTestId('new-sequence').first().click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByTestId('sequence-name-input').fill(name);
    if (description) await dialog.getByTestId('sequence-description-input').fill(description);
    await dialog.getByTestId('dialog-submit').click();
    await expect(dialog).toBeHidden();
  }

  async open(name: string): Promise<void> {
    await this.row(name).getByTestId('sequence-open').click();
  }

  async duplicate(name: string): Promise<void> {
    await this.row(name).getByTestId('row-duplicate').click();
  }

  async rename(name: string, newName: string): Promise<void> {
    await this.row(name).getByTestId('row-edit').click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByTestId('sequence-name-input').fill(newName);
    await dialog.getByTestId('dialog-submit').click();
    await expect(dialog).toBeHidden();
  }

  async delete(name: string): Promise<void> {
    await this.row(name).getByTestId('row-delete').click();
    const dialog = this.page.getByRole('dialog');
    await expect(dialog).toContainText(name);
    await dialog.getByTestId('confirm-delete').click();
    await expect(dialog).toBeHidden();
  }
}
