import { expect, type Locator, type Page } from '@playwright/test';

/** `#/activity`: the log of every delivery, its filters and the decisions on `unknown` ones. */
export class ActivityPage {
  constructor(private readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.getByTestId('nav-activity').click();
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('Activity');
  }

  rows(): Locator {
    return this.page.getByTestId('delivery-row');
  }

  row(text: string): Locator {
    return this.rows().filter({ hasText: text });
  }

  total(): Locator {
    return this.page.getByTestId('activity-total');
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('activity-search').fill(text);
  }

  async filterStatus(status: string): Promise<void> {
    await this.page.getByTestId('activity-status-filter').selectOption(status);
  }

  async filterChannel(channel: string): Promise<void> {
    await this.page.getByTestId('activity-channel-filter').selectOption(channel);
  }

  /** Opens a delivery's detail panel. */
  async open(text: string): Promise<Locator> {
    await this.row(text).getByTestId('delivery-open').click();
    const detail = this.page.getByTestId('delivery-detail');
    await expect(detail).toBeVisible();
    return detail;
  }
}

/** The status bar at the top of every page: the engine's state, and Pause all / Resume. */
export class EngineStatusBar {
  readonly root: Locator;

  constructor(private readonly page: Page) {
    this.root = page.getByTestId('engine-status-bar');
  }

  state(): Locator {
    return this.root.getByTestId('engine-state');
  }

  async pauseAll(): Promise<void> {
    await this.root.getByTestId('engine-pause-all').click();
    const dialog = this.page.getByTestId('confirm-dialog');
    await expect(dialog).toContainText('Pause all sending?');
    await dialog.getByTestId('confirm-delete').click();
    await expect(dialog).toBeHidden();
  }

  async resume(): Promise<void> {
    await this.root.getByTestId('engine-resume-all').click();
  }
}

/** The "Send by" picker in a sequence's editor. */
export class ChannelPicker {
  constructor(private readonly page: Page) {}

  select(): Locator {
    return this.page.getByTestId('sequence-channel');
  }

  async choose(channel: 'test' | 'sms' | ''): Promise<void> {
    await this.select().selectOption(channel);
    await expect(this.select()).toHaveValue(channel);
    await expect(this.select()).toBeEnabled();
  }
}

/** Settings → Sending. */
export class SendingSettingsCard {
  readonly root: Locator;

  constructor(page: Page) {
    this.root = page.getByTestId('settings-sending');
  }

  weekday(day: number): Locator {
    return this.root.getByTestId(`weekday-${day}`);
  }

  async setWeekday(day: number, on: boolean): Promise<void> {
    const toggle = this.weekday(day);
    if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', String(on));
  }

  async setQuietHours(range: { start: string; end: string } | null): Promise<void> {
    const toggle = this.root.getByTestId('quiet-hours-toggle');
    if ((await toggle.getAttribute('aria-checked')) !== String(range !== null)) await toggle.click();
    if (range) {
      await this.root.getByTestId('quiet-start').fill(range.start);
      await this.root.getByTestId('quiet-end').fill(range.end);
    }
  }

  async addClosedDate(date: string): Promise<void> {
    await this.root.getByTestId('closed-date-input').fill(date);
    await this.root.getByTestId('closed-date-add').click();
    await expect(this.root.locator(`[data-testid="closed-date"][data-date="${date}"]`)).toBeVisible();
  }

  fieldError(field: string): Locator {
    return this.root.locator(`[data-testid="field-error"][data-field="${field}"]`);
  }

  async save(): Promise<void> {
    await this.root.getByTestId('sending-save').click();
  }
}
