/**
 * The name shown for an attachment (and offered to the recipient as the document's name). It is
 * never used as a path: the stored file is named by its hash. Still, it loses any folder part the
 * caller sent, control characters, and the bidirectional overrides that make "invoice‮fdp.exe" read
 * as "invoiceexe.pdf". (The contract already caps its length.)
 */
export function displayFileName(raw: string, fallbackExtension: string): string {
  const base = raw.split(/[\\/]/).at(-1) ?? '';
  let name = '';
  for (const char of base.normalize('NFC')) {
    const code = char.codePointAt(0) ?? 0;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    const bidi =
      (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0x200e || code === 0x200f;
    if (/\s/.test(char)) name += ' ';
    else if (!control && !bidi) name += char;
  }
  name = name.replace(/\s+/g, ' ').trim();
  return name === '' || /^\.+$/.test(name) ? `file.${fallbackExtension}` : name;
}
