import { expect, type Locator, type Page } from '@playwright/test';

export interface MessageDraft {
  name: string;
  body: string;
  delayAmount: number;
  delayUnit: 'minutes' | 'hours' | 'days';
  exactTime?: string;
  mediaFile?: { name: string; mimeType: string; buffer: Buffer };
}

/** One sequence's editor: its messages in order, the message form and the timeline. */
export class SequenceEditorPage {
  constructor(private readonly page: Page) {}

  messageRows(): Locator {
    return this.page.getByTestId('message-row');
  }

  message(name: string): Locator {
    return this.page.locator(`[data-testid="message-row"][data-message-name="${name}"]`);
  }

  async messageNames(): Promise<string[]> {
    return this.messageRows().evaluateAll((rows) => rows.map((row) => row.getAttribute('data-message-name') ?? ''));
  }

  async addMessage(draft: MessageDraft): Promise<void> {
    await this.page.getByTestId('add-message').first().click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByTestId('message-name-input').fill(draft.name);
    await dialog.getByTestId('message-body-input').fill(draft.body);
    await dialog.getByTestId('message-delay-amount').fill(String(draft.delayAmount));
    await dialog.getByTestId('message-delay-unit').selectOption(draft.delayUnit);
    if (draft.exactTime) {
      await dialog.getByTestId('message-exact-time-toggle').check();
      await dialog.getByTestId('message-exact-time').fill(draft.exactTime);
    }
    if (draft.mediaFile) {
      await dialog.getByTestId('message-media-input').setInputFiles(draft.mediaFile);
      await expect(dialog.getByTestId('message-media-name')).toContainText(draft.mediaFile.name);
    }
    await dialog.getByTestId('dialog-submit').click();
    await expect(dialog).toBeHidden();
    await expect(this.message(draft.name)).toBeVisible();
  }

  /** Drags a message by its order-number handle onto another message's place. */
  async drag(name: string, ontoName: string): Promise<void> {
    const handle = this.message(name).getByTestId('message-handle');
    const target = this.message(ontoName);
    const from = await handle.boundingBox();
    const to = await target.boundingBox();
    if (!from || !to) throw new Error('message rows are not on screen');
    await this.page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await this.page.mouse.down();
    // Several small steps: sortablejs decides the drop place from the pointer's path.
    await this.page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await this.page.mouse.move(to.x + to.width / 2, to.y + to.height * 0.75, { steps: 4 });
    await this.page.mouse.up();
  }

  async setEnabled(name: string, enabled: boolean): Promise<void> {
    const toggle = this.message(name).getByTestId('message-toggle');
    if ((await toggle.getAttribute('aria-checked')) !== String(enabled)) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-checked', String(enabled));
  }
}
