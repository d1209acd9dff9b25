/**
 * Data safety in the contract: backups of the database (automatic daily ones, the owner's own,
 * and the copy kept right before a restore), restoring one, sequence files (one sequence with its
 * messages and attachments as a single zip), and the logs folder.
 *
 * A backup is named by its file name alone (`BackupIdSchema`): the core only ever touches files
 * of that exact shape inside its own backups folder, so a caller can never point it at a path.
 */
import { z } from 'zod';
import { EpochMsSchema } from './primitives';

export const backupKinds = ['daily', 'manual', 'before-restore'] as const;
export const BackupKindSchema = z.enum(backupKinds);
export type BackupKind = z.infer<typeof BackupKindSchema>;

/**
 * `sequence-automation-20261102T081500123Z-daily.db`: when it was taken (UTC, to the millisecond)
 * and why. Shared by the core (naming, parsing) and the contract (the only ids it accepts).
 */
export const BACKUP_FILE_PATTERN = /^sequence-automation-(\d{8}T\d{9}Z)-(daily|manual|before-restore)\.db$/;

export const BackupIdSchema = z.string().max(100).regex(BACKUP_FILE_PATTERN, 'Unknown backup');

export const BackupSchema = z.object({
  id: BackupIdSchema,
  kind: BackupKindSchema,
  createdAt: EpochMsSchema,
  sizeBytes: z.number().int().min(0),
});
export type Backup = z.infer<typeof BackupSchema>;

export const BackupListSchema = z.object({
  /** Newest first. */
  backups: z.array(BackupSchema),
  /** Where they are kept, to show the owner (`<data folder>/backups`). */
  folder: z.string(),
});

export const RestoreResultSchema = z.object({
  restored: BackupSchema,
  /** The database as it was right before the restore (null only if it could not be read at all). */
  safetyCopy: BackupSchema.nullable(),
  /**
   * What the replaced database knew that the backup did not, carried over so nobody gets a
   * message twice: sends recorded since the backup, sends that may have gone out (asked again
   * or resent under the same key), customers who opted out, subscriptions that ended.
   */
  carriedOver: z.object({
    sent: z.number().int().min(0),
    inFlight: z.number().int().min(0),
    optedOut: z.number().int().min(0),
    ended: z.number().int().min(0),
  }),
  /** Subscriptions in the backup that no longer existed (removed since): they come back paused. */
  pausedSubscriptions: z.number().int().min(0),
  /** True when the replaced database could not be read: sending stays paused until the owner resumes it. */
  sendingPaused: z.boolean(),
});
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

/** Largest sequence file, zipped (what the transports carry as base64, like `media.add`). */
export const SEQUENCE_FILE_BYTES_MAX = 17 * 1024 * 1024;
/** base64 of SEQUENCE_FILE_BYTES_MAX, rounded up. */
export const SEQUENCE_FILE_BASE64_CHARS_MAX = 23 * 1024 * 1024;

export const SequenceFileSchema = z.object({
  /** A suggested name for the download, e.g. `Welcome.sequence.zip`. */
  fileName: z.string(),
  dataBase64: z.string(),
  sizeBytes: z.number().int().min(0),
});

export const SequenceImportInputSchema = z.strictObject({
  fileName: z.string().trim().min(1, 'File name is required').max(255),
  dataBase64: z
    .string()
    .min(1, 'The file is empty')
    .max(SEQUENCE_FILE_BASE64_CHARS_MAX, `Sequence files can be at most ${SEQUENCE_FILE_BYTES_MAX / (1024 * 1024)} MB`),
});

export const LogsFolderSchema = z.object({
  path: z.string(),
  /** True when the desktop app opened it in the file manager; headless shows the path instead. */
  opened: z.boolean(),
});
