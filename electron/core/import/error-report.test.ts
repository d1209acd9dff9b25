import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { errorReportCsv } from './error-report';

describe('errorReportCsv', () => {
  it('lists line, reason and the original row, one record per skipped row', () => {
    const csv = errorReportCsv([
      { line: 3, reason: 'No phone number.', raw: ',Anna,"Berlin, Mitte"' },
      { line: 7, reason: '"12" is too short.', raw: '12,=HYPERLINK("x")\nsecond line' },
    ]);
    const records = Papa.parse<string[]>(csv.replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
    expect(records).toEqual([
      ['line', 'reason', 'row'],
      ['3', 'No phone number.', ',Anna,"Berlin, Mitte"'],
      ['7', '"12" is too short.', '12,=HYPERLINK("x")\nsecond line'],
    ]);
  });

  it('neutralises a row that starts like a formula', () => {
    const csv = errorReportCsv([{ line: 2, reason: 'No phone number.', raw: '=cmd|calc' }]);
    expect(csv).toContain(`"'=cmd|calc"`);
  });

  it('is just the header when nothing was skipped', () => {
    expect(errorReportCsv([])).toBe('\ufeffline,reason,row\r\n');
  });
});
