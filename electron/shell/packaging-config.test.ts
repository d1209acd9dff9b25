/**
 * electron-builder.yml: valid by electron-builder's own schema (the scheme.json app-builder-lib
 * ships, the one it validates with before building), and right for this app — the targets the
 * issue asks for, the bundles the shell loads, the icons, and the Electron copy of the SQLite binding.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { electronSqliteBindingPath } from '../../scripts/electron-sqlite-location.mjs';
import { appPaths } from './app-paths';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');

function builderSchemaValidator(): ValidateFunction {
  const schema: unknown = JSON.parse(read('node_modules/app-builder-lib/scheme.json'));
  if (typeof schema !== 'object' || schema === null) throw new Error('scheme.json is not a schema');
  const ajv = new Ajv({ allErrors: true, strict: false });
  // electron-builder's schema uses a custom `typeof` keyword for hooks given as functions.
  ajv.addKeyword({ keyword: 'typeof', schemaType: 'string', validate: (type: string, data: unknown) => typeof data === type });
  return ajv.compile(schema);
}

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}

/** The parts of the config the checks below read. */
interface BuilderConfig {
  appId: string;
  productName: string;
  files: string[];
  extraMetadata: { main: string };
  extraResources: FileSet[];
  asarUnpack: string[];
  npmRebuild: boolean;
  beforePack: string;
  mac: { icon: string; target: string[] };
  win: { icon: string; target: string[] };
  linux: { icon: string; target: string[] };
  nsis: { deleteAppDataOnUninstall: boolean; perMachine: boolean };
}

const validate = builderSchemaValidator();
const raw: unknown = parse(read('electron-builder.yml'));
const config = raw as BuilderConfig;
const packageJson = JSON.parse(read('package.json')) as { main: string; productName: string; scripts: Record<string, string> };

describe('electron-builder.yml', () => {
  it('is valid by the JSON schema electron-builder ships', () => {
    expect(validate(raw), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('would be refused by that schema if it were wrong (the check can fail)', () => {
    expect(validate({ ...config, linux: { ...config.linux, target: 'AppImage', icns: 'x' } })).toBe(false);
    expect(validate({ ...config, npmRebuild: 'no' })).toBe(false);
  });

  it('builds an AppImage and a deb, an NSIS installer and a dmg', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.productName).toBe(packageJson.productName);
  });

  it('packs the bundles the shell loads, and starts from the main bundle', () => {
    expect(config.extraMetadata.main).toBe(packageJson.main);
    const paths = appPaths(path.join(root, 'dist-electron'));
    const packed = [packageJson.main, path.relative(root, paths.preload), 'dist-electron/csv-worker.js'].map((file) => file.split(path.sep).join('/'));
    for (const file of packed) expect(config.files).toContain(file);
    const renderer = path.relative(root, paths.rendererDir).split(path.sep).join('/');
    expect(config.files).toContain(`${renderer}/**/*`);
    // Source maps and the benchmarks stay out of the installers.
    expect(config.files).toContain('!**/*.map');
    expect(config.files.some((pattern) => pattern.includes('bench'))).toBe(false);
  });

  it('uses icons that exist, in the format each platform wants', () => {
    expect(config.mac.icon).toBe('resources/icon.icns');
    expect(config.win.icon).toBe('resources/icon.ico');
    expect(config.linux.icon).toBe('resources/icons');
    for (const icon of [config.mac.icon, config.win.icon, config.linux.icon]) expect(fs.existsSync(path.join(root, icon)), icon).toBe(true);
    const resources = config.extraResources.find((set) => set.to === 'resources');
    expect(resources?.filter).toEqual(['tray/*.png', 'icon.png']);
  });

  it('never rebuilds node_modules in place, and ships the Electron build of better-sqlite3 unpacked', () => {
    expect(config.npmRebuild).toBe(false);
    expect(packageJson.scripts['prestart'] ?? '').not.toContain('install-app-deps');
    expect(packageJson.scripts['predist'] ?? '').not.toContain('install-app-deps');
    const native = config.extraResources.find((set) => set.to === 'native/better_sqlite3.node');
    // Where the beforePack hook builds it, with electron-builder's ${platform} and ${arch} expanded.
    const expanded = (native?.from ?? '').replace('${platform}', 'linux').replace('${arch}', 'x64');
    expect(path.join(root, expanded)).toBe(electronSqliteBindingPath(root, 'linux', 'x64'));
    expect(config.asarUnpack).toContain('**/*.node');
    // Node's build of the binding (wrong ABI for Electron) stays out.
    expect(config.files).toContain('!**/node_modules/better-sqlite3/{build,deps,src}/**');
  });

  it('names a beforePack hook that exists and exports it', async () => {
    const hook: unknown = await import(path.join(root, config.beforePack));
    expect(typeof (hook as { beforePack?: unknown }).beforePack).toBe('function');
  });

  it('keeps the owner’s data when the app is uninstalled on Windows, and installs per user', () => {
    expect(config.nsis.deleteAppDataOnUninstall).toBe(false);
    expect(config.nsis.perMachine).toBe(false);
  });
});
