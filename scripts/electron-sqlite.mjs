// The better-sqlite3 ABI story: two builds of one native module, side by side.
//
// better-sqlite3 is a native addon, and a native addon only loads in the runtime whose ABI it was
// compiled for. Node (tests, headless, benchmarks) and Electron (the desktop app) have different
// ABIs. Rebuilding node_modules/better-sqlite3 in place for Electron (what
// `electron-builder install-app-deps` does) breaks every Node run until it is rebuilt back.
//
// So node_modules/better-sqlite3 always stays Node's build (npm install makes it), and this script
// builds a second copy for Electron into native-build/electron-<platform>-<arch>/ (see
// electron-sqlite-location.mjs): it copies the package's sources into a staging folder there and
// runs @electron/rebuild on that copy (a prebuilt binary when one can be downloaded, otherwise
// node-gyp against Electron's headers). A stamp file records the Electron and better-sqlite3
// versions it was built for, so it is rebuilt only when one of them changes.
//
// The Electron shell passes that file to better-sqlite3 as `nativeBinding` (electron/shell/
// sqlite-binding.ts); Node never sees it. `npm start` and `npm run dist` run this first
// (prestart/predist), and electron-builder's beforePack hook runs it for the architecture being
// packaged, whose output electron-builder.yml copies into the app's resources/native/.
//
// Usage: `node scripts/electron-sqlite.mjs` (this machine's platform and architecture).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQLITE_BINDING_FILE, electronSqliteBindingPath, electronSqliteDir } from './electron-sqlite-location.mjs';

const STAMP_FILE = 'build.json';
/** What the running app needs of the package; its build/ (Node's binary) is left behind. */
const PACKAGE_PARTS = ['package.json', 'binding.gyp', 'src', 'deps', 'lib'];

/** electron-builder's Arch enum (builder-util) by number. */
const BUILDER_ARCHES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

function versionOf(projectDir, packageName) {
  const file = path.join(projectDir, 'node_modules', packageName, 'package.json');
  if (!existsSync(file)) throw new Error(`${packageName} is not installed (no ${file}); run npm install first.`);
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

function readStamp(dir) {
  try {
    return JSON.parse(readFileSync(path.join(dir, STAMP_FILE), 'utf8'));
  } catch {
    return null; // missing or damaged: build again
  }
}

/** Rebuilds the staged better-sqlite3 for Electron with @electron/rebuild (Electron's own tool). */
async function electronRebuild({ buildPath, electronVersion, arch }) {
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true });
}

/**
 * Makes sure the Electron build of better-sqlite3 exists for `platform`/`arch` and matches the
 * installed Electron and better-sqlite3; builds it if not. Returns its path and whether it was built.
 */
export async function ensureElectronSqlite({
  projectDir,
  platform = process.platform,
  arch = process.arch,
  rebuild = electronRebuild,
  log = (line) => process.stdout.write(`${line}\n`),
}) {
  if (platform !== process.platform) {
    throw new Error(
      `better-sqlite3 cannot be compiled for ${platform} on ${process.platform}: build the ${platform} installer on a ${platform} machine.`,
    );
  }
  if (arch === 'universal') {
    throw new Error('A universal macOS build needs better-sqlite3 for both architectures; build x64 and arm64 separately.');
  }
  const wanted = {
    electron: versionOf(projectDir, 'electron'),
    betterSqlite3: versionOf(projectDir, 'better-sqlite3'),
    platform,
    arch,
  };
  const dir = electronSqliteDir(projectDir, platform, arch);
  const binding = electronSqliteBindingPath(projectDir, platform, arch);
  const stamp = readStamp(dir);
  if (existsSync(binding) && stamp !== null && Object.entries(wanted).every(([key, value]) => stamp[key] === value)) {
    return { binding, rebuilt: false };
  }

  log(`Building better-sqlite3 ${wanted.betterSqlite3} for Electron ${wanted.electron} (${platform}-${arch}) into ${path.relative(projectDir, dir)} …`);
  const stage = `${dir}.stage`;
  rmSync(stage, { recursive: true, force: true });
  const stagedPackage = path.join(stage, 'node_modules', 'better-sqlite3');
  mkdirSync(stagedPackage, { recursive: true });
  const source = path.join(projectDir, 'node_modules', 'better-sqlite3');
  for (const part of PACKAGE_PARTS) {
    if (existsSync(path.join(source, part))) cpSync(path.join(source, part), path.join(stagedPackage, part), { recursive: true });
  }
  writeFileSync(
    path.join(stage, 'package.json'),
    JSON.stringify({ name: 'electron-native-stage', private: true, dependencies: { 'better-sqlite3': wanted.betterSqlite3 } }, null, 2),
  );
  try {
    await rebuild({ buildPath: stage, electronVersion: wanted.electron, arch });
    const built = path.join(stagedPackage, 'build', 'Release', SQLITE_BINDING_FILE);
    if (!existsSync(built)) throw new Error(`the rebuild finished without producing ${built}`);
    mkdirSync(dir, { recursive: true });
    cpSync(built, binding);
    writeFileSync(path.join(dir, STAMP_FILE), `${JSON.stringify(wanted, null, 2)}\n`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  log(`Built ${path.relative(projectDir, binding)}`);
  return { binding, rebuilt: true };
}

/** electron-builder's beforePack hook: the binding for the platform and architecture being packaged. */
export async function beforePack(context) {
  const arch = BUILDER_ARCHES[context.arch];
  if (arch === undefined) throw new Error(`Unknown electron-builder architecture ${String(context.arch)}`);
  await ensureElectronSqlite({ projectDir: context.packager.projectDir, platform: context.electronPlatformName, arch });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const projectDir = fileURLToPath(new URL('..', import.meta.url));
  ensureElectronSqlite({ projectDir }).catch((error) => {
    process.stderr.write(`Could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
