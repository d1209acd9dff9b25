import { describe, expect, it } from 'vitest';
import { detectMediaType } from './media-type';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const pad = [0, 0, 0, 0, 0, 0, 0, 0];

describe('detectMediaType', () => {
  it.each([
    ['photo.jpg', bytes([0xff, 0xd8, 0xff, 0xe0], pad), 'image/jpeg', 'image', 'jpg'],
    ['photo.png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], pad), 'image/png', 'image', 'png'],
    ['anim.gif', bytes('GIF89a', pad), 'image/gif', 'image', 'gif'],
    ['pic.webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 '), 'image/webp', 'image', 'webp'],
    ['clip.mp4', bytes([0, 0, 0, 0x18], 'ftypisom', pad), 'video/mp4', 'video', 'mp4'],
    ['clip.3gp', bytes([0, 0, 0, 0x18], 'ftyp3gp5', pad), 'video/3gpp', 'video', '3gp'],
    ['clip.mov', bytes([0, 0, 0, 0x14], 'ftypqt  ', pad), 'video/quicktime', 'video', 'mov'],
    ['old.mov', bytes([0, 0, 0, 0x14], 'moov', pad), 'video/quicktime', 'video', 'mov'],
    ['voice.m4a', bytes([0, 0, 0, 0x20], 'ftypM4A ', pad), 'audio/mp4', 'audio', 'm4a'],
    ['song.mp3', bytes('ID3', [4, 0, 0], pad), 'audio/mpeg', 'audio', 'mp3'],
    ['raw.mp3', bytes([0xff, 0xfb, 0x90, 0x64], pad), 'audio/mpeg', 'audio', 'mp3'],
    ['voice.aac', bytes([0xff, 0xf1, 0x50, 0x80], pad), 'audio/aac', 'audio', 'aac'],
    ['voice.ogg', bytes('OggS', pad), 'audio/ogg', 'audio', 'ogg'],
    ['voice.amr', bytes('#!AMR\n', pad), 'audio/amr', 'audio', 'amr'],
    ['sound.wav', bytes('RIFF', [1, 2, 3, 4], 'WAVEfmt '), 'audio/wav', 'audio', 'wav'],
    ['offer.pdf', bytes('%PDF-1.7\n', pad), 'application/pdf', 'document', 'pdf'],
    [
      'letter.docx',
      bytes([0x50, 0x4b, 0x03, 0x04], pad, '[Content_Types].xml', pad, 'word/document.xml'),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'document',
      'docx',
    ],
    [
      'prices.XLSX',
      bytes([0x50, 0x4b, 0x03, 0x04], pad, 'xl/workbook.xml'),
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'document',
      'xlsx',
    ],
    [
      'deck.pptx',
      bytes([0x50, 0x4b, 0x03, 0x04], pad, 'ppt/presentation.xml'),
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'document',
      'pptx',
    ],
    ['old.doc', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], pad), 'application/msword', 'document', 'doc'],
    ['old.xls', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], pad), 'application/vnd.ms-excel', 'document', 'xls'],
    ['notes.txt', bytes('Opening hours:\r\n\tMon–Fri 9–18 ✓\n'), 'text/plain', 'document', 'txt'],
    ['list.csv', bytes('name,phone\nAnna,+49151\n'), 'text/csv', 'document', 'csv'],
  ])('recognises %s', (fileName, content, mimeType, kind, extension) => {
    expect(detectMediaType(content, fileName)).toEqual({ mimeType, kind, extension });
  });

  it('goes by the content, not the name, for formats with a signature', () => {
    expect(detectMediaType(bytes('%PDF-1.4', pad), 'photo.jpg')?.mimeType).toBe('application/pdf');
    expect(detectMediaType(bytes([0xff, 0xd8, 0xff, 0xe0], pad), 'no-extension')?.mimeType).toBe('image/jpeg');
  });

  it.each([
    ['a Windows program renamed to .pdf', 'offer.pdf', bytes('MZ', [0x90, 0, 3, 0], pad)],
    ['a Windows program renamed to .txt', 'notes.txt', bytes('MZ', [0x90, 0, 3, 0], pad)],
    ['an ELF binary', 'run', bytes([0x7f], 'ELF', pad)],
    ['a plain ZIP archive', 'archive.zip', bytes([0x50, 0x4b, 0x03, 0x04], pad, 'stuff/file.bin')],
    ['a ZIP renamed to .docx without Word content', 'fake.docx', bytes([0x50, 0x4b, 0x03, 0x04], pad, 'xl/workbook.xml')],
    ['an OLE file with another extension', 'thing.msi', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], pad)],
    ['text with NUL bytes', 'notes.txt', bytes('abc', [0], 'def')],
    ['text that is not UTF-8', 'notes.txt', bytes([0x41, 0xc3, 0x28])],
    ['text with an extension other than .txt or .csv', 'page.html', bytes('<html></html>')],
  ])('rejects %s', (_label, fileName, content) => {
    expect(detectMediaType(content, fileName)).toBeNull();
  });
});
