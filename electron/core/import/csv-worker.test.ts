/**
 * The real worker path of imports and exports: the CSV worker is bundled with esbuild into a temp
 * folder first (as esbuild.config.mjs bundles it for the app), then run as a thread on its own
 * connection to the test database.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../shared/contract';
import type { ImportProgress } from '../../../shared/domain';
import { AppError } from '../errors';
import { EventBus } from '../events';
import { silentLogger } from '../logger';
import { FakeClock } from '../services/test-harness';
import { openStore, type Store } from '../store/store';
import { makeTempDir, type TempDir } from '../store/test-store';
import { tryNormalizePhone } from '../services/phone';
import { WRONG_ENCODING_MESSAGE } from './csv-text';
import { createExportService, type ExportService } from './export-service';
import { createImportService, type ImportService } from './import-service';
import { countRows, importInput, manyRowsCsv, NOW, seedSequence, snapshot } from './import-test-support';
import { buildCsvWorker } from './test-worker-build';

let buildDir: TempDir;
let workerFile: string;
beforeAll(async () => {
  buildDir = makeTempDir();
  workerFile = await buildCsvWorker(buildDir.dir);
});
afterAll(() => buildDir.cleanup());

let temp: TempDir;
let store: Store;
let events: EventBus;
let service: ImportService;
let exports: ExportService;
let progress: ImportProgress[];
let changes: Array<EventPayload<'data.changed'>['tables']>;

beforeEach(() => {
  temp = makeTempDir();
  const dbPath = path.join(temp.dir, 'test.db');
  store = openStore(dbPath);
  events = new EventBus();
  progress = [];
  changes = [];
  events.on('import.progress', (p) => progress.push(p));
  events.on('data.changed', ({ tables }) => changes.push([...tables].sort()));
  service = createImportService({
    dbPath,
    store,
    events,
    clock: new FakeClock(NOW),
    logger: silentLogger,
    settings: { get: () => ({ defaultCountry: 'DE' }), scheduleContext: () => ({ timeZone: 'Europe/Berlin' }) },
    workerFile,
    progressIntervalMs: 0,
  });
  exports = createExportService({ dbPath, store, clock: new FakeClock(NOW), logger: silentLogger, settings: { get: () => ({ timeZone: 'Europe/Berlin' }) }, workerFile });
});
afterEach(async () => {
  await service.close();
  store.close();
  temp.cleanup();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('import service (worker thread)', () => {
  it('imports in the worker, reports progress, and announces the tables it changed', async () => {
    const { sequenceId } = seedSequence(store);
    const csv = 'Name,Phone,City\nAnna,0151 12345678,Berlin\nBad,123,Köln\nAnna M.,+4915112345678,\nBen,0151 87654321,Ulm\n';
    const result = await service.run(importInput(csv, { sequenceId }));

    expect(result).toMatchObject({ status: 'completed', totalRows: 4, created: 2, mergedDuplicates: 1, subscribed: 2 });
    expect(result.skipped).toMatchObject([{ line: 3, raw: 'Bad,123,Köln' }]);
    // Written on the worker's connection, visible on the main one.
    expect(store.contacts.findByPhone('+4915112345678')).toMatchObject({ name: 'Anna M.', attributes: { city: 'Berlin' } });
    expect(store.sequences.findById(sequenceId)?.subscriberCount).toBe(2);

    const phases = progress.map((p) => p.phase).filter((phase, i, all) => all[i - 1] !== phase);
    expect(phases).toEqual(['parsing', 'validating', 'writing', 'done']);
    expect(progress.filter((p) => p.phase === 'done')).toEqual([{ importId: 'import-0001', phase: 'done', processed: 4, total: 4 }]);
    expect(changes).toEqual([['contacts', 'sequences', 'subscriptions']]);
  });

  it('checks the phone numbers on a second thread while it writes, with the same answers as checking them here', async () => {
    const lines = ['Name,Phone,City'];
    for (let i = 0; i < 12_000; i++) lines.push(`Person ${i},0151 ${String(20_000_000 + i)},Berlin`);
    // Refused rows early and late, and an early number repeated thousands of rows (chunks) later.
    lines[10] = 'Early bad,123,Berlin';
    lines[11_000] = 'Late bad,0151 999,Berlin';
    lines[11_500] = 'Late repeat,+49 151 20000005,Hamburg';
    const result = await service.run(importInput(lines.join('\n')));

    expect(result).toMatchObject({ status: 'completed', totalRows: 12_000, created: 11_997, mergedDuplicates: 1 });
    expect(result.skipped.map((row) => row.line)).toEqual([11, 11_001]);
    // The helper's answer reads exactly as this thread's own would.
    const inline = tryNormalizePhone('0151 999', 'DE');
    expect(inline.ok).toBe(false);
    expect(result.skipped[1]?.reason).toBe(inline.ok ? null : inline.reason);
    expect(store.contacts.findByPhone('+4915120000005')).toMatchObject({ name: 'Late repeat', attributes: { city: 'Hamburg' } });
    expect(store.contacts.findByPhone('+4915120011998')).toMatchObject({ name: 'Person 11998' });
  });

  it('relays a few progress events a second at most: within the interval only a new phase goes through', async () => {
    const throttled = createImportService({
      dbPath: path.join(temp.dir, 'test.db'),
      store,
      events,
      clock: new FakeClock(NOW),
      logger: silentLogger,
      settings: { get: () => ({ defaultCountry: 'DE' }), scheduleContext: () => ({ timeZone: 'Europe/Berlin' }) },
      workerFile,
      progressIntervalMs: 60_000,
    });
    await throttled.run(importInput(manyRowsCsv(5000)));
    expect(progress.map((p) => p.phase)).toEqual(['parsing', 'validating', 'writing', 'done']);
  });

  it('runs one import at a time', async () => {
    const first = service.run(importInput(manyRowsCsv(2000)));
    const second = await rejection(service.run(importInput(manyRowsCsv(10), { importId: 'import-0002' })));
    expect(second).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already running/) });
    expect((await first).created).toBe(2000);
    // Once the first is over, the next one may start.
    expect((await service.run(importInput(manyRowsCsv(10), { importId: 'import-0003' }))).status).toBe('completed');
  });

  it('cancels through the shared flag: nothing is written and the result says cancelled', async () => {
    const { sequenceId } = seedSequence(store);
    const before = snapshot(store);
    const running = service.run(importInput(manyRowsCsv(5000), { sequenceId }));
    expect(service.cancel('some-other-import')).toEqual({ cancelled: false });
    expect(service.cancel('import-0001')).toEqual({ cancelled: true });

    expect((await running).status).toBe('cancelled');
    expect(snapshot(store)).toBe(before);
    expect(progress.filter((p) => p.phase === 'cancelled')).toHaveLength(1);
    expect(progress.at(-1)?.phase).toBe('cancelled');
    expect(changes).toEqual([]);
    expect(service.cancel('import-0001')).toEqual({ cancelled: false });
  });

  it('passes the worker’s AppErrors on as they are, and reports the import failed', async () => {
    const broken = new TextDecoder().decode(Buffer.from('Name,Phone\nM\xfcller,0151 12345678\n', 'latin1'));
    const error = await rejection(service.run(importInput(broken, { mapping: { phone: 'Phone' } })));
    expect(error).toMatchObject({ code: 'VALIDATION', message: WRONG_ENCODING_MESSAGE, field: 'csvText' });
    expect(progress.at(-1)?.phase).toBe('failed');
    expect(countRows(store, 'contacts')).toBe(0);
  });

  it('refuses an unknown sequence before starting a worker', async () => {
    const error = await rejection(service.run(importInput(manyRowsCsv(3), { sequenceId: 4242 })));
    expect(error.code).toBe('NOT_FOUND');
    expect(progress).toEqual([]);
  });
});

describe('export service (worker thread)', () => {
  it('exports contacts and subscribers from the worker', async () => {
    const { sequenceId } = seedSequence(store, 'Welcome');
    await service.run(importInput('Name,Phone,City\nAnna,0151 12345678,Berlin\nBen,0151 87654321,\n', { sequenceId }));

    const contacts = await exports.contacts({ search: 'ben' });
    expect(contacts).toEqual({ fileName: 'contacts-2026-11-02.csv', csv: '\ufeffPhone,Name\r\n"\'+4915187654321",Ben\r\n', rowCount: 1 });

    const subscribers = await exports.subscribers({ sequenceId });
    expect(subscribers).toMatchObject({ fileName: 'subscribers-welcome-2026-11-02.csv', rowCount: 2 });
    expect(subscribers.csv.split('\r\n')[1]).toBe(`"'+4915112345678",Anna,active,2026-11-02T10:00:00+01:00,,,Hello,2026-11-02T12:00:00+01:00,0,Berlin`);
  });

  it('refuses an unknown sequence', async () => {
    expect((await rejection(exports.subscribers({ sequenceId: 99 }))).code).toBe('NOT_FOUND');
  });
});
