/**
 * Attaching a file: the owner's bytes are checked (size, real type) and copied into the data
 * folder under their SHA-256, `<dataDir>/media/<sha256>.<ext>`. Nothing the caller sends is ever
 * used as a path. The file is written to a temporary name, flushed, then renamed into place, so a
 * crash leaves either the whole file or none; adding the same content again returns the row that
 * already exists.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { LIMITS, type ParsedInput } from '../../../shared/contract';
import type { Media } from '../../../shared/domain';
import { AppError, validation } from '../errors';
import { mediaFilePath, type NewMedia } from '../store/media-repository';
import { displayFileName } from './media-file-name';
import { detectMediaType } from './media-type';
import type { ServiceDeps } from './service-deps';

const TEMP_PREFIX = '.incoming-';

/** A checked file in the media folder, not yet recorded. */
export type StoredMediaFile = Omit<NewMedia, 'createdAt'>;

export class MediaService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly mediaDir: string,
  ) {
    mkdirSync(mediaDir, { recursive: true });
    this.removeLeftoverTempFiles();
  }

  async add(input: ParsedInput<'media.add'>): Promise<Media> {
    const bytes = decodeBase64Strict(input.dataBase64);
    const stored = await this.storeFile(bytes, input.fileName);
    const { store, events } = this.deps;
    // Find-or-insert in one transaction: two uploads of the same file settle on one row.
    const result = store.write(() => this.record(stored));
    if (result.inserted) events.dataChanged('media');
    return result.media;
  }

  /**
   * Checks the bytes (size, real type) and writes them into the content-addressed folder; the row
   * is `record`'s job, so a caller can record several files in its own transaction (a sequence
   * import). An unrecorded file is harmless: nothing refers to it.
   */
  async storeFile(bytes: Buffer, fileName: string): Promise<StoredMediaFile> {
    if (bytes.length === 0) throw validation('The file is empty.', 'dataBase64');
    if (bytes.length > LIMITS.mediaBytesMax) {
      throw new AppError('TOO_LARGE', 'Files can be at most 16 MB', 'dataBase64');
    }
    const type = detectMediaType(bytes, fileName);
    if (type === null) {
      throw validation(
        "This file type can't be sent. Attach an image (JPEG, PNG, GIF, WebP), a video (MP4, 3GP, MOV), " +
          'audio (MP3, OGG, AAC/M4A, AMR, WAV) or a document (PDF, Word, Excel, PowerPoint, TXT, CSV).',
        'fileName',
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.writeFile(mediaFilePath(this.mediaDir, sha256, type.extension), bytes);
    return {
      sha256,
      fileName: displayFileName(fileName, type.extension),
      mimeType: type.mimeType,
      kind: type.kind,
      extension: type.extension,
      sizeBytes: bytes.length,
    };
  }

  /** The row of a file `storeFile` wrote: the existing one for the same content, else a new one. Call inside a transaction. */
  record(stored: StoredMediaFile): { media: Media; inserted: boolean } {
    const { store, clock } = this.deps;
    const existing = store.media.findBySha256(stored.sha256);
    if (existing !== undefined) return { media: existing.media, inserted: false };
    return { media: store.media.insert({ ...stored, createdAt: clock.now() }).media, inserted: true };
  }

  /** A crash between writing and renaming leaves a temp file behind; it is never referenced. */
  private removeLeftoverTempFiles(): void {
    for (const name of readdirSync(this.mediaDir)) {
      if (!name.startsWith(TEMP_PREFIX)) continue;
      rmSync(path.join(this.mediaDir, name), { force: true });
      this.deps.logger.info('Removed an unfinished media upload', { file: name });
    }
  }

  /** Writes the content-addressed file unless it is already there (same name means same content). */
  private async writeFile(target: string, bytes: Buffer): Promise<void> {
    const existing = await stat(target).catch((error: unknown) => {
      if (isMissingFile(error)) return undefined;
      throw error;
    });
    if (existing?.isFile() && existing.size === bytes.length) return;

    const temp = path.join(this.mediaDir, `${TEMP_PREFIX}${randomUUID()}`);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}

/**
 * Standard base64 with padding, and nothing else: Node's decoder skips characters it does not
 * know, so "valid" is checked by re-encoding and comparing.
 */
function decodeBase64Strict(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw validation('The file could not be read (its content is not valid base64).', 'dataBase64');
  }
  return bytes;
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
