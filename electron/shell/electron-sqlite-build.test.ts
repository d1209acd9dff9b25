/**
 * scripts/electron-sqlite.mjs, the Electron copy of better-sqlite3's binding (the ABI story): it is
 * built beside node_modules, never in place, only when missing or out of date, and where the shell
 * looks for it. The real rebuild (@electron/rebuild, which downloads Electron's headers) is replaced
 * by a fake that writes the file it would have produced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { beforePack, ensureElectronSqlite, type RebuildRequest } from '../../scripts/electron-sqlite.mjs';
import { makeTempDir, type TempDir } from '../core/store/test-store';
import { electronSqliteBinding } from './sqlite-binding';

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

describe('ensureElectronSqlite', () => {
  let temp: TempDir;
  let project: string;
  let requests: RebuildRequest[];
  const nodeBuild = (): string => path.join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

  /** Stands in for @electron/rebuild: compiles the staged package "for" the Electron version asked. */
  const fakeRebuild = async (request: RebuildRequest): Promise<void> => {
    requests.push(request);
    const staged = path.join(request.buildPath, 'node_modules', 'better-sqlite3');
    // The staged copy carries the sources, not Node's binary.
    expect(fs.existsSync(path.join(staged, 'src', 'better_sqlite3.cpp'))).toBe(true);
    expect(fs.existsSync(path.join(staged, 'build'))).toBe(false);
    writeFile(path.join(staged, 'build', 'Release', 'better_sqlite3.node'), `electron ${request.electronVersion} ${request.arch}`);
  };

  const setVersions = (electron: string, betterSqlite3: string): void => {
    writeFile(path.join(project, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: electron }));
    writeFile(path.join(project, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: betterSqlite3 }));
  };

  beforeEach(() => {
    temp = makeTempDir();
    project = temp.dir;
    requests = [];
    setVersions('45.5.0', '12.11.1');
    writeFile(path.join(project, 'node_modules', 'better-sqlite3', 'src', 'better_sqlite3.cpp'), '// sources');
    writeFile(path.join(project, 'node_modules', 'better-sqlite3', 'lib', 'index.js'), 'module.exports = {};');
    writeFile(nodeBuild(), 'node abi');
  });
  afterEach(() => temp.cleanup());

  const ensure = () => ensureElectronSqlite({ projectDir: project, platform: process.platform, arch: 'x64', rebuild: fakeRebuild, log: () => undefined });

  it('builds the Electron copy where the shell loads it from, and leaves Node’s build alone', async () => {
    const result = await ensure();
    expect(result.rebuilt).toBe(true);
    const expected = electronSqliteBinding({ isPackaged: false, appPath: project, resourcesPath: '/unused', platform: process.platform, arch: 'x64' });
    expect(result.binding).toBe(expected);
    expect(fs.readFileSync(expected, 'utf8')).toBe('electron 45.5.0 x64');
    expect(fs.readFileSync(nodeBuild(), 'utf8')).toBe('node abi');
    expect(requests).toHaveLength(1);
    // The staging folder is gone.
    expect(fs.readdirSync(path.dirname(path.dirname(expected)))).toEqual([path.basename(path.dirname(expected))]);
  });

  it('does nothing the second time (npm start stays fast), and builds again when Electron or better-sqlite3 changes', async () => {
    await ensure();
    expect((await ensure()).rebuilt).toBe(false);
    expect(requests).toHaveLength(1);
    setVersions('45.6.0', '12.11.1');
    expect((await ensure()).rebuilt).toBe(true);
    setVersions('45.6.0', '12.12.0');
    expect((await ensure()).rebuilt).toBe(true);
    expect(requests.map((request) => request.electronVersion)).toEqual(['45.5.0', '45.6.0', '45.6.0']);
  });

  it('builds again when the binding was deleted', async () => {
    const { binding } = await ensure();
    fs.rmSync(binding);
    expect((await ensure()).rebuilt).toBe(true);
  });

  it('keeps no half-built file when the rebuild fails, so the next start tries again', async () => {
    const failing = async (): Promise<void> => {
      throw new Error('no network for the headers');
    };
    await expect(ensureElectronSqlite({ projectDir: project, arch: 'x64', rebuild: failing, log: () => undefined })).rejects.toThrow('no network');
    const binding = electronSqliteBinding({ isPackaged: false, appPath: project, resourcesPath: '/unused', platform: process.platform, arch: 'x64' });
    expect(fs.existsSync(binding)).toBe(false);
    expect((await ensure()).rebuilt).toBe(true);
  });

  it('refuses to cross-compile for another operating system, with a reason', async () => {
    const other = process.platform === 'win32' ? 'linux' : 'win32';
    await expect(ensureElectronSqlite({ projectDir: project, platform: other, rebuild: fakeRebuild })).rejects.toThrow(
      `better-sqlite3 cannot be compiled for ${other} on ${process.platform}`,
    );
    expect(requests).toHaveLength(0);
  });

  it('is electron-builder’s beforePack hook, for the architecture being packaged', async () => {
    // Arch 3 is arm64 in electron-builder's enum; the fake is not reachable through the hook, so
    // make the build already present and up to date for arm64.
    await ensureElectronSqlite({ projectDir: project, arch: 'arm64', rebuild: fakeRebuild, log: () => undefined });
    await beforePack({ arch: 3, electronPlatformName: process.platform, packager: { projectDir: project } });
    expect(requests).toHaveLength(1);
    await expect(beforePack({ arch: 9, electronPlatformName: process.platform, packager: { projectDir: project } })).rejects.toThrow('Unknown electron-builder architecture 9');
  });
});
