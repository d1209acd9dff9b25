/**
 * What kind of file the owner attached, decided from its first bytes ("magic numbers"), never
 * from the name alone: a renamed executable must not go out as "brochure.pdf". The file name's
 * extension only breaks ties the bytes cannot (which Office format a ZIP or OLE container holds)
 * and identifies plain text, which has no magic number — and then only if the bytes really are
 * text. The list is what WhatsApp and MMS gateways accept as image, video, audio or document.
 */
import type { MediaKind } from '../../../shared/domain';

export interface MediaType {
  mimeType: string;
  kind: MediaKind;
  /** Lower-case, no dot; used for the stored file's name. */
  extension: string;
}

const type = (mimeType: string, kind: MediaKind, extension: string): MediaType => ({ mimeType, kind, extension });

const JPEG = type('image/jpeg', 'image', 'jpg');
const PNG = type('image/png', 'image', 'png');
const GIF = type('image/gif', 'image', 'gif');
const WEBP = type('image/webp', 'image', 'webp');
const MP4 = type('video/mp4', 'video', 'mp4');
const THREE_GP = type('video/3gpp', 'video', '3gp');
const QUICKTIME = type('video/quicktime', 'video', 'mov');
const MP3 = type('audio/mpeg', 'audio', 'mp3');
const OGG = type('audio/ogg', 'audio', 'ogg');
const AAC = type('audio/aac', 'audio', 'aac');
const M4A = type('audio/mp4', 'audio', 'm4a');
const AMR = type('audio/amr', 'audio', 'amr');
const WAV = type('audio/wav', 'audio', 'wav');
const PDF = type('application/pdf', 'document', 'pdf');
const TXT = type('text/plain', 'document', 'txt');
const CSV = type('text/csv', 'document', 'csv');

/** OOXML: a ZIP whose entries live under a format-specific folder. */
const OOXML: Record<string, { type: MediaType; folder: string }> = {
  docx: { type: type('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document', 'docx'), folder: 'word/' },
  xlsx: { type: type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document', 'xlsx'), folder: 'xl/' },
  pptx: { type: type('application/vnd.openxmlformats-officedocument.presentationml.presentation', 'document', 'pptx'), folder: 'ppt/' },
};

/** Legacy Office: an OLE compound file; the container does not say which program wrote it. */
const OLE: Record<string, MediaType> = {
  doc: type('application/msword', 'document', 'doc'),
  xls: type('application/vnd.ms-excel', 'document', 'xls'),
};

const TEXT: Record<string, MediaType> = { txt: TXT, csv: CSV };

const QUICKTIME_ATOMS = ['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'];
const THREE_GP_BRANDS = /^3g[p2g]/;
const M4A_BRANDS = ['M4A ', 'M4B ', 'M4P '];

/** The file's type, or null when it is not one we can send. */
export function detectMediaType(bytes: Uint8Array, fileName: string): MediaType | null {
  const extension = extensionOf(fileName);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (start: number, end: number): string => buf.toString('latin1', start, Math.min(end, buf.length));
  const startsWith = (...signature: number[]): boolean => signature.every((byte, i) => buf[i] === byte);

  if (startsWith(0xff, 0xd8, 0xff)) return JPEG;
  if (startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return PNG;
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return GIF;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return WEBP;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return WAV;
  if (ascii(0, 5) === '%PDF-') return PDF;
  if (ascii(0, 4) === 'OggS') return OGG;
  if (ascii(0, 6) === '#!AMR\n') return AMR;
  if (ascii(4, 8) === 'ftyp') return isoMediaType(ascii(8, 12));
  if (buf.length >= 8 && QUICKTIME_ATOMS.includes(ascii(4, 8))) return QUICKTIME;
  if (ascii(0, 3) === 'ID3') return MP3;
  if (buf.length >= 2 && buf[0] === 0xff) {
    const second = buf[1] ?? 0;
    // MPEG audio frame sync: 11 set bits, then version (01 is reserved) and layer. Layer 00 marks
    // an AAC (ADTS) frame instead of MP3.
    const versionBits = (second >> 3) & 0x03;
    if ((second & 0xe0) === 0xe0 && versionBits !== 0x01) return (second & 0x06) === 0 ? AAC : MP3;
  }
  if (startsWith(0x50, 0x4b, 0x03, 0x04)) {
    const ooxml = OOXML[extension];
    return ooxml !== undefined && buf.includes(ooxml.folder, 0, 'latin1') ? ooxml.type : null;
  }
  if (startsWith(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return OLE[extension] ?? null;

  const text = TEXT[extension];
  return text !== undefined && looksLikeText(buf) ? text : null;
}

function isoMediaType(brand: string): MediaType {
  if (brand === 'qt  ') return QUICKTIME;
  if (M4A_BRANDS.includes(brand)) return M4A;
  if (THREE_GP_BRANDS.test(brand)) return THREE_GP;
  return MP4;
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** Valid UTF-8 without control characters other than tab, line breaks and form feed. */
function looksLikeText(buf: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    // Not UTF-8 at all, so not a text file we can vouch for.
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const allowedControl = code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
    if ((code < 0x20 && !allowedControl) || code === 0x7f) return false;
  }
  return true;
}
