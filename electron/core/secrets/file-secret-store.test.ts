import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, type TempDir } from '../store/test-store';
import { FileSecretStore, SECRETS_FILE_NAME } from './file-secret-store';

describe('FileSecretStore', () => {
  let temp: TempDir;
  let file: string;
  beforeEach(() => {
    temp = makeTempDir();
    file = path.join(temp.dir, SECRETS_FILE_NAME);
  });
  afterEach(() => temp.cleanup());

  it('keeps secrets in a file only its owner can read, across instances', () => {
    new FileSecretStore(temp.dir).set('smsGateway.password', 'p4ss');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = new FileSecretStore(temp.dir);
    expect(again.get('smsGateway.password')).toBe('p4ss');
    expect(again.get('other')).toBeUndefined();
  });

  it('tightens a file someone loosened, and leaves no temporary files behind', () => {
    const store = new FileSecretStore(temp.dir);
    store.set('a', '1');
    fs.chmodSync(file, 0o644);
    store.set('b', '2');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(temp.dir)).toEqual([SECRETS_FILE_NAME]);
  });

  it('deletes a secret, and deleting a missing one changes nothing', () => {
    const store = new FileSecretStore(temp.dir);
    store.set('a', '1');
    store.set('b', '2');
    store.delete('a');
    store.delete('nothing');
    expect([store.get('a'), store.get('b')]).toEqual([undefined, '2']);
  });

  it('refuses to overwrite a damaged file (it may hold the only copy of a password)', () => {
    fs.writeFileSync(file, '{ not json');
    const store = new FileSecretStore(temp.dir);
    expect(() => store.get('a')).toThrow(/damaged/);
    expect(() => store.set('a', '1')).toThrow(/damaged/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{ not json');
  });
});
