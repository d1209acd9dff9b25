/**
 * Saves text the core produced (a CSV export, an import's error report) as a file: a Blob behind a
 * temporary <a download>. Works the same in Electron and in a browser tab; nothing goes through
 * the server again, and the object URL is released once the click has started the download.
 */
export function downloadText(fileName: string, text: string, mimeType = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
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
