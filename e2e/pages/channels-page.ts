import { expect, type Locator, type Page } from '@playwright/test';

/** `#/settings/channels` and `#/settings/auto-subscription`: WhatsApp, the SMS provider, the webhook receiver, auto-subscription. */
export class ChannelsPage {
  constructor(private readonly page: Page) {}

  whatsapp(): Locator {
    return this.page.getByTestId('settings-whatsapp');
  }

  sms(): Locator {
    return this.page.getByTestId('settings-sms');
  }

  async linkWhatsApp(): Promise<void> {
    await this.whatsapp().getByTestId('whatsapp-link').click();
  }

  async configureSmsGate(baseUrl: string, username: string, password: string): Promise<void> {
    const sms = this.sms();
    await sms.getByTestId('sms-provider').selectOption('smsgate');
    await sms.getByTestId('sms-base-url').fill(baseUrl);
    await sms.getByTestId('sms-username').fill(username);
    await sms.getByTestId('sms-password').fill(password);
    await sms.getByTestId('sms-save').click();
  }

  /** The test message form of a channel ('whatsapp' or 'sms'); answers with the result line. */
  async sendTestMessage(channel: 'whatsapp' | 'sms', phone: string, text: string): Promise<Locator> {
    const form = this.page.getByTestId(`${channel}-test-form`);
    await form.getByTestId(`${channel}-test-phone`).fill(phone);
    await form.getByTestId(`${channel}-test-text`).fill(text);
    await form.getByTestId(`${channel}-test-send`).click();
    return this.page.getByTestId(`${channel}-test-result`);
  }

  async chooseAutoSubscription(sequenceIds: readonly number[]): Promise<void> {
    for (const id of sequenceIds) {
      await this.page.locator(`[data-testid="auto-sub-sequence"][data-sequence-id="${id}"]`).check();
    }
    const save = this.page.getByTestId('inbound-save');
    await save.click();
    // Saved: nothing is left to save.
    await expect(save).toBeDisabled();
  }
}

/** `#/inbox`: what customers wrote and what each message did. */
export class InboxPage {
  constructor(private readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('inbox-row');
  }

  row(text: string): Locator {
    return this.rows().filter({ hasText: text });
  }

  actionsOf(row: Locator): Locator {
    return row.getByTestId('inbox-action');
  }
}
