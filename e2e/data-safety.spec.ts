/**
 * Data safety as the owner uses it: a sequence exported to a file and imported again (also over a
 * name that is taken, and a file that is not a sequence), and a backup restored from Settings.
 */
import path from 'node:path';
import { DataSafetyPage } from './pages/data-safety-page';
import { SequencesPage } from './pages/sequences-page';
import { expect, screenshotPath, test } from './fixtures';

interface Summary {
  id: number;
  name: string;
}

test('a sequence goes out as one file and comes back with its messages; a bad file is refused', async ({ app, page }, testInfo) => {
  const sequence = await app.value<Summary>('sequences.create', { name: 'Car enquiry' });
  for (const [i, name] of ['Welcome', 'Brochure'].entries()) {
    await app.value('messages.create', { sequenceId: sequence.id, name, body: `${name} text`, delayAmount: i, delayUnit: 'days' });
  }
  await app.open(page, '#/sequences');
  const safety = new DataSafetyPage(page);
  const sequences = new SequencesPage(page);

  const file = testInfo.outputPath('exported.zip');
  expect(await safety.exportSequence('Car enquiry', file)).toBe('Car enquiry.sequence.zip');

  await safety.importSequence(file);
  await expect(page.getByText('Imported as “Car enquiry (imported)”')).toBeVisible();
  await expect(sequences.row('Car enquiry (imported)').getByTestId('sequence-message-count')).toContainText('2');

  await safety.importSequence({ name: 'holiday.jpg.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
  await expect(page.getByText('Could not import “holiday.jpg.zip”: This file is not a sequence file')).toBeVisible();
  await expect(sequences.rows()).toHaveCount(2);
});

test('a backup made in Settings is restored, and the copy kept before the restore undoes it', async ({ app, page }) => {
  const sequence = await app.value<Summary>('sequences.create', { name: 'Welcome' });
  await app.open(page, '#/settings');
  const safety = new DataSafetyPage(page);
  await safety.backUpNow();

  await app.value('sequences.update', { id: sequence.id, name: 'Renamed later' });
  await safety.restoreNewest('manual');
  await expect(page.getByText(/^Restored the backup of /)).toBeVisible();
  await expect(page.locator('[data-testid="backup-row"][data-backup-kind="before-restore"]')).toHaveCount(1);
  await page.getByTestId('settings-backups').screenshot({ path: screenshotPath('settings-backups') });

  expect((await app.value<Summary[]>('sequences.list', {})).map((s) => s.name)).toEqual(['Welcome']);
  await safety.restoreNewest('before-restore');
  expect((await app.value<Summary[]>('sequences.list', {})).map((s) => s.name)).toEqual(['Renamed later']);

  expect(await safety.openLogsFolder()).toBe(path.join(app.dataDir, 'logs'));
});
