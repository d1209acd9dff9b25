import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { ENCRYPTED_SECRETS_FILE_NAME, SafeStorageSecretStore, type SafeStorageLike } from './safe-storage-secret-store';

/** Stands in for Electron's safeStorage: reversible, and visibly not plain text. */
const fakeSafeStorage = (available = true): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (plain) => Buffer.from(`enc:${[...plain].reverse().join('')}`, 'utf8'),
  decryptString: (encrypted) => {
    const text = encrypted.toString('utf8');
    if (!text.startsWith('enc:')) throw new Error('not ours');
    return [...text.slice(4)].reverse().join('');
  },
});

describe('SafeStorageSecretStore', () => {
  let temp: TempDir;
  beforeEach(() => {
    temp = makeTempDir();
  });
  afterEach(() => temp.cleanup());

  it('stores secrets encrypted, owner-only, and reads them back', () => {
    new SafeStorageSecretStore(temp.dir, fakeSafeStorage()).set('smsGateway.password', 'p4ss-word');
    const file = path.join(temp.dir, ENCRYPTED_SECRETS_FILE_NAME);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('p4ss-word');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(new SafeStorageSecretStore(temp.dir, fakeSafeStorage()).get('smsGateway.password')).toBe('p4ss-word');
  });

  it('refuses to store a secret when the system offers no encryption, rather than keep it in plain text', () => {
    const store = new SafeStorageSecretStore(temp.dir, fakeSafeStorage(false));
    expect(() => store.set('smsGateway.password', 'p4ss')).toThrow(/no way to keep passwords encrypted/);
    expect(fs.existsSync(path.join(temp.dir, ENCRYPTED_SECRETS_FILE_NAME))).toBe(false);
  });

  it('deletes a secret', () => {
    const store = new SafeStorageSecretStore(temp.dir, fakeSafeStorage());
    store.set('a', '1');
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
  });
});
