// Bundles the Node side (Electron main, preload, headless server, benchmarks) into dist-electron/.
// Native and Electron-provided modules stay external: they are loaded from node_modules at run time.
import { build } from 'esbuild';

const entryPoints = {
  main: 'electron/main.ts',
  preload: 'electron/preload.ts',
  headless: 'electron/headless.ts',
  // CSV imports and exports run in a worker thread, which loads its own file (electron/core/import/csv-worker-runner.ts).
  'csv-worker': 'electron/core/import/csv-worker.ts',
};
// Benchmarks: `npm run bench` (Node side) and `npm run bench:ui` (first rows in Chromium).
entryPoints.bench = 'bench/index.ts';
entryPoints['bench-ui'] = 'bench/subscribers-ui-main.ts';

await build({
  entryPoints,
  outdir: 'dist-electron',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external: ['electron', 'better-sqlite3', 'whatsapp-web.js', 'puppeteer', 'puppeteer-core', '@playwright/test', 'playwright-core'],
  // Lazy `import()`s of external packages (whatsapp-web.js, loaded only once WhatsApp is linked)
  // become plain `require`s: Electron loads those from node_modules inside app.asar reliably.
  supported: { 'dynamic-import': false },
  logLevel: 'warning',
});
