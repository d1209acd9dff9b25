/**
 * A QR code as one SVG path (the `qrcode` library encodes, we only draw): one unit square per
 * dark module, with a quiet zone around it as the QR standard asks. Drawn inline, so the strict
 * CSP needs nothing extra, and recomputed synchronously when WhatsApp issues a new code — the old
 * picture never lingers while a new one is made.
 */
import { create, type QRCodeErrorCorrectionLevel } from 'qrcode';

export interface QrDrawing {
  /** Width and height in modules, quiet zone included (the SVG viewBox). */
  size: number;
  path: string;
}

const QUIET_ZONE = 2;

export function qrDrawing(text: string, errorCorrectionLevel: QRCodeErrorCorrectionLevel = 'L'): QrDrawing {
  const { modules } = create(text, { errorCorrectionLevel });
  const parts: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) parts.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { size: modules.size + 2 * QUIET_ZONE, path: parts.join('') };
}
