import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { openTempStore, type TempStore } from '../store/test-store';
import { CsvExporter, slug } from './csv-export';
import { ENV, importInput, NOW, seedSequence } from './import-test-support';
import { runImport } from './run-import';

let temp: TempStore;
let exporter: CsvExporter;
const CONTEXT = { now: NOW, timeZone: 'Europe/Berlin' };
beforeEach(() => {
  temp = openTempStore();
  exporter = new CsvExporter(temp.store, CONTEXT);
});
afterEach(() => temp.cleanup());

/** The records as a spreadsheet would split them. */
function records(csv: string): string[][] {
  expect(csv.startsWith('\ufeff')).toBe(true);
  return Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;
}

const PEOPLE = [
  'Name,Phone,City,Tier',
  'Ben,0151 87654321,Ulm,',
  '"=HYPERLINK(""http://evil.example"",""click"")",0151 11111111,,gold',
  '"Anna, Müller",0151 12345678,"Berlin',
  'Mitte",',
].join('\n');
const MAPPING = { phone: 'Phone', name: 'Name', attributes: [{ column: 'City', attribute: 'city' }, { column: 'Tier', attribute: 'tier' }] };

describe('contacts export', () => {
  it('writes phone, name and one column per attribute, sorted by name, formulas neutralised', () => {
    runImport(temp.store, importInput(PEOPLE, { mapping: MAPPING }), ENV);
    const exported = exporter.contacts({ search: '' });

    expect(exported).toMatchObject({ fileName: 'contacts-2026-11-02.csv', rowCount: 3 });
    expect(records(exported.csv)).toEqual([
      ['Phone', 'Name', 'city', 'tier'],
      ["'+4915111111111", `'=HYPERLINK("http://evil.example","click")`, '', 'gold'],
      ["'+4915112345678", 'Anna, Müller', 'Berlin\nMitte', ''],
      ["'+4915187654321", 'Ben', 'Ulm', ''],
    ]);
  });

  it('exports only the contacts matching the search', () => {
    runImport(temp.store, importInput(PEOPLE, { mapping: MAPPING }), ENV);
    const exported = exporter.contacts({ search: 'müller' });
    expect(exported.rowCount).toBe(1);
    expect(records(exported.csv)[1]?.[1]).toBe('Anna, Müller');
  });

  it('imports back unchanged', () => {
    runImport(temp.store, importInput(PEOPLE, { mapping: MAPPING }), ENV);
    const original = exporter.contacts({ search: '' });

    const other = openTempStore();
    try {
      const mapping = { phone: 'Phone', name: 'Name', attributes: [{ column: 'city', attribute: 'city' }, { column: 'tier', attribute: 'tier' }] };
      const result = runImport(other.store, importInput(original.csv, { mapping }), ENV);
      expect(result).toMatchObject({ created: 3, skipped: [] });
      expect(new CsvExporter(other.store, CONTEXT).contacts({ search: '' }).csv).toBe(original.csv);
    } finally {
      other.cleanup();
    }
  });

  it('is just a header when there is nobody', () => {
    expect(exporter.contacts({ search: '' })).toEqual({ fileName: 'contacts-2026-11-02.csv', csv: '\ufeffPhone,Name\r\n', rowCount: 0 });
  });
});

describe('subscribers export', () => {
  it('adds status, progress and times in the business time zone', () => {
    const { store } = temp;
    const { sequenceId, firstMessageId } = seedSequence(store, 'Welcome Séries: Autumn!');
    runImport(store, importInput(PEOPLE, { mapping: MAPPING, sequenceId }), ENV);
    // Ben received the first message an hour later, and is paused.
    store.db
      .prepare(`UPDATE subscriptions SET status = 'paused', last_sent_message_id = ?, last_sent_at = ?, sent_count = 1, next_message_id = NULL, next_due_at = NULL
                WHERE contact_id = (SELECT id FROM contacts WHERE phone = '+4915187654321')`)
      .run(firstMessageId, NOW + 3_600_000);

    const exported = exporter.subscribers({ sequenceId });
    expect(exported).toMatchObject({ fileName: 'subscribers-welcome-series-autumn-2026-11-02.csv', rowCount: 3 });
    const [header, ...rows] = records(exported.csv);
    expect(header).toEqual(['Phone', 'Name', 'Status', 'Subscribed at', 'Last message', 'Last sent at', 'Next message', 'Next due at', 'Messages sent', 'city', 'tier']);
    // Imported in file order at the same instant: by subscription time, then id.
    expect(rows).toEqual([
      ["'+4915187654321", 'Ben', 'paused', '2026-11-02T10:00:00+01:00', 'Hello', '2026-11-02T11:00:00+01:00', '', '', '1', 'Ulm', ''],
      ["'+4915111111111", `'=HYPERLINK("http://evil.example","click")`, 'active', '2026-11-02T10:00:00+01:00', '', '', 'Hello', '2026-11-02T12:00:00+01:00', '0', '', 'gold'],
      ["'+4915112345678", 'Anna, Müller', 'active', '2026-11-02T10:00:00+01:00', '', '', 'Hello', '2026-11-02T12:00:00+01:00', '0', 'Berlin\nMitte', ''],
    ]);
  });

  it('refuses an unknown sequence', () => {
    expect(() => exporter.subscribers({ sequenceId: 77 })).toThrow(AppError);
    expect(() => exporter.subscribers({ sequenceId: 77 })).toThrow(/Sequence 77 does not exist/);
  });
});

describe('slug', () => {
  it('keeps letters and digits of the name, folded, for a file name', () => {
    expect(slug('Welcome Séries: Autumn!', 1)).toBe('welcome-series-autumn');
    expect(slug('🎉🎉', 7)).toBe('sequence-7');
    expect(slug('a'.repeat(39) + ' b c', 1)).toBe('a'.repeat(39));
  });
});
