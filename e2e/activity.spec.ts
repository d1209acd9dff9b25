import { test, expect, screenshotPath, type HeadlessApp } from './fixtures';
import { ActivityPage, ChannelPicker, EngineStatusBar, SendingSettingsCard } from './pages/activity-page';
import { SequenceEditorPage } from './pages/sequence-editor-page';
import { SequencesPage } from './pages/sequences-page';

/** A shop in Berlin that may send at any hour on any day, without gaps: the test must not depend on when it runs. */
async function openAllHours(app: HeadlessApp): Promise<void> {
  await app.value('settings.update', {
    timeZone: 'Europe/Berlin',
    defaultCountry: 'DE',
    sending: {
      window: { quietHours: null, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] },
      pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: 50 },
      catchUp: { kind: 'send-late' },
      onPermanentFailure: 'move-on',
    },
  });
}

test('in test mode, a new subscriber’s first message shows in the activity log and the sent count, live; pause all and resume', async ({ app, page }) => {
  await openAllHours(app);
  const list = new SequencesPage(page);
  const editor = new SequenceEditorPage(page);
  const picker = new ChannelPicker(page);
  const activity = new ActivityPage(page);
  const bar = new EngineStatusBar(page);
  await app.open(page);
  // A marker on the window: it survives only if the page is never reloaded.
  await page.evaluate('window.__sameDocument = true');

  // The status bar is on every page, and says what the engine is doing.
  await expect(bar.root).toBeVisible();
  await expect(bar.root).not.toHaveAttribute('data-state', 'loading');
  await expect(bar.root.getByTestId('engine-sent-today')).toContainText('0 / 50 sent today');

  await list.create('Welcome series');
  // No channel chosen yet: messages would wait, and the editor says so.
  await expect(page.getByTestId('channel-missing-banner')).toContainText('Messages will wait until you choose how to send them');
  await expect(picker.select()).toHaveValue('');
  // WhatsApp can be chosen before it is linked (messages then wait for it, and the editor says so).
  await expect(picker.select().locator('option[value="whatsapp"]')).toBeEnabled();
  await picker.choose('test');
  await expect(page.getByTestId('channel-missing-banner')).toHaveCount(0);
  await expect(page.getByTestId('channel-test-banner')).toContainText('nothing is really sent');

  await editor.addMessage({ name: 'Welcome', body: 'Hi {{first_name}}, thanks for visiting the shop!', delayAmount: 0, delayUnit: 'minutes' });
  await editor.addMessage({ name: 'Follow-up', body: 'How do you like it, {{first_name}}?', delayAmount: 1, delayUnit: 'days' });
  await expect(editor.message('Welcome').getByTestId('message-sent-count')).toHaveText('Sent 0 times');
  await page.screenshot({ path: screenshotPath('sequence-editor-channel') });

  // Someone subscribes (through the API, as an import or another window would).
  const sequenceId = Number(/#\/sequences\/(\d+)/.exec(page.url())?.[1]);
  await app.value('subscribers.add', { sequenceId, phone: '+49 151 23456789', name: 'Maria Schneider' });

  // The first message goes out right away (test mode): the editor's count follows, without a reload.
  await expect(editor.message('Welcome').getByTestId('message-sent-count')).toHaveText('Sent 1 time');
  await expect(editor.message('Follow-up').getByTestId('message-sent-count')).toHaveText('Sent 0 times');
  await expect(bar.root.getByTestId('engine-sent-today')).toContainText('1 / 50 sent today');

  // The sequences list shows the channel.
  await list.goto();
  await expect(list.row('Welcome series').getByTestId('channel-chip')).toHaveText('Test mode');

  await activity.goto();
  const row = activity.row('Maria Schneider');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', 'sent');
  await expect(row.getByTestId('delivery-status')).toHaveText('Sent');
  await expect(row.getByTestId('delivery-channel')).toHaveText('Test mode');
  await expect(row.getByTestId('delivery-message')).toHaveText('Welcome');
  await expect(row.getByTestId('delivery-sequence')).toHaveText('Welcome series');
  await expect(row.getByTestId('delivery-text')).toHaveText('Hi Maria, thanks for visiting the shop!');
  await expect(row).toContainText('+4915123456789');
  await expect(row).toContainText('Sent today');
  // The toasts from building the sequence have gone by themselves; the log is not hidden under them.
  await expect(page.getByTestId('toast')).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('activity') });

  // The whole delivery, text and all, beside the log.
  const detail = await activity.open('Maria Schneider');
  await expect(detail.getByTestId('delivery-detail-text')).toHaveText('Hi Maria, thanks for visiting the shop!');
  await expect(detail).toContainText('Test mode: nothing was really sent');
  await detail.getByRole('button', { name: 'Close' }).click();
  await expect(detail).toBeHidden();

  // Filters: by status, channel and search.
  await activity.filterStatus('failed');
  await expect(page).toHaveURL(/#\/activity\?status=failed$/);
  await expect(activity.rows()).toHaveCount(0);
  await expect(page.getByTestId('empty-state')).toContainText('No deliveries match');
  await activity.filterStatus('');
  await expect(activity.rows()).toHaveCount(1);
  await activity.filterChannel('sms');
  await expect(activity.rows()).toHaveCount(0);
  await activity.filterChannel('test');
  await expect(activity.rows()).toHaveCount(1);
  await activity.search('nobody like this');
  await expect(activity.rows()).toHaveCount(0);
  await activity.search('maria');
  await expect(activity.rows()).toHaveCount(1);
  await expect(activity.total()).toHaveText('1 match');

  // A second subscriber appears in the open log by itself.
  await activity.search('');
  await activity.filterChannel('');
  await app.value('subscribers.add', { sequenceId, phone: '+49 151 98765432', name: 'Jonas Weber' });
  await expect(activity.row('Jonas Weber')).toHaveAttribute('data-status', 'sent');
  await expect(activity.row('Jonas Weber').getByTestId('delivery-text')).toHaveText('Hi Jonas, thanks for visiting the shop!');
  // Newest first.
  await expect(activity.rows().first()).toContainText('Jonas Weber');
  await expect(activity.total()).toHaveText('2 deliveries');

  // Pause all asks first, then the bar says so; Resume sends again.
  await bar.pauseAll();
  await expect(bar.root).toHaveAttribute('data-state', 'paused');
  await expect(bar.state()).toHaveText('Paused by you');
  await expect(bar.root.getByTestId('engine-pause-all')).toHaveCount(0);
  await bar.resume();
  await expect(bar.root).not.toHaveAttribute('data-state', 'paused');
  await expect(bar.root.getByTestId('engine-pause-all')).toBeVisible();

  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
});

test('sending hours, pacing and policies are checked next to their fields and persist; the SMS gateway password is write-only', async ({ app, page }) => {
  await app.value('settings.update', { timeZone: 'Europe/Berlin' });
  const card = new SendingSettingsCard(page);
  await app.open(page, '#/settings');
  await expect(card.root).toBeVisible();

  await card.setQuietHours({ start: '21:00', end: '09:00' });
  await expect(card.root).toContainText('Overnight: from 21:00 until 09:00 the next morning');
  await card.setWeekday(6, false);
  await card.setWeekday(7, false);
  await card.addClosedDate('2030-12-25');
  await card.addClosedDate('2030-12-24');
  await card.root.getByTestId('pacing-min').fill('90');
  await card.root.getByTestId('pacing-max').fill('30');
  await card.root.getByTestId('daily-cap').fill('200');
  await card.root.getByTestId('catchup-policy').selectOption('skip-if-late');
  await card.root.getByTestId('catchup-hours').fill('12');
  await card.root.getByTestId('failure-policy').selectOption('stop-subscription');

  // The longest gap is shorter than the shortest: refused, next to the field.
  await card.save();
  await expect(card.fieldError('sending.pacing.maxGapSeconds')).toContainText('cannot be shorter');
  await card.root.getByTestId('pacing-max').fill('120');
  await card.save();
  await expect(page.getByTestId('toast').filter({ hasText: 'Saved the sending settings' })).toBeVisible();
  await expect(card.root.getByTestId('sending-save')).toBeDisabled();
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.evaluate(`document.querySelector('[data-testid="settings-sending"]').scrollIntoView({ block: 'start' })`);
  await page.screenshot({ path: screenshotPath('settings-sending') });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Stored: a reload shows the same values.
  await page.reload();
  await expect(card.root).toBeVisible();
  await expect(card.root.getByTestId('quiet-start')).toHaveValue('21:00');
  await expect(card.root.getByTestId('quiet-end')).toHaveValue('09:00');
  await expect(card.weekday(6)).toHaveAttribute('aria-pressed', 'false');
  await expect(card.weekday(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(card.root.getByTestId('closed-date')).toHaveCount(2);
  await expect(card.root.getByTestId('closed-date').first()).toHaveAttribute('data-date', '2030-12-24');
  await expect(card.root.getByTestId('pacing-max')).toHaveValue('120');
  await expect(card.root.getByTestId('daily-cap')).toHaveValue('200');
  await expect(card.root.getByTestId('catchup-hours')).toHaveValue('12');
  await expect(card.root.getByTestId('failure-policy')).toHaveValue('stop-subscription');
  const stored = await app.value<{ sending: unknown }>('settings.get', {});
  expect(stored.sending).toEqual({
    window: { quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: [1, 2, 3, 4, 5], closedDates: ['2030-12-24', '2030-12-25'] },
    pacing: { minGapSeconds: 90, maxGapSeconds: 120, dailyCap: 200 },
    catchUp: { kind: 'skip-if-late', hours: 12 },
    onPermanentFailure: 'stop-subscription',
  });

  // SMS gateway: not set up; the password is required, then never shown again.
  const sms = page.getByTestId('settings-sms');
  await expect(sms.getByTestId('sms-status')).toHaveAttribute('data-state', 'not-configured');
  await sms.getByTestId('sms-base-url').fill('http://127.0.0.1:9');
  await sms.getByTestId('sms-username').fill('shop');
  await sms.getByTestId('sms-save').click();
  await expect(sms.locator('[data-testid="field-error"][data-field="config.password"]')).toContainText('Enter the password');
  await sms.getByTestId('sms-password').fill('secret-password');
  await sms.getByTestId('sms-save').click();
  await expect(sms.getByTestId('sms-password-saved')).toBeVisible();
  await expect(sms.getByTestId('sms-password')).toHaveValue('');
  await expect(sms.getByTestId('sms-password')).toHaveAttribute('placeholder', '•••••• (unchanged)');
  await expect(sms.getByTestId('sms-status')).not.toHaveAttribute('data-state', 'not-configured');
  const gateway = await app.value<Record<string, unknown>>('channels.getSmsProvider', {});
  expect(gateway).toEqual({ provider: 'smsgate', baseUrl: 'http://127.0.0.1:9', username: 'shop', hasPassword: true });

  await sms.getByTestId('sms-remove').click();
  await page.getByTestId('confirm-dialog').getByTestId('confirm-delete').click();
  await expect(sms.getByTestId('sms-status')).toHaveAttribute('data-state', 'not-configured');
  await expect(sms.getByTestId('sms-base-url')).toHaveValue('');
});
