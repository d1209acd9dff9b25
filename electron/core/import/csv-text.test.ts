import { describe, expect, it } from 'vitest';
import { PEOPLE_LIMITS } from '../../../shared/contract';
import { AppError } from '../errors';
import { checkCsvText, WRONG_ENCODING_MESSAGE } from './csv-text';

function appError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('checkCsvText', () => {
  it('strips the UTF-8 byte order mark Excel writes', () => {
    expect(checkCsvText('\ufeffphone\n1')).toBe('phone\n1');
  });

  it('refuses Windows-1252 text read as UTF-8 (replacement characters) with advice', () => {
    // "Müller" saved by an old Excel: 0xFC is not UTF-8, so the client decoded it to U+FFFD.
    const text = new TextDecoder('utf-8').decode(Buffer.from('phone,name\n1,M\xfcller\n', 'latin1'));
    const error = appError(() => checkCsvText(text));
    expect(error).toMatchObject({ code: 'VALIDATION', message: WRONG_ENCODING_MESSAGE, field: 'csvText' });
  });

  it('refuses UTF-16 text read as UTF-8 (BOM and NULs)', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone,name\n1,Anna\n', 'utf16le')]);
    const text = new TextDecoder('utf-8').decode(utf16);
    expect(appError(() => checkCsvText(text)).message).toBe(WRONG_ENCODING_MESSAGE);
    // Without the BOM only the NULs give it away.
    expect(appError(() => checkCsvText(Buffer.from('phone\n1\n', 'utf16le').toString('utf8'))).message).toBe(WRONG_ENCODING_MESSAGE);
  });

  it('refuses an empty file', () => {
    expect(appError(() => checkCsvText('\ufeff \r\n'))).toMatchObject({ code: 'VALIDATION', message: 'The file is empty.' });
  });

  it('refuses a file over the size limit as TOO_LARGE, saying the limit', () => {
    // Measured in UTF-8 bytes: 'é' is two bytes, so this is just over the limit in fewer characters.
    const text = 'é'.repeat(PEOPLE_LIMITS.csvBytesMax / 2 + 1);
    const error = appError(() => checkCsvText(text));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('at most 20 MB');
  });
});
