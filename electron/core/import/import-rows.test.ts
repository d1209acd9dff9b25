import { describe, expect, it } from 'vitest';
import type { CsvRow } from './csv-rows';
import { ContactCollector, type NormalisePhone } from './import-rows';

/** Stand-in for the real normaliser: digits only, 6 to 12 of them. */
const normalise: NormalisePhone = (raw) => {
  const digits = raw.replace(/[\s()-]/g, '').replace(/^\+/, '');
  if (!/^\d{6,12}$/.test(digits)) return { ok: false, reason: `"${raw}" is not a phone number.` };
  return { ok: true, phone: `+${digits}` };
};

const mapping = { phone: 0, name: 1, attributes: [{ index: 2, attribute: 'city' }, { index: 3, attribute: 'tier' }] };

function rows(...cells: string[][]): CsvRow[] {
  return cells.map((row, i) => ({ line: i + 2, cells: row, raw: row.join(','), problem: null }));
}

/** Every row through one collector, as the import reads a file. */
function collectContacts(input: readonly CsvRow[], mapping: ConstructorParameters<typeof ContactCollector>[0], normalisePhone: NormalisePhone) {
  const collector = new ContactCollector(mapping, normalisePhone);
  // What `add` hands out, one per distinct phone in file order; later rows merge into these objects.
  const contacts = input.map((row) => collector.add(row)).filter((contact) => contact !== null);
  return { contacts, skipped: collector.skipped, mergedDuplicates: collector.mergedDuplicates, collector };
}

describe('ContactCollector', () => {
  it('makes one contact per row with its normalised phone, name and non-empty attributes', () => {
    const { contacts, skipped } = collectContacts(rows(['+49 151 123', ' Anna ', 'Berlin', '']), mapping, normalise);
    expect(skipped).toEqual([]);
    expect(contacts).toEqual([{ phone: '+49151123', name: 'Anna', attributes: { city: 'Berlin' }, line: 2, raw: '+49 151 123, Anna ,Berlin,' }]);
  });

  it('merges rows with the same phone: later non-empty values win, empty cells erase nothing', () => {
    const { contacts, mergedDuplicates } = collectContacts(
      rows(
        ['+49151123', 'Anna', 'Berlin', 'gold'],
        ['+49151999', 'Ben', '', ''],
        ['+49 151 123', '', 'Hamburg', ''],
        ['49151123', 'Anna B.', '', ''],
      ),
      mapping,
      normalise,
    );
    expect(mergedDuplicates).toBe(2);
    expect(contacts).toMatchObject([
      { phone: '+49151123', name: 'Anna B.', attributes: { city: 'Hamburg', tier: 'gold' }, line: 2 },
      { phone: '+49151999', name: 'Ben', attributes: {}, line: 3 },
    ]);
  });

  it('skips bad rows with their line, a reason and the row as written', () => {
    const input: CsvRow[] = [
      ...rows(['', 'No phone'], ['12', 'Too short'], ['4.91511E+12', 'Excel'], ['+49151123', 'x'.repeat(201)], ['+49151123', 'A', 'y'.repeat(1001)]),
      { line: 9, cells: ['+49151777', 'Bad"quote'], raw: '+49151777,"Bad"quote', problem: 'The quotes in this row are malformed.' },
    ];
    const { contacts, skipped } = collectContacts(input, mapping, normalise);
    expect(contacts).toEqual([]);
    expect(skipped.map((error) => error.line)).toEqual([2, 3, 4, 5, 6, 9]);
    expect(skipped[0]).toEqual({ line: 2, reason: 'No phone number.', raw: ',No phone' });
    expect(skipped[1]?.reason).toBe('"12" is not a phone number.');
    expect(skipped[2]?.reason).toMatch(/rounded number.*text/);
    expect(skipped[3]?.reason).toMatch(/name is longer than 200/);
    expect(skipped[4]?.reason).toMatch(/"city" is longer than 1000/);
    expect(skipped[5]).toEqual({ line: 9, reason: 'The quotes in this row are malformed.', raw: '+49151777,"Bad"quote' });
  });

  it('reads cells the export neutralised (leading quote) as they were', () => {
    const { contacts } = collectContacts(rows(["'+49151123", "'=Anna"]), mapping, normalise);
    expect(contacts).toMatchObject([{ phone: '+49151123', name: '=Anna', attributes: {} }]);
  });

  it('hands out each new phone once and lists the contacts later rows added to, so a writer can save them again', () => {
    const collector = new ContactCollector(mapping, normalise);
    const [anna, ben] = rows(['+49151123', 'Anna', '', ''], ['+49151999', 'Ben', '', ''], ['49151123', '', 'Hamburg', '']);
    if (anna === undefined || ben === undefined) throw new Error('rows missing');
    const first = collector.add(anna);
    expect(first).toMatchObject({ phone: '+49151123', attributes: {} });
    expect(collector.add(ben)).toMatchObject({ phone: '+49151999' });
    expect(collector.add(rows(['+49151123'], ['49151123', '', 'Hamburg', ''])[1] ?? anna)).toBeNull();
    expect([...collector.mergedAfterFirstRow]).toEqual([first]);
    expect(first).toMatchObject({ name: 'Anna', attributes: { city: 'Hamburg' } });
    expect(collector.contactCount).toBe(2);
  });

  it('treats missing cells of a short row as empty', () => {
    const { contacts } = collectContacts(rows(['+49151123']), mapping, normalise);
    expect(contacts).toMatchObject([{ phone: '+49151123', name: '', attributes: {} }]);
  });
});
