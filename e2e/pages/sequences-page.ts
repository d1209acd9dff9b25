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

  /** Creates a sequence; the app then opens its editor. */
  async create(name: string, description = ''): Promise<void> {
    await this.page.getByTestId('new-sequence').first().click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByTestId('sequence-name-input').fill(name);
    if (description) await dialog.getByTestId('sequence-description-input').fill(description);
    await dialog.getByTestId('dialog-submit').click();
    await expect(dialog).toBeHidden();
    await expect(this.page.getByTestId('sequence-title')).toHaveText(name);
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

  /** The subscriber count link of a sequence's row ("12 · 9 active"). */
  subscriberCount(name: string): Locator {
    return this.row(name).getByTestId('sequence-subscribers');
  }

  async addSubscriber(name: string): Promise<void> {
    await this.row(name).getByTestId('row-add-subscriber').click();
  }

  async delete(name: string): Promise<void> {
    await this.row(name).getByTestId('row-delete').click();
    // A destructive confirmation is an alertdialog.
    const dialog = this.page.getByTestId('confirm-dialog');
    await expect(dialog).toContainText(name);
    await dialog.getByTestId('confirm-delete').click();
    await expect(dialog).toBeHidden();
  }
}
