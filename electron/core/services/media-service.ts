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
import { mediaFilePath } from '../store/media-repository';
import { displayFileName } from './media-file-name';
import { detectMediaType } from './media-type';
import type { ServiceDeps } from './service-deps';

const TEMP_PREFIX = '.incoming-';

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
    if (bytes.length === 0) throw validation('The file is empty.', 'dataBase64');
    if (bytes.length > LIMITS.mediaBytesMax) {
      throw new AppError('TOO_LARGE', 'Files can be at most 16 MB', 'dataBase64');
    }
    const type = detectMediaType(bytes, input.fileName);
    if (type === null) {
      throw validation(
        "This file type can't be sent. Attach an image (JPEG, PNG, GIF, WebP), a video (MP4, 3GP, MOV), " +
          'audio (MP3, OGG, AAC/M4A, AMR, WAV) or a document (PDF, Word, Excel, PowerPoint, TXT, CSV).',
        'fileName',
      );
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.writeFile(mediaFilePath(this.mediaDir, sha256, type.extension), bytes);

    const { store, clock, events } = this.deps;
    // Find-or-insert in one transaction: two uploads of the same file settle on one row.
    const result = store.write(() => {
      const existing = store.media.findBySha256(sha256);
      if (existing !== undefined) return { media: existing.media, inserted: false };
      const stored = store.media.insert({
        sha256,
        fileName: displayFileName(input.fileName, type.extension),
        mimeType: type.mimeType,
        kind: type.kind,
        extension: type.extension,
        sizeBytes: bytes.length,
        createdAt: clock.now(),
      });
      return { media: stored.media, inserted: true };
    });
    if (result.inserted) events.dataChanged('media');
    return result.media;
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
