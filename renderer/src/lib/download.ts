/**
 * Saves what the core produced (a CSV export, an import's error report, a sequence file) as a
 * file: a Blob behind a temporary <a download>. Works the same in Electron and in a browser tab;
 * nothing goes through the server again, and the object URL is released once the click has
 * started the download.
 */
import { base64ToBytes } from './base64';

export function downloadText(fileName: string, text: string, mimeType = 'text/csv;charset=utf-8'): void {
  downloadBlob(fileName, new Blob([text], { type: mimeType }));
}

/** A file the core sent as base64 (a sequence file), saved as its bytes. */
export function downloadBase64(fileName: string, dataBase64: string, mimeType: string): void {
  downloadBlob(fileName, new Blob([base64ToBytes(dataBase64)], { type: mimeType }));
}

function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some engines; a moment later is safe.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
