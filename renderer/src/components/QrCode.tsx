/** A QR code drawn inline as SVG, with an accessible name; shows why when the text cannot be encoded. */
import { useMemo } from 'react';
import { qrDrawing } from '../lib/qr-path';

export function QrCode({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const drawing = useMemo(() => {
    try {
      return qrDrawing(text);
    } catch (error) {
      console.warn('The QR code could not be drawn', error);
      return null;
    }
  }, [text]);

  if (drawing === null) {
    return (
      <p className="form-error" role="alert">
        This code could not be shown. Press Link again to get a new one.
      </p>
    );
  }
  return (
    <svg
      className="qr-code"
      viewBox={`0 0 ${drawing.size} ${drawing.size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
      data-testid={testId}
      data-qr={text}
    >
      <rect width={drawing.size} height={drawing.size} fill="#ffffff" />
      <path d={drawing.path} fill="#111111" />
    </svg>
  );
}
