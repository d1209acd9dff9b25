import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFolderInUseError, LOCK_FILE_NAME, STARTING_GRACE_MS, lockDataFolder, processIsAlive } from './data-folder-lock';

describe('lockDataFolder', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqa-'));
    file = path.join(dir, LOCK_FILE_NAME);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

  it('gives the folder to one process at a time, and frees it on release', () => {
    const first = lockDataFolder(dir, { pid: 101, isAlive: alive([101, 202]) });
    expect(fs.readFileSync(file, 'utf8')).toBe('101\n');
    expect(() => lockDataFolder(dir, { pid: 202, isAlive: alive([101, 202]) })).toThrow(DataFolderInUseError);
    expect(() => lockDataFolder(dir, { pid: 202, isAlive: alive([101, 202]) })).toThrow(/process 101\) is already using the data folder/);
    first.release();
    first.release();
    expect(fs.existsSync(file)).toBe(false);
    expect(lockDataFolder(dir, { pid: 202, isAlive: alive([202]) }).file).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toBe('202\n');
  });

  it('takes over a lock whose process is gone', () => {
    fs.writeFileSync(file, '101\n');
    lockDataFolder(dir, { pid: 202, isAlive: alive([202]) });
    expect(fs.readFileSync(file, 'utf8')).toBe('202\n');
  });

  it('does not release a lock another process has taken over meanwhile', () => {
    const mine = lockDataFolder(dir, { pid: 101, isAlive: alive([]) });
    fs.writeFileSync(file, '303\n');
    mine.release();
    expect(fs.readFileSync(file, 'utf8')).toBe('303\n');
  });

  it('waits for a lock that cannot be read yet, until it is clearly abandoned', () => {
    fs.writeFileSync(file, '');
    const written = fs.statSync(file).mtimeMs;
    expect(() => lockDataFolder(dir, { pid: 202, isAlive: alive([202]), now: () => written + 1000 })).toThrow(/^Another Sequence Automation is already using/);
    lockDataFolder(dir, { pid: 202, isAlive: alive([202]), now: () => written + STARTING_GRACE_MS + 1 });
    expect(fs.readFileSync(file, 'utf8')).toBe('202\n');
  });

  it('knows whether a process exists', () => {
    expect(processIsAlive(process.pid)).toBe(true);
    expect(processIsAlive(2 ** 30)).toBe(false);
  });
});
