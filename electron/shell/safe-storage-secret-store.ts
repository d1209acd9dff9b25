/**
 * Desktop secrets: each value encrypted with Electron's safeStorage (the OS keychain, DPAPI or
 * libsecret key) and kept, base64, in `<userData>/secrets.enc.json` (owner-only, written
 * atomically). Only this user on this machine can decrypt them; the file alone is useless.
 *
 * safeStorage is passed in rather than imported, so this is tested without Electron. When the OS
 * offers no real encryption, storing is refused with a readable error (the Settings page shows it
 * where the password was entered) rather than quietly keeping a password as good as plain text.
 * "No real encryption" includes Linux without a keyring: there safeStorage still reports itself
 * available but falls back to the `basic_text` backend, which encrypts with a key hard-coded in
 * Chromium, so anyone who can read the file can read the password.
 *
 * Values stored before this check (under `basic_text`) are still read, so a gateway that works
 * keeps working; entering its password again needs a keyring.
 */
import path from 'node:path';
import { readStringMap, without, writeStringMap } from '../core/secrets/owner-only-file';
import type { SecretStore } from '../core/secrets/secret-store';

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only (absent elsewhere): the password manager in use; `basic_text` means none. */
  getSelectedStorageBackend?(): string;
}

/** Why secrets cannot be stored safely on this computer, or null if they can. */
export function encryptionProblem(safeStorage: SafeStorageLike): string | null {
  const noKeyring =
    'This computer has no keyring to keep passwords encrypted (on Linux: GNOME Keyring, KWallet or another Secret Service), so the password was not saved. Set up and unlock a keyring, restart the app, and enter the password again.';
  if (!safeStorage.isEncryptionAvailable()) return noKeyring;
  // Only where the method exists (Linux); elsewhere the OS keychain is always used.
  if (typeof safeStorage.getSelectedStorageBackend === 'function' && safeStorage.getSelectedStorageBackend() === 'basic_text') return noKeyring;
  return null;
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
    const problem = encryptionProblem(this.safeStorage);
    if (problem !== null) throw new Error(problem);
    const encrypted = this.safeStorage.encryptString(value).toString('base64');
    writeStringMap(this.file, { ...readStringMap(this.file), [key]: encrypted });
  }

  delete(key: string): void {
    const current = readStringMap(this.file);
    if (key in current) writeStringMap(this.file, without(current, key));
  }
}
