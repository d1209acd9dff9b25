/**
 * A sequence as one file: a zip with `manifest.json` (manifest.ts) and its attachments under
 * `media/`. yazl writes it and yauzl reads it (zip-entries.ts): both small, long-kept Node zip
 * libraries by the same author that stream rather than inflate blindly, and yauzl checks entry
 * names and real against declared sizes itself — the checks an untrusted zip needs most. (fflate
 * was the other candidate: fine for trusted data, but it leaves those checks to the caller.)
 *
 * Import is all or nothing. Everything is checked before anything is written: the zip (size,
 * entry names, entry count and sizes, no zip bomb), the manifest (zod: version, every field with
 * the API's own rules), every attachment (present, checksum, size, real type by its bytes). Then
 * the attachments go into the content-addressed media folder through the media service (a file
 * nobody refers to is harmless if what follows fails) and the sequence, its messages and the
 * media rows are written in ONE transaction. A name already taken gets "(imported)", like
 * duplicate's "(copy)".
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ZipFile } from 'yazl';
import { z } from 'zod';
import {
  LIMITS,
  SEQUENCE_FILE_BYTES_MAX,
  type MethodOutput,
  type ParsedInput,
} from '../../../shared/contract';
import { AppError, errorMessage, notFound, validation } from '../errors';
import { detectMediaType } from '../services/media-type';
import type { MediaService, StoredMediaFile } from '../services/media-service';
import type { ServiceDeps } from '../services/service-deps';
import { mediaFilePath } from '../store/media-repository';
import {
  MANIFEST_NAME,
  ManifestHeaderSchema,
  ManifestSchema,
  MEDIA_ENTRY_PATTERN,
  MESSAGES_MAX,
  SEQUENCE_FILE_FORMAT,
  SEQUENCE_FILE_VERSION,
  type Manifest,
  type ManifestInput,
} from './manifest';
import { readZipEntries, ZipRejected, type ZipLimits } from './zip-entries';

const MANIFEST_BYTES_MAX = 8 * 1024 * 1024;
export const ZIP_LIMITS: ZipLimits = {
  maxEntries: MESSAGES_MAX + 1,
  maxEntryBytes: Math.max(LIMITS.mediaBytesMax, MANIFEST_BYTES_MAX),
  // Attachments barely compress; a little headroom over the file cap for a text-heavy sequence.
  maxTotalBytes: 64 * 1024 * 1024,
};
const FIELD = 'dataBase64';

export class SequenceFileService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly media: MediaService,
    private readonly mediaDir: string,
    private readonly appVersion: string,
  ) {}

  async export(id: number): Promise<MethodOutput<'sequences.export'>> {
    const { store, clock } = this.deps;
    const sequence = store.sequences.findById(id);
    if (sequence === undefined) throw notFound('Sequence', id);
    const messages = store.messages.listBySequence(id);

    const zip = new ZipFile();
    const entryByMediaId = new Map<number, string>();
    const manifest: ManifestInput = {
      format: SEQUENCE_FILE_FORMAT,
      version: SEQUENCE_FILE_VERSION,
      exportedAt: new Date(clock.now()).toISOString(),
      appVersion: this.appVersion,
      sequence: {
        name: sequence.name,
        description: sequence.description,
        active: sequence.active,
        channel: sequence.channel,
        smsFallback: sequence.smsFallback,
        stopOnReply: sequence.stopOnReply,
      },
      messages: [],
    };
    for (const message of messages) {
      let media: Manifest['messages'][number]['media'] = null;
      if (message.media !== null) {
        const stored = store.media.findById(message.media.id);
        if (stored === undefined) throw new Error(`Message ${message.id} refers to missing media ${message.media.id}.`);
        let entry = entryByMediaId.get(stored.media.id);
        if (entry === undefined) {
          entry = `media/${entryByMediaId.size + 1}.${stored.extension}`;
          entryByMediaId.set(stored.media.id, entry);
          const bytes = await readFile(mediaFilePath(this.mediaDir, stored.media.sha256, stored.extension)).catch((error: unknown) => {
            this.deps.logger.error('An attachment is missing from the media folder', { mediaId: stored.media.id, error: errorMessage(error) });
            throw new AppError('INTERNAL', `The attachment “${stored.media.fileName}” of “${message.name}” is missing from the data folder, so the sequence cannot be exported.`);
          });
          // Already compressed formats (images, video, audio, PDF) gain nothing from deflate.
          zip.addBuffer(bytes, entry, { compress: stored.media.kind === 'document' });
        }
        media = { file: entry, fileName: stored.media.fileName, sha256: stored.media.sha256 };
      }
      manifest.messages.push({
        name: message.name,
        body: message.body,
        delayAmount: message.delayAmount,
        delayUnit: message.delayUnit,
        sendAt: message.sendAt,
        enabled: message.enabled,
        media,
      });
    }
    zip.addBuffer(Buffer.from(JSON.stringify(ManifestSchema.parse(manifest), null, 2)), MANIFEST_NAME);
    const bytes = await zipBytes(zip);
    if (bytes.length > SEQUENCE_FILE_BYTES_MAX) {
      throw new AppError(
        'TOO_LARGE',
        `This sequence's attachments add up to more than ${SEQUENCE_FILE_BYTES_MAX / (1024 * 1024)} MB, too much for one sequence file. Remove or shrink an attachment, then export again.`,
      );
    }
    return { fileName: `${safeFileName(sequence.name)}.sequence.zip`, dataBase64: bytes.toString('base64'), sizeBytes: bytes.length };
  }

  async import(input: ParsedInput<'sequences.import'>): Promise<MethodOutput<'sequences.import'>> {
    const bytes = decodeBase64Strict(input.dataBase64);
    if (bytes.length > SEQUENCE_FILE_BYTES_MAX) {
      throw new AppError('TOO_LARGE', `Sequence files can be at most ${SEQUENCE_FILE_BYTES_MAX / (1024 * 1024)} MB.`, FIELD);
    }
    const entries = await readZipEntries(bytes, ZIP_LIMITS, (name) => name === MANIFEST_NAME || MEDIA_ENTRY_PATTERN.test(name)).catch((error: unknown) => {
      if (!(error instanceof ZipRejected)) throw error;
      this.deps.logger.warn('A sequence file was refused', { fileName: input.fileName, reason: error.message, detail: error.detail });
      throw validation(error.message, FIELD);
    });
    const manifest = parseManifest(entries.get(MANIFEST_NAME));
    const files = new Map<string, Buffer>();
    for (const [index, message] of manifest.messages.entries()) {
      if (message.media === null) continue;
      const { file, fileName, sha256 } = message.media;
      const content = entries.get(file);
      const where = `message ${index + 1} (“${message.name}”)`;
      if (content === undefined) throw validation(`The sequence file is incomplete: the attachment of ${where} is missing.`, FIELD);
      if (createHash('sha256').update(content).digest('hex') !== sha256) {
        throw validation(`The sequence file is damaged: the attachment of ${where} does not match its checksum.`, FIELD);
      }
      if (content.length > LIMITS.mediaBytesMax) throw new AppError('TOO_LARGE', `The attachment of ${where} is larger than 16 MB.`, FIELD);
      if (detectMediaType(content, fileName) === null) {
        throw validation(`The attachment of ${where} (“${fileName}”) is not a file type that can be sent.`, FIELD);
      }
      files.set(file, content);
    }

    // Checked whole: now the attachments go into the media folder, then everything else in one transaction.
    const stored = new Map<string, StoredMediaFile>();
    for (const message of manifest.messages) {
      if (message.media === null || stored.has(message.media.file)) continue;
      const content = files.get(message.media.file);
      if (content === undefined) throw new Error(`Attachment ${message.media.file} was checked but not kept.`);
      stored.set(message.media.file, await this.media.storeFile(content, message.media.fileName));
    }

    const { store, clock, events } = this.deps;
    const result = store.write(() => {
      const now = clock.now();
      const wanted = manifest.sequence.name;
      const name = this.freeName(wanted);
      const id = store.sequences.insert({ ...manifest.sequence, name }, now);
      const mediaIds = new Map<string, number>();
      for (const [file, media] of stored) mediaIds.set(file, this.media.record(media).media.id);
      for (const message of manifest.messages) {
        const mediaId = message.media === null ? null : (mediaIds.get(message.media.file) ?? null);
        const { name: messageName, body, delayAmount, delayUnit, sendAt, enabled } = message;
        store.messages.append(id, { name: messageName, body, mediaId, delayAmount, delayUnit, sendAt }, enabled, now);
      }
      const sequence = store.sequences.findById(id);
      if (sequence === undefined) throw new Error(`Sequence ${id} vanished inside its own transaction.`);
      return { sequence, renamedFrom: name === wanted ? null : wanted };
    });
    events.dataChanged('sequences', 'messages', 'media');
    return result;
  }

  /** The name itself if free, else "<name> (imported)", "(imported 2)", … */
  private freeName(name: string): string {
    if (this.deps.store.sequences.findIdByName(name) === undefined) return name;
    for (let n = 1; ; n++) {
      const candidate = importedName(name, n);
      if (this.deps.store.sequences.findIdByName(candidate) === undefined) return candidate;
    }
  }
}

function parseManifest(raw: Buffer | undefined): Manifest {
  if (raw === undefined) throw validation('This file is not a sequence file (it has no manifest.json).', FIELD);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    // The detail (position of the syntax error) helps nobody who did not write the file by hand.
    throw validation('The sequence file is damaged: its manifest.json is not valid JSON.', FIELD);
  }
  const header = ManifestHeaderSchema.safeParse(json);
  if (!header.success || header.data.format !== SEQUENCE_FILE_FORMAT) {
    throw validation('This file is not a sequence file exported by Sequence Automation.', FIELD);
  }
  if (header.data.version > SEQUENCE_FILE_VERSION) {
    throw validation('This sequence file was made by a newer version of Sequence Automation. Update the app, then import it again.', FIELD);
  }
  if (header.data.version !== SEQUENCE_FILE_VERSION) {
    throw validation(`This sequence file has an unknown version (${header.data.version}).`, FIELD);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) throw validation(`The sequence file is not valid: ${describeIssue(parsed.error)}`, FIELD);
  return parsed.data;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'its manifest is not valid.';
  const [first, index, field] = issue.path;
  if (first === 'messages' && typeof index === 'number') {
    return `message ${index + 1}${field === undefined ? '' : ` (${String(field)})`}: ${issue.message}.`;
  }
  return `${issue.path.map(String).join('.') || 'manifest'}: ${issue.message}.`;
}

/** "<name> (imported)" for n = 1, "<name> (imported n)" after; shortened to stay within the name limit. */
export function importedName(name: string, n: number): string {
  const suffix = n === 1 ? ' (imported)' : ` (imported ${n})`;
  const room = LIMITS.sequenceNameMax - suffix.length;
  let base = name.length <= room ? name : name.slice(0, room);
  const last = base.charCodeAt(base.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) base = base.slice(0, -1);
  return base.trimEnd() + suffix;
}

/** A download name: the sequence's name without characters file systems refuse. */
function safeFileName(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, '');
  return cleaned === '' ? 'sequence' : cleaned.slice(0, 80);
}

function zipBytes(zip: ZipFile): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}

/** Standard base64 with padding only (Node's decoder would silently skip anything else). */
function decodeBase64Strict(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw validation('The file could not be read (its content is not valid base64).', FIELD);
  return bytes;
}
