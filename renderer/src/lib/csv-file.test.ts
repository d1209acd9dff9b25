import { describe, expect, it } from 'vitest';
import { ContactsImportInputSchema } from '../../../shared/contract';
import { attributeNameFor, checkCsvSize, decodeCsv, guessNameColumn, guessPhoneColumn, newImportId, previewCsv, WRONG_ENCODING_MESSAGE } from './csv-file';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('decodeCsv', () => {
  it('reads UTF-8, with or without the byte order mark Excel writes', () => {
    expect(decodeCsv('a.csv', bytes('Name,Phone\nJürgen,+49151\n'))).toEqual({ ok: true, text: 'Name,Phone\nJürgen,+49151\n' });
    expect(decodeCsv('a.csv', new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('Name')]))).toEqual({ ok: true, text: 'Name' });
  });

  it('refuses Windows-1252 and UTF-16 files with the way to fix them', () => {
    // "Jürgen" saved by an old Excel: ü is the single byte 0xFC.
    expect(decodeCsv('a.csv', new Uint8Array([0x4a, 0xfc, 0x72, 0x67, 0x65, 0x6e]))).toEqual({ ok: false, error: WRONG_ENCODING_MESSAGE });
    expect(decodeCsv('a.csv', new Uint8Array([0xff, 0xfe, 0x4e, 0x00, 0x61, 0x00]))).toEqual({ ok: false, error: WRONG_ENCODING_MESSAGE });
    expect(decodeCsv('a.csv', new Uint8Array([0x4e, 0x00, 0x61, 0x00]))).toEqual({ ok: false, error: WRONG_ENCODING_MESSAGE });
  });

  it('calls a file of blank lines empty', () => {
    const result = decodeCsv('list.csv', bytes('\r\n \r\n'));
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain('empty');
  });
});

describe('checkCsvSize', () => {
  it('refuses empty files and files over 20 MB before reading them', () => {
    expect(checkCsvSize('a.csv', 0)).toContain('empty');
    expect(checkCsvSize('big.csv', 50 * 1024 * 1024)).toBe('“big.csv” is 50.0 MB; CSV files can be at most 20.0 MB. Split it into smaller files.');
    expect(checkCsvSize('a.csv', 5 * 1024 * 1024)).toBeNull();
  });
});

describe('previewCsv', () => {
  it('shows the header as column names and the first rows', () => {
    const preview = previewCsv('Name , Mobile,\n\nAnna,0151 1234567,x\nBen,+49 151 7654321,y\n', true);
    expect(preview.columns).toEqual(['Name', 'Mobile', 'Column 3']);
    expect(preview.rows).toEqual([
      ['Anna', '0151 1234567', 'x'],
      ['Ben', '+49 151 7654321', 'y'],
    ]);
  });

  it('names the columns of a file without header, and guesses the semicolons of a European Excel', () => {
    const preview = previewCsv('Anna;0151 1234567\nBen;+49 151 7654321;VIP\n', false);
    expect(preview.columns).toEqual(['Column 1', 'Column 2', 'Column 3']);
    expect(preview.rows[1]).toEqual(['Ben', '+49 151 7654321', 'VIP']);
  });

  it('keeps quoted commas and line breaks inside a cell', () => {
    const preview = previewCsv('Name,Address\n"Müller, Anna","Street 1\nBerlin"\n', true);
    expect(preview.rows).toEqual([['Müller, Anna', 'Street 1\nBerlin']]);
  });

  it('stops after the preview rows', () => {
    const text = ['Phone', ...Array.from({ length: 1000 }, (_, i) => `+4915100${i}`)].join('\n');
    expect(previewCsv(text, true, 20).rows).toHaveLength(20);
  });
});

describe('column guesses', () => {
  it('finds the phone column by its header in several languages', () => {
    for (const header of ['Phone', 'Mobile number', 'WhatsApp', 'Telefon', 'Handynummer']) {
      expect(guessPhoneColumn({ columns: ['Name', header, 'City'], rows: [] })).toBe(header);
    }
  });

  it('finds the phone column by its cells when the header says nothing', () => {
    expect(guessPhoneColumn({ columns: ['Column 1', 'Column 2'], rows: [['Anna', '+49 151 1234567'], ['Ben', '0151-7654321']] })).toBe('Column 2');
    expect(guessPhoneColumn({ columns: ['Column 1'], rows: [['Anna']] })).toBeNull();
  });

  it('finds the name column', () => {
    expect(guessNameColumn({ columns: ['Phone', 'Full name'], rows: [] })).toBe('Full name');
    expect(guessNameColumn({ columns: ['Phone', 'City'], rows: [] })).toBeNull();
  });
});

describe('attributeNameFor and newImportId', () => {
  it('makes attribute names the contract accepts', () => {
    expect(attributeNameFor('E-Mail (work)')).toBe('e-mail work');
    expect(attributeNameFor('Ort/Stadt')).toBe('ort stadt');
    expect(attributeNameFor('★')).toBe('attribute');
  });

  it('makes import ids the contract accepts, different each time', () => {
    const id = newImportId();
    expect(id).not.toBe(newImportId());
    const parsed = ContactsImportInputSchema.safeParse({ importId: id, csvText: 'Phone\n1', mapping: { phone: 'Phone' } });
    expect(parsed.success).toBe(true);
  });
});
