/**
 * Desktop secrets: each value encrypted with Electron's safeStorage (the OS keychain, DPAPI or
 * libsecret key) and kept, base64, in `<userData>/secrets.enc.json` (owner-only, written
 * atomically). Only this user on this machine can decrypt them; the file alone is useless.
 *
 * safeStorage is passed in rather than imported, so this is tested without Electron. When the OS
 * offers no encryption (Linux without a keyring), storing is refused with a readable error rather
 * than quietly keeping a password in plain text.
 */
import path from 'node:path';
import { readStringMap, without, writeStringMap } from '../core/secrets/owner-only-file';
import type { SecretStore } from '../core/secrets/secret-store';

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const ENCRYPTED_SECRETS_FILE_NAME = 'secrets.enc.json';

export class SafeStorageSecretStore implements SecretStore {
  private readonly file: string;

  constructor(
    userDataDir: string,
    private readonly safeStorage: SafeStorageLike,
  ) {
    this.file = path.join(userDataDir, ENCRYPTED_SECRETS_FILE_NAME);
  }

  get(key: string): string | undefined {
    const encrypted = readStringMap(this.file)[key];
    return encrypted === undefined ? undefined : this.safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
  }

  set(key: string, value: string): void {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new Error('This computer offers no way to keep passwords encrypted (no keyring is available), so the password was not saved.');
    }
    const encrypted = this.safeStorage.encryptString(value).toString('base64');
    writeStringMap(this.file, { ...readStringMap(this.file), [key]: encrypted });
  }

  delete(key: string): void {
    const current = readStringMap(this.file);
    if (key in current) writeStringMap(this.file, without(current, key));
  }
}
