/**
 * Test support: bundles an entry point for Node the way esbuild.config.mjs does for the app, into
 * a temp folder, so tests run the real code in a worker thread or a child process (vitest's
 * TypeScript transform reaches neither, and tsx is not a dependency). Native and run-time modules
 * stay external; the temp folder has no node_modules, so they are required by absolute path.
 * Not imported by app code.
 */
import { createRequire } from 'node:module';
import { build } from 'esbuild';

/** Bundles `entry` into `outfile` (CommonJS, node20), leaving `external` modules unbundled. */
export async function bundleForNode(entry: string, outfile: string, external: readonly string[]): Promise<void> {
  const require = createRequire(import.meta.url);
  const resolved = new Map<string, string>();
  for (const name of external) {
    try {
      resolved.set(name, require.resolve(name));
    } catch {
      // Not installed (puppeteer, say): the bundle never loads it; left as a bare name.
    }
  }
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        name: 'externals-by-path',
        setup(builder) {
          builder.onResolve({ filter: new RegExp(`^(${external.map((n) => n.replace(/[.]/g, '\\.')).join('|')})$`) }, (args) => {
            const target = resolved.get(args.path);
            return { path: target ?? args.path, external: true };
          });
        },
      },
    ],
  });
}
