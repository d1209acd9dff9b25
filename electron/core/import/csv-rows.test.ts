import { describe, expect, it } from 'vitest';
import { PEOPLE_LIMITS } from '../../../shared/contract';
import { AppError } from '../errors';
import { parseCsv } from './csv-rows';

const parse = (text: string, hasHeader = true) => parseCsv(text, { hasHeader });

function appError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseCsv', () => {
  it('reads a header and data rows, numbering lines from 1 with the header as line 1', () => {
    const parsed = parse('phone,name\n+4915112345678,Anna\n+4915112345679,Ben\n');
    expect(parsed.columns).toEqual(['phone', 'name']);
    expect(parsed.rows.map((row) => [row.line, row.cells])).toEqual([
      [2, ['+4915112345678', 'Anna']],
      [3, ['+4915112345679', 'Ben']],
    ]);
  });

  it('keeps quoted commas, doubled quotes and embedded line breaks inside one cell', () => {
    const parsed = parse('phone,name,note\r\n1,"Müller, Anna","She said ""hi"""\r\n2,Ben,"Street 1\r\nBerlin"\r\n');
    expect(parsed.rows.map((row) => row.cells)).toEqual([
      ['1', 'Müller, Anna', 'She said "hi"'],
      ['2', 'Ben', 'Street 1\r\nBerlin'],
    ]);
  });

  it('gives each row the line it starts on when earlier rows span several lines', () => {
    const text = [
      'phone,name,address', // 1
      '1,Anna,"Street 1', // 2
      'Berlin', // 3
      '10115"', // 4
      '', // 5 (blank)
      '2,Ben,"a\r\nb"', // 6-7, an Excel-style CRLF inside an LF file
      '3,Cleo,plain', // 8
    ].join('\n');
    const parsed = parse(text);
    expect(parsed.rows.map((row) => [row.line, row.cells[1]])).toEqual([
      [2, 'Anna'],
      [6, 'Ben'],
      [8, 'Cleo'],
    ]);
    expect(parsed.rows[0]?.raw).toBe('1,Anna,"Street 1\nBerlin\n10115"');
  });

  it('counts a lone LF inside a quoted cell of a CRLF file as a line (what editors show)', () => {
    const parsed = parse('phone,note\r\n1,"a\nb"\r\n2,c\r\n');
    expect(parsed.rows.map((row) => row.line)).toEqual([2, 4]);
  });

  it('detects semicolons (Excel in Europe) and tabs as delimiters', () => {
    expect(parse('phone;name\n+49 151 1;Anna, B.\n').rows[0]?.cells).toEqual(['+49 151 1', 'Anna, B.']);
    expect(parse('phone\tname\n1\tAnna\n').rows[0]?.cells).toEqual(['1', 'Anna']);
  });

  it('reads a one-column file', () => {
    expect(parse('phone\n1\n2').rows.map((row) => row.cells)).toEqual([['1'], ['2']]);
  });

  it('names columns "Column N" when the file has no header, and imports its first row', () => {
    const parsed = parse('1,Anna\n2,Ben,extra\n', false);
    expect(parsed.columns).toEqual(['Column 1', 'Column 2', 'Column 3']);
    expect(parsed.rows.map((row) => row.line)).toEqual([1, 2]);
  });

  it('names blank header cells like columns without a header and trims the others', () => {
    expect(parse(' phone ,,name\n1,x,A\n').columns).toEqual(['phone', 'Column 2', 'name']);
  });

  it('skips blank lines and rows of empty cells without counting them as rows', () => {
    const parsed = parse('\nphone,name\n\n,\n1,A\n\n');
    expect(parsed.rows.map((row) => [row.line, row.cells])).toEqual([[5, ['1', 'A']]]);
  });

  it('marks a row with a stray quote as malformed and keeps reading the next rows', () => {
    const parsed = parse('phone,name\n1,"An"na"\n2,Ben\n');
    expect(parsed.rows[0]?.problem).toMatch(/quotes/);
    expect(parsed.rows[1]).toMatchObject({ line: 3, cells: ['2', 'Ben'], problem: null });
  });

  it('keeps a quote inside an unquoted field as it is', () => {
    expect(parse('phone,name\n1,Anna "Ann" B.\n').rows[0]).toMatchObject({ cells: ['1', 'Anna "Ann" B.'], problem: null });
  });

  it('refuses a file whose quote is never closed, naming the line it opens on', () => {
    const error = appError(() => parse('phone,name\n1,Anna\n2,"Ben\n3,Cleo\n'));
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(/^Line 3: .*closing quote/);
  });

  it('refuses a file with only a header, or with nothing but blank lines', () => {
    expect(appError(() => parse('phone,name\n\n')).message).toMatch(/only a header/);
    expect(appError(() => parse('\n\n', false)).message).toMatch(/no rows/);
  });

  it('refuses more rows than the limit as TOO_LARGE, saying the limit', () => {
    const text = 'phone\n' + '1\n'.repeat(PEOPLE_LIMITS.csvRowsMax + 1);
    const error = appError(() => parse(text));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('200,000 rows');
    // Exactly at the limit is fine.
    expect(parse('phone\n' + '1\n'.repeat(PEOPLE_LIMITS.csvRowsMax)).rows).toHaveLength(PEOPLE_LIMITS.csvRowsMax);
  });
});
