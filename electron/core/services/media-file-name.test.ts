import { describe, expect, it } from 'vitest';
import { displayFileName } from './media-file-name';

describe('displayFileName', () => {
  it('keeps an ordinary name as it is', () => {
    expect(displayFileName('Brochure 2026 – Spring.pdf', 'pdf')).toBe('Brochure 2026 – Spring.pdf');
  });

  it('drops any folder part, on either kind of slash', () => {
    expect(displayFileName('../../etc/passwd', 'txt')).toBe('passwd');
    expect(displayFileName('C:\\Users\\ana\\photo.jpg', 'jpg')).toBe('photo.jpg');
  });

  it('removes control characters and direction overrides, and collapses spaces', () => {
    expect(displayFileName('invoice\u202Efdp.exe', 'pdf')).toBe('invoicefdp.exe');
    expect(displayFileName('a\u0000b\tc\n  d.txt', 'txt')).toBe('ab c d.txt');
  });

  it('falls back to a generic name when nothing is left', () => {
    expect(displayFileName('folder/', 'png')).toBe('file.png');
    expect(displayFileName('..', 'pdf')).toBe('file.pdf');
    expect(displayFileName('\u202E\u0007', 'mp4')).toBe('file.mp4');
  });
});
