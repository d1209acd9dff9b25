/**
 * `npm run bench`: every benchmark of DESIGN.md §7 this build has, on real SQLite files in a temp
 * folder, printed as a table with each budget's pass/fail. Exits non-zero when a budget fails.
 * Bundled to dist-electron/bench.js, next to the import worker it uses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchSubscribersExport } from './export-benchmark';
import { benchImport, openBenchStore } from './import-benchmark';
import { formatTable, passed, type BenchResult } from './report';
import { benchSubscribersQuery } from './subscribers-query-benchmark';

const PEOPLE = 100_000;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqa-bench-'));
  const results: BenchResult[] = [];
  try {
    const { store, dbPath } = openBenchStore(dir);
    try {
      const imported = await benchImport(store, dbPath, PEOPLE);
      results.push(...imported.results);
      results.push(...benchSubscribersQuery(store, imported.sequenceId, PEOPLE));
      results.push(...(await benchSubscribersExport(store, dbPath, imported.sequenceId, PEOPLE)));
    } finally {
      store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  console.log(`Sequence Automation benchmarks — Node ${process.version}, ${os.cpus().length} CPU cores\n`);
  console.log(formatTable(results));
  if (!results.every(passed)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
