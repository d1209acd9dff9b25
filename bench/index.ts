/**
 * `npm run bench`: every benchmark of DESIGN.md §7 this build has, on real SQLite files in a temp
 * folder, printed as a table with each budget's pass/fail. Exits non-zero when a budget fails.
 * Bundled to dist-electron/bench.js, next to the import worker and the headless app it uses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDueLookup } from './due-lookup-benchmark';
import { benchEngine } from './engine-benchmark';
import { benchSubscribersExport } from './export-benchmark';
import { benchIdle } from './idle-benchmark';
import { benchImport } from './import-benchmark';
import { benchInbound } from './inbound-benchmark';
import { benchRecompute } from './recompute-benchmark';
import { formatTable, passed, type BenchResult } from './report';
import { benchSubscribersQuery } from './subscribers-query-benchmark';
import { runSubscribersUiBench } from './subscribers-ui';

const PEOPLE = 100_000;

/**
 * `npm run bench -- engine due` runs only those groups; no names runs them all. `people` is the
 * 100,000-contact import and everything measured on its data (search, export, recompute, idle);
 * `import` the import alone (its three runs, for working on it);
 * `inbound` signed webhooks through the real receiver (printed right after the engine's figures);
 * `ui` the subscribers view in Chromium (needs the renderer built, as `npm run bench` does).
 */
const GROUPS = ['people', 'import', 'due', 'engine', 'inbound', 'ui'] as const;
type Group = (typeof GROUPS)[number];

function selectedGroups(args: readonly string[]): ReadonlySet<Group> {
  const unknown = args.filter((arg) => !(GROUPS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`Unknown benchmark group ${unknown.join(', ')}; choose from ${GROUPS.join(', ')}.`);
  // `people` includes the import: all of them means `people`, not the import twice.
  return new Set(args.length === 0 ? GROUPS.filter((group) => group !== 'import') : (args as Group[]));
}

async function main(): Promise<void> {
  const groups = selectedGroups(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seqa-bench-'));
  const results: BenchResult[] = [];
  try {
    if (groups.has('people')) {
      const imported = await benchImport(dir, PEOPLE);
      const { store, dbPath, sequenceId } = imported;
      try {
        results.push(...imported.results);
        results.push(...benchSubscribersQuery(store, sequenceId, PEOPLE));
        results.push(...(await benchSubscribersExport(store, dbPath, sequenceId, PEOPLE)));
        results.push(...(await benchRecompute(store, sequenceId, PEOPLE)));
        results.push(...(await benchIdle(store, sequenceId, path.join(dir, 'idle-app'), PEOPLE)));
      } finally {
        store.close();
      }
    }
    if (groups.has('import') && !groups.has('people')) {
      const imported = await benchImport(dir, PEOPLE);
      imported.store.close();
      results.push(...imported.results);
    }
    if (groups.has('due')) results.push(...benchDueLookup(dir));
    if (groups.has('engine')) results.push(...(await benchEngine(dir)));
    if (groups.has('inbound')) results.push(...(await benchInbound(dir)));
    if (groups.has('ui')) results.push(...(await runSubscribersUiBench()).results);
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
