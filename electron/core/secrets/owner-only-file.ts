/**
 * Small JSON files only their owner may read (mode 0600), for secrets.
 *
 * Writes are atomic: the content goes to a fresh temporary file created with mode 0600 (never
 * readable by others, not even for a moment), is flushed to disk, then renamed over the old file,
 * so a crash leaves the old or the new content, never half a file. A file that does not parse is
 * refused loudly rather than overwritten: it may hold the only copy of a password.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';

const OWNER_ONLY = 0o600;

/** The file's string entries; `{}` when it does not exist. */
export function readStringMap(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new Error(`The secrets file ${file} is damaged (not JSON). Fix or remove it, then enter the passwords again.`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The secrets file ${file} is damaged (not an object). Fix or remove it, then enter the passwords again.`);
  }
  const entries: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') entries[key] = value;
  return entries;
}

export function writeStringMap(file: string, entries: Record<string, string>): void {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx': always a new file, so it is created with our mode rather than inheriting an old one's.
  const fd = openSync(temp, 'wx', OWNER_ONLY);
  try {
    writeSync(fd, JSON.stringify(entries, null, 2));
    fsyncSync(fd);
    closeSync(fd);
    // The umask can only narrow the mode given to open; make it exactly 0600 anyway.
    chmodSync(temp, OWNER_ONLY);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** `entries` without `key`. */
export function without(entries: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _removed, ...rest } = entries;
  return rest;
}
