import { describe, expect, it } from 'vitest';
import { qrDrawing } from './qr-path';

describe('qrDrawing', () => {
  it('draws the three finder squares of a QR code, with a quiet zone', () => {
    const { size, path } = qrDrawing('2@abc,def,ghi');
    // Version 1 is 21 modules wide; +2 quiet modules each side.
    expect(size).toBeGreaterThanOrEqual(25);
    // The top-left finder pattern's corner module is dark; the quiet zone is not.
    expect(path).toContain('M2 2h1v1h-1z');
    expect(path).not.toContain('M0 0h1v1h-1z');
    expect(path).toContain(`M${size - 3} 2h1v1h-1z`);
  });

  it('grows with WhatsApp’s long link codes', () => {
    const code = `2@${'A'.repeat(60)},${'B'.repeat(44)},${'C'.repeat(44)},${'D'.repeat(24)}`;
    expect(qrDrawing(code).size).toBeGreaterThan(qrDrawing('short').size);
  });

  it('gives a different picture for a new code', () => {
    expect(qrDrawing('2@first').path).not.toBe(qrDrawing('2@second').path);
  });
});
