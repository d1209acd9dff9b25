/**
 * Backup files on disk: `<dataDir>/backups/sequence-automation-<UTC time>-<kind>.db`. The name
 * carries everything the list shows (when, why), so listing needs no index file that could drift
 * from what is really there. A backup is written under a temporary name and renamed into place
 * once complete, so a name of this shape always means a whole file.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { BACKUP_FILE_PATTERN, type Backup, type BackupKind } from '../../../shared/contract';

export const BACKUPS_DIR_NAME = 'backups';
/** Files being written; never listed, removed at start-up if a crash left one. */
export const PARTIAL_PREFIX = '.partial-';

export function backupFileName(kind: BackupKind, at: number): string {
  const iso = new Date(at).toISOString(); // 2026-11-02T08:15:00.123Z
  const compact = iso.replace(/[-:]/g, '').replace('.', ''); // 20261102T081500123Z
  return `sequence-automation-${compact}-${kind}.db`;
}

/** The backup a file name describes, or null for any other file. */
export function parseBackupFileName(name: string): { kind: BackupKind; createdAt: number } | null {
  const match = BACKUP_FILE_PATTERN.exec(name);
  if (match === null) return null;
  const [, stamp = '', kind = ''] = match;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
  const createdAt = Date.parse(iso);
  if (Number.isNaN(createdAt) || new Date(createdAt).toISOString() !== iso) return null;
  return { kind: kind as BackupKind, createdAt };
}

/** Every backup in the folder, newest first. */
export function listBackupFiles(backupsDir: string): Backup[] {
  let names: string[];
  try {
    names = readdirSync(backupsDir);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
  const backups: Backup[] = [];
  for (const name of names) {
    const parsed = parseBackupFileName(name);
    if (parsed === null) continue;
    const stats = statSync(path.join(backupsDir, name), { throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile()) continue;
    backups.push({ id: name, ...parsed, sizeBytes: stats.size });
  }
  return backups.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}
