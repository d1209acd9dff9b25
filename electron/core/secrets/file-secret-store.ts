/**
 * Headless secrets: `<dataDir>/secrets.json`, readable and writable by its owner only (0600),
 * rewritten atomically on every change (owner-only-file.ts). Plain text inside, protected by the
 * file's permissions: the same protection an SSH key or a .netrc has.
 */
import path from 'node:path';
import { readStringMap, without, writeStringMap } from './owner-only-file';
import type { SecretStore } from './secret-store';

export const SECRETS_FILE_NAME = 'secrets.json';

export class FileSecretStore implements SecretStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, SECRETS_FILE_NAME);
  }

  get(key: string): string | undefined {
    return readStringMap(this.file)[key];
  }

  set(key: string, value: string): void {
    writeStringMap(this.file, { ...readStringMap(this.file), [key]: value });
  }

  delete(key: string): void {
    const current = readStringMap(this.file);
    if (key in current) writeStringMap(this.file, without(current, key));
  }
}
