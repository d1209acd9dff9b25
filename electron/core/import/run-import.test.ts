import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../../shared/domain';
import { AppError } from '../errors';
import { dueAtAfter } from '../schedule/timing-rules';
import { openTempStore, type TempStore } from '../store/test-store';
import { countRows, ENV, importInput, manyRowsCsv, NOW, seedSequence, snapshot } from './import-test-support';
import { runImport } from './run-import';

let temp: TempStore;
beforeEach(() => {
  temp = openTempStore();
});
afterEach(() => temp.cleanup());

async function rejection(run: () => unknown): Promise<AppError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('runImport', () => {
  it('creates contacts with normalised phones, names and attributes, and subscribes them', () => {
    const { store } = temp;
    const { sequenceId, firstMessageId } = seedSequence(store);
    const csv = 'Name,Phone,City,Ignored\nAnna Müller,0151 12345678,Berlin,x\nBen,+49 151 87654321,,y\n';
    const result = runImport(store, importInput(csv, { sequenceId }), ENV);

    expect(result).toMatchObject({ status: 'completed', totalRows: 2, created: 2, updated: 0, mergedDuplicates: 0, subscribed: 2, alreadySubscribed: 0, skipped: [] });
    const anna = store.contacts.findByPhone('+4915112345678');
    expect(anna).toMatchObject({ name: 'Anna Müller', attributes: { city: 'Berlin' }, source: 'import' });
    expect(store.contacts.findByPhone('+4915187654321')).toMatchObject({ name: 'Ben', attributes: {} });

    const { rows } = store.subscriptions.list({ sequenceId, search: '', status: null, sort: 'name', direction: 'asc', offset: 0, limit: 10 });
    const expectedDue = dueAtAfter(NOW, { delayAmount: 2, delayUnit: 'hours', sendAt: null }, ENV.schedule);
    expect(rows.map((row) => [row.name, row.status, row.source, row.subscribedAt, row.nextMessage?.id, row.nextDueAt])).toEqual([
      ['Anna Müller', 'active', 'import', NOW, firstMessageId, expectedDue],
      ['Ben', 'active', 'import', NOW, firstMessageId, expectedDue],
    ]);
    expect(store.sequences.findById(sequenceId)).toMatchObject({ subscriberCount: 2, activeSubscriberCount: 2 });
  });

  it('merges rows with the same phone into one contact, later non-empty values winning', () => {
    const { store } = temp;
    const csv = 'Name,Phone,City\nAnna,0151 12345678,Berlin\nBen,0151 22222222,\n,+4915112345678,Hamburg\nAnna M.,+49 (151) 1234-5678,\n';
    const result = runImport(store, importInput(csv), ENV);
    expect(result).toMatchObject({ totalRows: 4, created: 2, mergedDuplicates: 2, skipped: [] });
    expect(store.contacts.findByPhone('+4915112345678')).toMatchObject({ name: 'Anna M.', attributes: { city: 'Hamburg' } });
    expect(countRows(store, 'contacts')).toBe(2);
  });

  it('merges a row into one thousands of rows earlier, already written, and into a saved contact repeated far apart', () => {
    const { store } = temp;
    const { sequenceId } = seedSequence(store);
    runImport(store, importInput('Name,Phone,City\nSaved,0151 99999999,Köln\n', { sequenceId: null }), ENV);
    const lines = manyRowsCsv(6000).split('\n');
    lines[3] = 'Saved again,0151 99999999,';
    // The last two rows repeat row 1's phone in another spelling, and the saved contact's.
    lines.push('Anna Zero,+4915120000000,Hamburg', 'Saved once more,+49 151 99999999,Bonn');
    const result = runImport(store, importInput(lines.join('\n'), { sequenceId }), ENV);

    expect(result).toMatchObject({ status: 'completed', totalRows: 6002, created: 5999, updated: 1, mergedDuplicates: 2, subscribed: 6000, skipped: [] });
    expect(store.contacts.findByPhone('+4915120000000')).toMatchObject({ name: 'Anna Zero', attributes: { city: 'Hamburg' } });
    expect(store.contacts.findByPhone('+4915199999999')).toMatchObject({ name: 'Saved once more', attributes: { city: 'Bonn' } });
    expect(countRows(store, 'contacts')).toBe(6000);
    // The merged values are what the search finds, too.
    expect(store.contacts.list({ search: 'anna zero', sort: 'name', direction: 'asc', offset: 0, limit: 5 }).rows.map((row) => row.phone)).toEqual([
      '+4915120000000',
    ]);
  });

  it('skips bad rows, listing their line in the file, the reason and the row, and imports the rest', () => {
    const { store } = temp;
    const csv = [
      'Name,Phone,City', // 1
      'Anna,0151 12345678,Berlin', // 2
      'No number,,Köln', // 3
      '"Multi', // 4
      'line",12,Bonn', // 5: the row starting on line 4 has a phone far too short
      'Ben,0151 87654321,Ulm', // 6
      'Excel,4.91511E+12,Ulm', // 7
    ].join('\r\n');
    const result = runImport(store, importInput(csv), ENV);
    expect(result).toMatchObject({ totalRows: 5, created: 2 });
    expect(result.skipped.map((row) => [row.line, row.raw])).toEqual([
      [3, 'No number,,Köln'],
      [4, '"Multi\r\nline",12,Bonn'],
      [7, 'Excel,4.91511E+12,Ulm'],
    ]);
    expect(result.skipped[0]?.reason).toBe('No phone number.');
    expect(result.skipped[1]?.reason).toBe('This number is too short for Germany');
    expect(result.errorReportCsv.split('\r\n')[0]).toBe('\ufeffline,reason,row');
    expect(result.errorReportCsv).toContain('3,No phone number.,"No number,,Köln"');
  });

  it('updates existing contacts: name replaced when given, attributes merged; live subscriptions stay as they are', () => {
    const { store } = temp;
    const { sequenceId } = seedSequence(store);
    const existing = store.write(() => {
      const anna = store.contacts.insert({ phone: '+4915112345678', name: 'Anna', attributes: { tier: 'gold', city: 'Köln' }, source: 'manual', consentNote: '' }, NOW - 1000);
      const ben = store.contacts.insert({ phone: '+4915187654321', name: 'Ben', attributes: {}, source: 'manual', consentNote: '' }, NOW - 1000);
      store.subscriptions.insertActive({ contactId: anna, sequenceId, source: 'manual', subscribedAt: NOW - 1000, nextMessageId: null, nextDueAt: null }, NOW - 1000);
      return { anna, ben };
    });
    const before = store.subscriptions.findState(1);

    const csv = 'Name,Phone,City\nAnna Schmidt,0151 12345678,Berlin\n,0151 87654321,Ulm\n';
    const result = runImport(store, importInput(csv, { sequenceId }), ENV);

    expect(result).toMatchObject({ created: 0, updated: 2, subscribed: 1, alreadySubscribed: 1 });
    expect(store.contacts.findById(existing.anna)).toMatchObject({ name: 'Anna Schmidt', attributes: { tier: 'gold', city: 'Berlin' }, source: 'manual' });
    expect(store.contacts.findById(existing.ben)).toMatchObject({ name: 'Ben', attributes: { city: 'Ulm' } });
    expect(store.subscriptions.findState(1)).toEqual(before);
    expect(countRows(store, 'subscriptions')).toBe(2);
  });

  it('never subscribes someone who opted out, but still updates their details and says so', () => {
    const { store } = temp;
    const { sequenceId } = seedSequence(store);
    store.write(() => store.contacts.insert({ phone: '+4915112345678', name: 'Anna', attributes: {}, source: 'inbound', consentNote: '' }, NOW));
    store.db.prepare("UPDATE contacts SET opted_out_at = ? WHERE phone = '+4915112345678'").run(NOW);

    const result = runImport(store, importInput('Name,Phone,City\nAnna B.,0151 12345678,Ulm\nBen,0151 87654321,Ulm\n', { sequenceId }), ENV);
    expect(result).toMatchObject({ created: 1, updated: 1, subscribed: 1, alreadySubscribed: 0 });
    expect(result.skipped).toEqual([{ line: 2, reason: expect.stringMatching(/not subscribed: this person opted out/), raw: 'Anna B.,0151 12345678,Ulm' }]);
    expect(store.contacts.findByPhone('+4915112345678')).toMatchObject({ name: 'Anna B.', attributes: { city: 'Ulm' } });
    expect(countRows(store, 'subscriptions')).toBe(1);
  });

  it('skips a row whose merge would give the saved contact too many attributes', () => {
    const { store } = temp;
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, 'x']));
    store.write(() => store.contacts.insert({ phone: '+4915112345678', name: 'Anna', attributes: fifty, source: 'manual', consentNote: '' }, NOW));
    const before = snapshot(store);
    const result = runImport(store, importInput('Name,Phone,City\nAnna,0151 12345678,Ulm\n'), ENV);
    expect(result).toMatchObject({ created: 0, updated: 0, skipped: [{ line: 2, reason: expect.stringMatching(/At most 50 attributes/) }] });
    expect(snapshot(store)).toBe(before);
  });

  it('refuses an unknown sequence before doing anything', async () => {
    const { store } = temp;
    const progress: ImportProgress[] = [];
    const error = await rejection(() => runImport(store, importInput(manyRowsCsv(3), { sequenceId: 999 }), ENV, { onProgress: (p) => progress.push(p) }));
    expect(error.code).toBe('NOT_FOUND');
    expect(progress).toEqual([]);
    expect(countRows(store, 'contacts')).toBe(0);
  });

  it('refuses mapped columns the file lacks, naming the mapping field', async () => {
    const error = await rejection(() => runImport(temp.store, importInput(manyRowsCsv(3), { mapping: { phone: 'Mobile' } }), ENV));
    expect(error).toMatchObject({ code: 'VALIDATION', field: 'mapping.phone' });
  });

  it('imports a file without header by column number', () => {
    const result = runImport(temp.store, importInput('0151 12345678;Anna\n0151 87654321;Ben\n', { hasHeader: false, mapping: { phone: 'Column 1', name: 'Column 2' } }), ENV);
    expect(result).toMatchObject({ totalRows: 2, created: 2 });
    expect(temp.store.contacts.findByPhone('+4915112345678')?.name).toBe('Anna');
  });

  it('reports parsing, validating, writing and done, in that order, never past the total', () => {
    const progress: ImportProgress[] = [];
    runImport(temp.store, importInput(manyRowsCsv(5000)), ENV, { onProgress: (p) => progress.push(p) });
    const phases = progress.map((p) => p.phase).filter((phase, i, all) => all[i - 1] !== phase);
    expect(phases).toEqual(['parsing', 'validating', 'writing', 'done']);
    expect(progress.every((p) => p.processed <= p.total && p.importId === 'import-0001')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', processed: 5000, total: 5000 });
  });

  it('leaves the database exactly as it was when cancelled in the middle of writing', () => {
    const { store } = temp;
    const { sequenceId } = seedSequence(store);
    runImport(store, importInput('Name,Phone,City\nAnna,0151 20000001,Köln\n', { sequenceId }), ENV);
    const before = snapshot(store);

    let cancelled = false;
    const result = runImport(store, importInput(manyRowsCsv(5000), { sequenceId }), ENV, {
      // The owner presses Cancel once some contacts have been written inside the transaction.
      onProgress: (p) => {
        if (p.phase === 'writing' && p.processed > 0) cancelled = true;
      },
      isCancelled: () => cancelled,
    });

    expect(result).toMatchObject({ status: 'cancelled', created: 0, subscribed: 0 });
    expect(snapshot(store)).toBe(before);
  });

  it('stops while parsing when cancelled before the write, writing nothing', () => {
    const result = runImport(temp.store, importInput(manyRowsCsv(5000)), ENV, { isCancelled: () => true });
    expect(result.status).toBe('cancelled');
    expect(countRows(temp.store, 'contacts')).toBe(0);
  });

  it('leaves the database exactly as it was when a write fails half-way', () => {
    const { store } = temp;
    const { sequenceId } = seedSequence(store);
    runImport(store, importInput('Name,Phone,City\nAnna,0151 20000001,Köln\n', { sequenceId }), ENV);
    const before = snapshot(store);
    // A fault on the 4,000th new contact, long after the first chunks were written.
    store.db.exec(`CREATE TRIGGER fail_late BEFORE INSERT ON contacts WHEN NEW.phone = '+4915120003999'
                   BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);

    expect(() => runImport(store, importInput(manyRowsCsv(5000), { sequenceId }), ENV)).toThrow(/disk trouble/);
    expect(snapshot(store)).toBe(before);
  });
});
