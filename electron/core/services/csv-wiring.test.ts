/**
 * The CSV import and exports are built in electron/core/import/ and tested there; this checks that
 * the contract methods reach them and that what they write is what the subscriber and contact
 * use cases then read.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCsvWorker } from '../import/test-worker-build';
import { makeTempDir, type TempDir } from '../store/test-store';
import { createHarness, type Harness } from './test-harness';

describe('CSV import and export through the API', () => {
  let build: TempDir;
  let workerFile: string;
  let h: Harness;
  beforeAll(async () => {
    build = makeTempDir();
    workerFile = await buildCsvWorker(build.dir);
  });
  afterAll(() => build.cleanup());
  beforeEach(() => {
    h = createHarness({ machineCountry: 'DE', csvWorkerFile: workerFile });
  });
  afterEach(() => h.cleanup());

  it('imports contacts into a sequence, then lists, counts and exports them', async () => {
    const seq = await h.call('sequences.create', { name: 'Welcome' });
    const message = await h.call('messages.create', { sequenceId: seq.id, name: 'Hi', body: 'Hi', delayAmount: 1, delayUnit: 'hours' });
    await h.call('subscribers.add', { sequenceId: seq.id, phone: '+4915100000001', name: 'Anna' });
    const csv = 'phone,name,city\n0151 00000001,Anna B,Berlin\n0151 00000002,Bob,Köln\nnot a phone,Eve,\n';
    const result = await h.call('contacts.import', {
      importId: 'wiring-test-1',
      csvText: csv,
      mapping: { phone: 'phone', name: 'name', attributes: [{ column: 'city', attribute: 'city' }] },
      sequenceId: seq.id,
    });
    expect(result).toMatchObject({ status: 'completed', created: 1, updated: 1, subscribed: 1, alreadySubscribed: 1 });
    expect(result.skipped.map((s) => s.line)).toEqual([4]);

    const list = await h.call('subscribers.list', { sequenceId: seq.id, sort: 'name' });
    expect(list.rows.map((r) => [r.name, r.source, r.nextMessage?.id])).toEqual([
      ['Anna B', 'manual', message.id],
      ['Bob', 'import', message.id],
    ]);
    expect((await h.call('sequences.list', {}))[0]).toMatchObject({ subscriberCount: 2, activeSubscriberCount: 2 });

    const subscribers = await h.call('subscribers.export', { sequenceId: seq.id });
    expect(subscribers.rowCount).toBe(2);
    expect(subscribers.csv).toContain('+4915100000002');
    const contacts = await h.call('contacts.export', { search: 'bob' });
    expect(contacts.rowCount).toBe(1);
    await expect(h.call('subscribers.export', { sequenceId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.call('contacts.cancelImport', { importId: 'wiring-test-1' })).toEqual({ cancelled: false });
  });
});
