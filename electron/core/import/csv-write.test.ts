import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv, unescapeFormula } from './csv-write';

/** Reads the CSV back the way a spreadsheet splits it (without evaluating anything). */
function readBack(csv: string): string[][] {
  expect(csv.startsWith('\ufeff')).toBe(true);
  return Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data;
}

describe('toCsv', () => {
  it('writes a header and rows with CRLF, quoting only what needs it (RFC 4180)', () => {
    const csv = toCsv(['name', 'note'], [['Anna', 'plain'], ['Müller, B.', 'said "hi"\nthen left']]);
    expect(csv).toBe('\ufeffname,note\r\nAnna,plain\r\n"Müller, B.","said ""hi""\nthen left"\r\n');
  });

  it.each([
    ['=HYPERLINK("http://evil.example","click")'],
    ['+1+1'],
    ['-2+3'],
    ['@SUM(A1)'],
    ['\t=1'],
    ['\r=1'],
    ['  =1+1'],
    ['＝1+1'],
    ['=1\n+2'],
  ])('neutralises the formula cell %j with a leading quote', (cell) => {
    const [, row] = readBack(toCsv(['name'], [[cell]]));
    expect(row).toEqual([`'${cell}`]);
  });

  it('leaves ordinary text, inner formula characters and numbers alone', () => {
    const [, row] = readBack(toCsv(['a', 'b', 'c'], [['Anna-Lena', 'a=b', '42']]));
    expect(row).toEqual(['Anna-Lena', 'a=b', '42']);
  });

  it('neutralises header cells too', () => {
    const [header] = readBack(toCsv(['=cmd'], []));
    expect(header).toEqual(["'=cmd"]);
  });

  it('is undone by the import for neutralised cells only', () => {
    expect(unescapeFormula("'+4915112345678")).toBe('+4915112345678');
    expect(unescapeFormula("'=1+1")).toBe('=1+1');
    expect(unescapeFormula("'quoted'")).toBe("'quoted'");
  });
});
