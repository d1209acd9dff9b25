import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { ENCRYPTED_SECRETS_FILE_NAME, SafeStorageSecretStore, encryptionProblem, type SafeStorageLike } from './safe-storage-secret-store';

/** Stands in for Electron's safeStorage: reversible, and visibly not plain text. */
const fakeSafeStorage = (available = true, backend?: string): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  ...(backend === undefined ? {} : { getSelectedStorageBackend: () => backend }),
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
    expect(() => store.set('smsGateway.password', 'p4ss')).toThrow(/no keyring to keep passwords encrypted/);
    expect(fs.existsSync(path.join(temp.dir, ENCRYPTED_SECRETS_FILE_NAME))).toBe(false);
  });

  it('refuses on Linux without a keyring, where safeStorage says it is available but uses a hard-coded key', () => {
    const store = new SafeStorageSecretStore(temp.dir, fakeSafeStorage(true, 'basic_text'));
    expect(() => store.set('smsGateway.password', 'p4ss')).toThrow(
      'This computer has no keyring to keep passwords encrypted (on Linux: GNOME Keyring, KWallet or another Secret Service), so the password was not saved. Set up and unlock a keyring, restart the app, and enter the password again.',
    );
    expect(fs.existsSync(path.join(temp.dir, ENCRYPTED_SECRETS_FILE_NAME))).toBe(false);
  });

  it('stores with a real Linux keyring, and still reads what was stored before the check', () => {
    new SafeStorageSecretStore(temp.dir, fakeSafeStorage(true, 'gnome_libsecret')).set('a', 'with keyring');
    expect(new SafeStorageSecretStore(temp.dir, fakeSafeStorage(true, 'basic_text')).get('a')).toBe('with keyring');
    expect(encryptionProblem(fakeSafeStorage(true, 'kwallet6'))).toBeNull();
    expect(encryptionProblem(fakeSafeStorage(true))).toBeNull();
  });

  it('deletes a secret', () => {
    const store = new SafeStorageSecretStore(temp.dir, fakeSafeStorage());
    store.set('a', '1');
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
  });
});
