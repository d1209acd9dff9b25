/**
 * Test support: bundles the CSV worker the way esbuild.config.mjs does for the app, into a temp
 * folder, so tests run the real worker thread (vitest's TypeScript transform does not reach into
 * worker threads, and tsx is not a dependency). better-sqlite3 stays external — a native module
 * cannot be bundled — and is required by absolute path, since the temp folder has no node_modules.
 * Not imported by app code.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function buildCsvWorker(outDir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const betterSqlite3 = require.resolve('better-sqlite3');
  const outfile = path.join(outDir, 'csv-worker.js');
  await build({
    entryPoints: [path.join(path.dirname(fileURLToPath(import.meta.url)), 'csv-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'better-sqlite3-by-path',
        setup(builder) {
          builder.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: betterSqlite3, external: true }));
        },
      },
    ],
  });
  return outfile;
}
