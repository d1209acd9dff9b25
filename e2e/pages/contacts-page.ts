import { expect, type Locator, type Page } from '@playwright/test';

/** `#/contacts`. */
export class ContactsPage {
  constructor(private readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.getByTestId('nav-contacts').click();
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('Contacts');
  }

  rows(): Locator {
    return this.page.getByTestId('contact-row');
  }

  row(text: string): Locator {
    return this.rows().filter({ hasText: text });
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('contacts-search').fill(text);
  }

  async openImport(): Promise<void> {
    await this.page.getByTestId('contacts-import').first().click();
  }
}
