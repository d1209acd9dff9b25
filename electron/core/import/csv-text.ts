/**
 * First look at an uploaded CSV file's text, before any parsing: size, encoding, emptiness.
 *
 * The client reads the file as UTF-8 text and sends that, so a file in another encoding reaches us
 * already decoded — wrongly. What survives of the mistake is recognisable:
 * - bytes that are not valid UTF-8 (a Windows-1252 "ü" from an old Excel "CSV" save) decode to
 *   U+FFFD, the replacement character;
 * - UTF-16 text (Excel's "Unicode text") has a NUL byte in every other position, and its byte
 *   order mark FF FE / FE FF is invalid UTF-8, so it also shows up as U+FFFD.
 * A real CSV contains neither, so either one means "wrong encoding", and we say how to fix it
 * instead of importing garbled names. A UTF-8 byte order mark (what Excel's "CSV UTF-8" writes)
 * is fine and removed.
 */
import { PEOPLE_LIMITS } from '../../../shared/contract';
import { AppError, validation } from '../errors';

export const WRONG_ENCODING_MESSAGE = "This file isn't UTF-8 text. In Excel, save it as 'CSV UTF-8'.";

const MB = 1024 * 1024;

/** The text to parse (without a BOM), or an AppError saying what is wrong with the file. */
export function checkCsvText(text: string): string {
  // Size first: the later checks walk the whole text.
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > PEOPLE_LIMITS.csvBytesMax) {
    throw new AppError(
      'TOO_LARGE',
      `This file is ${(bytes / MB).toFixed(1)} MB; CSV files can be at most ${PEOPLE_LIMITS.csvBytesMax / MB} MB. ` +
        'Split it into smaller files.',
      'csvText',
    );
  }
  if (text.includes('\ufffd') || text.includes('\0')) throw validation(WRONG_ENCODING_MESSAGE, 'csvText');
  const withoutBom = text.startsWith('\ufeff') ? text.slice(1) : text;
  if (withoutBom.trim() === '') throw validation('The file is empty.', 'csvText');
  return withoutBom;
}
