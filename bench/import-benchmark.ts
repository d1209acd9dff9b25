/**
 * CSV import of 100,000 contacts (name, phone, two attributes), subscribing everyone to a
 * sequence, through the real path: the import service on the main thread, the bundled worker
 * (dist-electron/csv-worker.js) with its own connection, one write transaction at
 * synchronous=FULL. Measured: the time until `run` resolves, and how long the main thread's event
 * loop was ever blocked meanwhile (perf_hooks.monitorEventLoopDelay, 10 ms resolution).
 *
 * The import runs RUNS times, each into a fresh database, because one run on this kind of shared
 * 2-core VM moves by ±30 % with the disk and the neighbours: the figure is the median run (all runs
 * are listed in the note) and the main-thread block is the worst of all runs. The last database
 * stays open for the benchmarks that need 100,000 subscriptions.
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ContactsImportInputSchema } from '../shared/contract';
import { systemClock } from '../electron/core/clock';
import { EventBus } from '../electron/core/events';
import { createImportService } from '../electron/core/import/import-service';
import { silentLogger } from '../electron/core/logger';
import { openStore, type Store } from '../electron/core/store/store';
import { contactsCsv } from './bench-data';
import type { BenchResult } from './report';

export interface ImportBenchOutcome {
  results: BenchResult[];
  sequenceId: number;
  /** The last run's database, open: 100,000 contacts, each subscribed to `sequenceId`. */
  store: Store;
  dbPath: string;
}

const RUNS = 3;

interface ImportRun {
  elapsedMs: number;
  maxBlockMs: number;
  blockP99Ms: number;
  detail: string;
  sequenceId: number;
}

export async function benchImport(dir: string, count: number): Promise<ImportBenchOutcome> {
  const runs: ImportRun[] = [];
  for (let i = 1; ; i++) {
    const runDir = path.join(dir, `import-${i}`);
    const { store, dbPath } = openBenchStore(runDir);
    try {
      runs.push(await importOnce(store, dbPath, count));
    } catch (error) {
      store.close();
      throw error;
    }
    if (i === RUNS) return { results: summarise(runs, count), sequenceId: runs.at(-1)?.sequenceId ?? 0, store, dbPath };
    store.close();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

function summarise(runs: readonly ImportRun[], count: number): BenchResult[] {
  const sorted = [...runs].sort((a, b) => a.elapsedMs - b.elapsedMs);
  const median = sorted[Math.floor(sorted.length / 2)];
  if (median === undefined) throw new Error('No import run to report.');
  const worst = runs.reduce((a, b) => (b.maxBlockMs > a.maxBlockMs ? b : a));
  return [
    {
      name: `CSV import, ${count.toLocaleString('en-US')} contacts (median of ${runs.length})`,
      value: median.elapsedMs,
      unit: 'ms',
      // DESIGN.md §7 says < 5 s; issue 9 brought it to < 3 s, and this holds it there.
      budget: 3000,
      note: `runs ${runs.map((r) => `${Math.round(r.elapsedMs)} ms`).join(', ')}; median run: ${median.detail}`,
    },
    {
      name: 'Main thread blocked during import (max of all runs)',
      value: worst.maxBlockMs,
      unit: 'ms',
      budget: 50,
      note: `event-loop delay p99 ${worst.blockP99Ms.toFixed(1)} ms in that run (10 ms timer resolution)`,
    },
  ];
}

async function importOnce(store: Store, dbPath: string, count: number): Promise<ImportRun> {
  const now = systemClock.now();
  const sequenceId = store.write(() => {
    const id = store.sequences.insert({ name: 'Welcome series', description: '', active: true, channel: null }, now);
    const message = (name: string, delayAmount: number) => ({ name, body: name, mediaId: null, delayAmount, delayUnit: 'days' as const, sendAt: '09:00' });
    store.messages.append(id, message('Brochure', 0), true, now);
    store.messages.append(id, message('Video reviews', 2), true, now);
    store.messages.append(id, message('Offer', 7), true, now);
    return id;
  });

  const events = new EventBus();
  let progressEvents = 0;
  // When each phase was first reported, as the main thread saw it.
  const phaseStarts = new Map<string, number>();
  events.on('import.progress', ({ phase }) => {
    progressEvents++;
    if (!phaseStarts.has(phase)) phaseStarts.set(phase, performance.now());
  });
  const service = createImportService({
    dbPath,
    store,
    events,
    clock: systemClock,
    logger: silentLogger,
    settings: { get: () => ({ defaultCountry: 'DE' }), scheduleContext: () => ({ timeZone: 'Europe/Berlin' }) },
  });

  const csvText = contactsCsv(count);
  const input = ContactsImportInputSchema.parse({
    importId: 'bench-import-100k',
    fileName: 'customers.csv',
    csvText,
    mapping: {
      phone: 'Phone',
      name: 'Name',
      attributes: [
        { column: 'City', attribute: 'city' },
        { column: 'Customer number', attribute: 'customer_number' },
      ],
    },
    sequenceId,
  });

  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const result = await service.run(input);
  const elapsedMs = performance.now() - started;
  loop.disable();
  await service.close();

  if (result.status !== 'completed' || result.created !== count || result.subscribed !== count) {
    throw new Error(`The import benchmark did not import everything: ${JSON.stringify({ ...result, errorReportCsv: undefined, skipped: result.skipped.slice(0, 3) })}`);
  }
  const mb = (Buffer.byteLength(csvText) / 1024 / 1024).toFixed(1);
  const phases = ['parsing', 'validating', 'writing', 'done'];
  const phaseTimes = phases
    .slice(0, -1)
    .map((phase, i) => {
      const start = phaseStarts.get(phase);
      const end = phaseStarts.get(phases[i + 1] ?? '');
      return start === undefined || end === undefined ? `${phase} ?` : `${phase} ${Math.round(end - start)} ms`;
    })
    .join(', ');
  const startup = (phaseStarts.get('parsing') ?? started) - started;
  return {
    elapsedMs,
    maxBlockMs: loop.max / 1e6,
    blockP99Ms: loop.percentile(99) / 1e6,
    sequenceId,
    detail:
      `${mb} MB file, ${Math.round(count / (elapsedMs / 1000)).toLocaleString('en-US')} contacts/s incl. subscribing; ` +
      `worker start ${Math.round(startup)} ms, ${phaseTimes}; ${progressEvents} progress events`,
  };
}

function openBenchStore(dir: string): { store: Store; dbPath: string } {
  fs.mkdirSync(dir, { recursive: true });
  const dbPath = path.join(dir, 'bench.db');
  return { store: openStore(dbPath), dbPath };
}
