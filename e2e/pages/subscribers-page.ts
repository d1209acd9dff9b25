import { expect, type Locator, type Page } from '@playwright/test';

export interface SubscriberDraft {
  phone: string;
  name?: string;
  attributes?: Record<string, string>;
  /** datetime-local value in the business time zone, e.g. "2030-01-15T09:00". */
  startAt?: string;
}

/** The Add Subscriber dialog, from the sequences list or the subscribers view. */
export class AddSubscriberDialog {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('add-subscriber-dialog');
  }

  async fill(draft: SubscriberDraft): Promise<void> {
    await expect(this.root).toBeVisible();
    await this.root.getByTestId('subscriber-phone-input').fill(draft.phone);
    if (draft.name !== undefined) await this.root.getByTestId('subscriber-name-input').fill(draft.name);
    for (const [key, value] of Object.entries(draft.attributes ?? {})) {
      await this.root.getByTestId('attribute-add').click();
      await this.root.getByTestId('attribute-key').last().fill(key);
      await this.root.getByTestId('attribute-value').last().fill(value);
    }
    if (draft.startAt !== undefined) await this.root.getByTestId('subscriber-start-at').fill(draft.startAt);
  }

  async submit(): Promise<void> {
    await this.root.getByTestId('dialog-submit').click();
  }

  /** Fills, submits and waits for the dialog to close. */
  async add(draft: SubscriberDraft): Promise<void> {
    await this.fill(draft);
    await this.submit();
    await expect(this.root).toBeHidden();
  }

  fieldError(field: string): Locator {
    return this.root.locator(`[data-testid="field-error"][data-field="${field}"]`);
  }

  async cancel(): Promise<void> {
    await this.root.getByTestId('dialog-cancel').click();
    await expect(this.root).toBeHidden();
  }
}

/** `#/sequences/<id>/subscribers` and its detail panel. */
export class SubscribersPage {
  constructor(private readonly page: Page) {}

  rows(): Locator {
    return this.page.getByTestId('subscriber-row');
  }

  row(text: string): Locator {
    return this.rows().filter({ hasText: text });
  }

  title(): Locator {
    return this.page.getByTestId('subscribers-title');
  }

  total(): Locator {
    return this.page.getByTestId('subscribers-total');
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('subscribers-search').fill(text);
  }

  async filterStatus(status: string): Promise<void> {
    await this.page.getByTestId('subscribers-status-filter').selectOption(status);
  }

  /** Opens a subscriber's detail panel and waits for their timeline. */
  async openDetail(text: string): Promise<Locator> {
    await this.row(text).getByTestId('subscriber-open').click();
    const detail = this.page.getByTestId('subscriber-detail');
    await expect(detail.getByTestId('subscriber-timeline')).toBeVisible();
    return detail;
  }

  timelineEntries(): Locator {
    return this.page.getByTestId('subscriber-detail').getByTestId('timeline-entry');
  }

  async timelineStatuses(): Promise<string[]> {
    return this.timelineEntries().evaluateAll((entries) => entries.map((entry) => entry.getAttribute('data-status') ?? ''));
  }
}
