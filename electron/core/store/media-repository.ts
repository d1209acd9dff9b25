import path from 'node:path';
import type { Media, MediaKind } from '../../../shared/domain';
import type { SqliteDatabase } from './database';
import { toMediaKind } from './row-values';

interface MediaRow {
  id: number;
  sha256: string;
  file_name: string;
  mime_type: string;
  kind: string;
  extension: string;
  size_bytes: number;
  created_at: number;
}

export interface NewMedia {
  sha256: string;
  fileName: string;
  mimeType: string;
  kind: MediaKind;
  /** Lower-case, no dot; the stored file is `<sha256>.<extension>`. */
  extension: string;
  sizeBytes: number;
  createdAt: number;
}

/** A media row together with what is needed to find its file on disk. */
export interface StoredMedia {
  media: Media;
  extension: string;
}

/** Where a stored media file lives: `<mediaDir>/<sha256>.<extension>`. */
export function mediaFilePath(mediaDir: string, sha256: string, extension: string): string {
  return path.join(mediaDir, `${sha256}.${extension}`);
}

const COLUMNS = 'id, sha256, file_name, mime_type, kind, extension, size_bytes, created_at';

export class MediaRepository {
  private readonly byId;
  private readonly bySha256;
  private readonly insertRow;

  constructor(db: SqliteDatabase) {
    this.byId = db.prepare<[number], MediaRow>(`SELECT ${COLUMNS} FROM media WHERE id = ?`);
    this.bySha256 = db.prepare<[string], MediaRow>(`SELECT ${COLUMNS} FROM media WHERE sha256 = ?`);
    this.insertRow = db.prepare<[NewMedia]>(
      `INSERT INTO media (sha256, file_name, mime_type, kind, extension, size_bytes, created_at)
       VALUES (@sha256, @fileName, @mimeType, @kind, @extension, @sizeBytes, @createdAt)`,
    );
  }

  findById(id: number): StoredMedia | undefined {
    const row = this.byId.get(id);
    return row && toStored(row);
  }

  findBySha256(sha256: string): StoredMedia | undefined {
    const row = this.bySha256.get(sha256);
    return row && toStored(row);
  }

  insert(media: NewMedia): StoredMedia {
    const id = Number(this.insertRow.run(media).lastInsertRowid);
    const { extension, ...rest } = media;
    return { media: { id, ...rest }, extension };
  }
}

function toStored(row: MediaRow): StoredMedia {
  return {
    media: {
      id: row.id,
      sha256: row.sha256,
      fileName: row.file_name,
      mimeType: row.mime_type,
      kind: toMediaKind(row.kind),
      sizeBytes: row.size_bytes,
      createdAt: row.created_at,
    },
    extension: row.extension,
  };
}
