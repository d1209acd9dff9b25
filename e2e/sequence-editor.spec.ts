import { test, expect, screenshotPath } from './fixtures';
import { SequencesPage } from './pages/sequences-page';
import { SequenceEditorPage } from './pages/sequence-editor-page';

// A real 1×1 PNG, so the app's file-type detection accepts it as an image.
const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

test('a shop owner builds a sequence, reorders it, duplicates, renames, deletes the copy, and it all persists', async ({ app, page }) => {
  const list = new SequencesPage(page);
  const editor = new SequenceEditorPage(page);
  await app.open(page);

  await expect(page.getByTestId('empty-state')).toBeVisible();
  await list.create('Car enquiry follow-up', 'For everyone who asks about a car on WhatsApp');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await editor.addMessage({ name: 'Welcome', body: 'Hi {{name|there}}, thanks for writing to us!', delayAmount: 0, delayUnit: 'minutes' });
  await editor.addMessage({
    name: 'Brochure',
    body: 'Here is the brochure for the {{car|car you asked about}}.',
    delayAmount: 2,
    delayUnit: 'hours',
    mediaFile: { name: 'brochure.png', mimeType: 'image/png', buffer: tinyPng },
  });
  await editor.addMessage({ name: 'Offer', body: 'A special offer for you, {{first_name}}.', delayAmount: 2, delayUnit: 'days', exactTime: '09:00' });

  await expect.poll(() => editor.messageNames()).toEqual(['Welcome', 'Brochure', 'Offer']);
  await expect(editor.message('Offer')).toContainText('at 09:00');
  await expect(editor.message('Brochure').getByTestId('message-row-media')).toContainText('brochure.png');
  await expect(page.getByTestId('timeline-item')).toHaveCount(3);

  // Drag the offer to the top by its order-number handle.
  await editor.drag('Offer', 'Welcome');
  await expect.poll(() => editor.messageNames()).toEqual(['Offer', 'Welcome', 'Brochure']);

  // Keyboard-accessible reordering too: move the brochure up one place.
  await editor.message('Brochure').getByTestId('message-move-up').click();
  await expect.poll(() => editor.messageNames()).toEqual(['Offer', 'Brochure', 'Welcome']);

  await editor.setEnabled('Welcome', false);
  // A disabled message is skipped when sending, so the timeline no longer lists it.
  await expect(page.getByTestId('timeline-item')).toHaveCount(2);
  await page.screenshot({ path: screenshotPath('sequence-editor'), fullPage: true });

  await list.goto();
  await list.duplicate('Car enquiry follow-up');
  await expect(list.row('Car enquiry follow-up (copy)')).toBeVisible();
  await expect(list.row('Car enquiry follow-up (copy)')).toContainText('3');

  await list.rename('Car enquiry follow-up', 'Car enquiry');
  await expect(list.row('Car enquiry')).toBeVisible();
  await page.screenshot({ path: screenshotPath('sequences-list'), fullPage: true });

  await list.delete('Car enquiry follow-up (copy)');
  await expect(list.row('Car enquiry follow-up (copy)')).toHaveCount(0);

  // Everything persisted: reload the whole page, then restart the server itself.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-app-ready', 'true');
  await app.restart();
  await app.open(page);
  await expect(list.rows()).toHaveCount(1);
  await expect(list.row('Car enquiry')).toBeVisible();
  await list.open('Car enquiry');
  await expect.poll(() => editor.messageNames()).toEqual(['Offer', 'Brochure', 'Welcome']);
  await expect(editor.message('Welcome').getByTestId('message-toggle')).toHaveAttribute('aria-checked', 'false');
  await expect(editor.message('Brochure').getByTestId('message-row-media')).toContainText('brochure.png');
  await expect(editor.message('Offer')).toContainText('at 09:00');

  // The copy kept everything but its own identity: check it through the API.
  const listed = (await app.api('sequences.list', {})).body as { ok: true; value: Array<{ name: string }> };
  expect(listed.value.map((sequence) => sequence.name)).toEqual(['Car enquiry']);
});

test('the live preview fills attributes from a sample contact and uses the fallback', async ({ app, page }) => {
  const list = new SequencesPage(page);
  await app.open(page);
  await list.create('Preview check');
  await page.getByTestId('add-message').first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByTestId('message-body-input').fill('Hello {{first_name}}, your {{colour|new car}} is ready.');
  await expect(dialog.getByTestId('message-preview')).toContainText('Hello Maria, your new car is ready.');
  await dialog.getByTestId('message-name-input').fill('');
  await dialog.getByTestId('dialog-submit').click();
  await expect(dialog.locator('[data-testid="field-error"][data-field="name"]')).toBeVisible();
  await page.screenshot({ path: screenshotPath('message-form'), fullPage: true });
});
