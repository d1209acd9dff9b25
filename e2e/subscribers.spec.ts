import { readFileSync } from 'node:fs';
import { test, expect, screenshotPath, type HeadlessApp } from './fixtures';
import { ContactsPage } from './pages/contacts-page';
import { ImportDialog } from './pages/import-dialog';
import { SequencesPage } from './pages/sequences-page';
import { AddSubscriberDialog, SubscribersPage } from './pages/subscribers-page';

// The browser runs in another zone than the shop: dates picked and shown must follow the shop's.
test.use({ timezoneId: 'America/New_York' });

/** A sequence with three messages, in a shop in Berlin whose numbers are German by default. */
async function seedSequence(app: HeadlessApp, name: string): Promise<number> {
  await app.value('settings.update', { timeZone: 'Europe/Berlin', defaultCountry: 'DE' });
  const { id } = await app.value<{ id: number }>('sequences.create', { name, description: 'Follow-up for car enquiries' });
  await app.value('messages.create', { sequenceId: id, name: 'Welcome', body: 'Hi {{name|there}}!', delayAmount: 1, delayUnit: 'days' });
  await app.value('messages.create', { sequenceId: id, name: 'Brochure', body: 'Our brochure for the {{car}}.', delayAmount: 2, delayUnit: 'hours' });
  await app.value('messages.create', { sequenceId: id, name: 'Offer', body: 'An offer for you.', delayAmount: 2, delayUnit: 'days', sendAt: '09:00' });
  return id;
}

test('a subscriber added by hand shows up live, in the subscribers view and in their timeline; pause and resume', async ({ app, page }) => {
  const sequenceId = await seedSequence(app, 'Car enquiry');
  const list = new SequencesPage(page);
  const dialog = new AddSubscriberDialog(page);
  const subscribers = new SubscribersPage(page);
  await app.open(page);

  await expect(list.subscriberCount('Car enquiry')).toHaveAttribute('data-count', '0');
  // A marker on the window: it survives only if the page is never reloaded.
  await page.evaluate('window.__sameDocument = true');

  // A number that is too short is refused with the reason, next to the field; the dialog stays.
  await list.addSubscriber('Car enquiry');
  await dialog.fill({ phone: '015', name: 'Anna Müller' });
  await dialog.submit();
  await expect(dialog.fieldError('phone')).toContainText('too short for Germany');
  await expect(dialog.root).toBeVisible();

  await dialog.root.getByTestId('subscriber-phone-input').fill('0151 23456789');
  await dialog.root.getByTestId('attribute-add').click();
  await dialog.root.getByTestId('attribute-key').fill('car');
  await dialog.root.getByTestId('attribute-value').fill('Golf');
  await dialog.submit();
  await expect(dialog.root).toBeHidden();

  // The count on the list changed by itself (push event), without a reload.
  await expect(list.subscriberCount('Car enquiry')).toHaveAttribute('data-count', '1');
  await expect(list.subscriberCount('Car enquiry').getByTestId('sequence-active-count')).toHaveText('1 active');
  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
  // The row with its four actions fits a 1280-pixel window: the table does not scroll sideways.
  expect(await page.evaluate(`(() => { const card = document.querySelector('.table-card'); return card.scrollWidth - card.clientWidth; })()`)).toBeLessThanOrEqual(0);
  await page.screenshot({ path: screenshotPath('sequences-list-counts') });

  // Adding the same number again says so, and changes nothing.
  await list.addSubscriber('Car enquiry');
  await dialog.fill({ phone: '+49 151 23456789', name: 'Someone else' });
  await dialog.submit();
  await expect(dialog.fieldError('phone')).toContainText('already subscribed');
  await expect(dialog.root).toBeVisible();
  await dialog.cancel();
  await expect(list.subscriberCount('Car enquiry')).toHaveAttribute('data-count', '1');

  // Two more through the API, so the view has something to search and sort.
  await app.value('subscribers.add', { sequenceId, phone: '+49 151 11111111', name: 'Ben Schmidt' });
  await app.value('subscribers.add', { sequenceId, phone: '+49 151 22222222', name: 'Clara Weber' });
  await expect(list.subscriberCount('Car enquiry')).toHaveAttribute('data-count', '3');

  await list.subscriberCount('Car enquiry').click();
  await expect(page).toHaveURL(new RegExp(`#/sequences/${sequenceId}/subscribers$`));
  await expect(subscribers.title()).toHaveText('Car enquiry');
  await expect(subscribers.rows()).toHaveCount(3);
  await expect(subscribers.total()).toHaveText('3 subscribers');
  const anna = subscribers.row('Anna Müller');
  await expect(anna).toContainText('+4915123456789');
  await expect(anna.getByTestId('status-badge')).toHaveAttribute('data-status', 'active');
  await expect(anna).toContainText('1. Welcome');

  // Sort by name, then search.
  await page.getByTestId('sort-name').click();
  await expect(page.locator('th[data-column="name"]')).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => subscribers.rows().getByTestId('subscriber-open').allTextContents()).toEqual(['Anna Müller', 'Ben Schmidt', 'Clara Weber']);
  await page.getByTestId('sort-name').click();
  await expect(page.locator('th[data-column="name"]')).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(() => subscribers.rows().getByTestId('subscriber-open').allTextContents()).toEqual(['Clara Weber', 'Ben Schmidt', 'Anna Müller']);
  await subscribers.search('ben');
  await expect(subscribers.rows()).toHaveCount(1);
  await expect(subscribers.total()).toHaveText('1 match');
  await subscribers.search('');
  await expect(subscribers.rows()).toHaveCount(3);
  await page.screenshot({ path: screenshotPath('subscribers-view') });

  // The detail: contact, attributes and the timeline of all three messages.
  const detail = await subscribers.openDetail('Anna Müller');
  await expect(detail).toContainText('Golf');
  await expect(subscribers.timelineEntries()).toHaveCount(3);
  await expect.poll(() => subscribers.timelineStatuses()).toEqual(['scheduled', 'scheduled', 'scheduled']);
  await expect(subscribers.timelineEntries().nth(2)).toContainText('09:00');
  await page.screenshot({ path: screenshotPath('subscriber-detail') });

  // Pause: nothing is planned while paused; the row in the list follows.
  await detail.getByTestId('subscriber-pause').click();
  await expect(detail.getByTestId('status-badge')).toHaveAttribute('data-status', 'paused');
  await expect.poll(() => subscribers.timelineStatuses()).toEqual(['pending', 'pending', 'pending']);
  await expect(anna.getByTestId('status-badge')).toHaveAttribute('data-status', 'paused');
  // What they get next stays in view, without a time: nothing is planned until they resume.
  await expect(anna.getByTestId('subscriber-next')).toContainText('1. Welcome');
  await expect(anna.getByTestId('subscriber-next-when')).toHaveText('Paused');
  await expect(list.subscriberCount('Car enquiry')).toHaveCount(0); // (the list page is not shown)

  await detail.getByTestId('subscriber-resume').click();
  await expect(detail.getByTestId('status-badge')).toHaveAttribute('data-status', 'active');
  await expect.poll(() => subscribers.timelineStatuses()).toEqual(['scheduled', 'scheduled', 'scheduled']);
  await expect(anna.getByTestId('subscriber-next-when')).toHaveText(/\d\d:\d\d$/);
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();

  // Filter by status.
  await subscribers.filterStatus('paused');
  await expect(page.getByTestId('empty-state')).toContainText('No subscribers match');
  await subscribers.filterStatus('active');
  await expect(subscribers.rows()).toHaveCount(3);

  // Someone who starts later, at a time picked in the shop's zone (Berlin, UTC+1 in January).
  await subscribers.filterStatus('');
  await page.getByTestId('subscribers-add').click();
  await dialog.add({ phone: '+49 151 44444444', name: 'Dora Klein', startAt: '2030-01-15T09:00' });
  await expect(subscribers.rows()).toHaveCount(4);
  await expect(subscribers.row('Dora Klein')).toContainText('15 Jan 2030 09:00');
  const dora = await app.value<{ rows: Array<{ subscribedAt: number }> }>('subscribers.list', { sequenceId, search: 'Dora' });
  expect(dora.rows[0]?.subscribedAt).toBe(Date.UTC(2030, 0, 15, 8, 0));

  // Export: everyone in the sequence, as a CSV file.
  const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('subscribers-export').click()]);
  expect(exported.suggestedFilename()).toMatch(/\.csv$/);
  const exportLines = readFileSync(await exported.path(), 'utf8').trim().split(/\r?\n/);
  expect(exportLines).toHaveLength(5);
  for (const name of ['Anna Müller', 'Ben Schmidt', 'Clara Weber', 'Dora Klein']) expect(exportLines.some((line) => line.includes(name))).toBe(true);
});

test('a CSV import with a bad row and a duplicate: preview, progress, result, error report', async ({ app, page }) => {
  await seedSequence(app, 'Welcome series');
  const contacts = new ContactsPage(page);
  const importer = new ImportDialog(page);
  await app.open(page, '#/contacts');
  await expect(page.getByTestId('empty-state')).toContainText('No contacts yet');

  const csv = [
    'Name,Mobile,City,Customer no.',
    'Anna Müller,0151 11111111,Berlin,K-1001',
    '"Schmidt, Ben",+49 151 22222222,Hamburg,K-1002',
    'Broken Number,12,Köln,K-1003',
    'Clara Weber,0151 33333333,München,K-1004',
    'Anna M.,+49 151 11111111,Potsdam,K-1005',
  ].join('\r\n');

  await contacts.openImport();
  await importer.chooseFile('customers.csv', csv);
  await expect(importer.preview()).toBeVisible();
  await expect(importer.preview().locator('tbody tr')).toHaveCount(5);
  // The phone and name columns were recognised by their headers.
  await expect(importer.root.getByTestId('import-map-phone')).toHaveValue('Mobile');
  await expect(importer.root.getByTestId('import-map-name')).toHaveValue('Name');
  await expect(importer.root.getByTestId('import-attribute')).toHaveCount(2);
  await importer.subscribeTo('Welcome series');
  await page.screenshot({ path: screenshotPath('import-dialog-mapping') });

  await importer.run();
  await expect(importer.stat('created')).toHaveText('3');
  await expect(importer.stat('merged')).toHaveText('1');
  await expect(importer.stat('subscribed')).toHaveText('3');
  await expect(importer.stat('skipped')).toHaveText('1');
  await expect(importer.skippedRows()).toHaveCount(1);
  await expect(importer.skippedRows().first()).toHaveAttribute('data-line', '4');
  await expect(importer.skippedRows().first()).toContainText('too short');
  await expect(importer.skippedRows().first()).toContainText('Broken Number');
  await page.screenshot({ path: screenshotPath('import-result') });

  const [download] = await Promise.all([page.waitForEvent('download'), importer.root.getByTestId('import-error-report').click()]);
  expect(download.suggestedFilename()).toBe('customers-skipped-rows.csv');
  const downloadedPath = await download.path();
  const report = readFileSync(downloadedPath, 'utf8').replace(/^\ufeff/, '');
  const lines = report.trim().split(/\r?\n/);
  expect(lines[0]).toBe('line,reason,row');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toMatch(/^4,.*too short.*Broken Number,12,Köln,K-1003/);

  await importer.done();
  await expect(contacts.rows()).toHaveCount(3);
  const anna = contacts.row('+4915111111111');
  // The duplicate row merged into the first: one contact, the later row's values win.
  await expect(anna.getByTestId('membership-chip')).toHaveAttribute('data-status', 'active');
  await expect(anna.getByTestId('membership-chip')).toContainText('Welcome series');
  await expect(page.getByTestId('contacts-total')).toHaveText('3 contacts');
  await page.screenshot({ path: screenshotPath('contacts') });

  await contacts.search('weber');
  await expect(contacts.rows()).toHaveCount(1);
  await expect(contacts.rows().first()).toContainText('Clara Weber');

  // Edit her name and attributes; the row follows.
  await contacts.rows().first().getByTestId('contact-edit').click();
  const edit = page.getByTestId('contact-dialog');
  await edit.getByTestId('contact-name-input').fill('Clara Weber-Klein');
  await edit.getByTestId('attribute-add').click();
  await edit.getByTestId('attribute-key').last().fill('car');
  await edit.getByTestId('attribute-value').last().fill('Polo');
  await edit.getByTestId('dialog-submit').click();
  await expect(edit).toBeHidden();
  await expect(contacts.rows().first()).toContainText('Clara Weber-Klein');
  await expect(contacts.rows().first()).toContainText('car: Polo');

  // Delete her: the confirmation says what happens to her pending messages.
  await contacts.rows().first().getByTestId('contact-delete').click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('pending messages are cancelled');
  await confirm.getByTestId('confirm-delete').click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId('empty-state')).toContainText('No contacts match');
  await contacts.search('');
  await expect(contacts.rows()).toHaveCount(2);
});
