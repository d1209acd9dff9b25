/**
 * Test support: bundles the CSV worker the way esbuild.config.mjs does for the app, into a temp
 * folder, so tests run the real worker thread (vitest's TypeScript transform does not reach into
 * worker threads, and tsx is not a dependency). better-sqlite3 stays external — a native module
 * cannot be bundled — and is required by absolute path, since the temp folder has no node_modules.
 * Not imported by app code.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../test-bundle';

export async function buildCsvWorker(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'csv-worker.js');
  await bundleForNode(path.join(path.dirname(fileURLToPath(import.meta.url)), 'csv-worker.ts'), outfile, ['better-sqlite3']);
  return outfile;
}
