/** Test support: real SQLite files in throw-away folders. Not imported by app code. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from './store';

export interface TempDir {
  readonly dir: string;
  cleanup(): void;
}

export function makeTempDir(): TempDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqa-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface TempStore extends TempDir {
  readonly store: Store;
  readonly file: string;
}

export function openTempStore(): TempStore {
  const temp = makeTempDir();
  const file = path.join(temp.dir, 'test.db');
  const store = openStore(file);
  return {
    ...temp,
    store,
    file,
    cleanup: () => {
      store.close();
      temp.cleanup();
    },
  };
}
