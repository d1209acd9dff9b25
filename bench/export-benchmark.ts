/**
 * `subscribers.export` of a sequence with 100,000 subscribers, through the real path (the export
 * service and the bundled CSV worker). DESIGN.md sets no budget for its duration; the main thread
 * must stay responsive meanwhile, like during an import.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '../electron/core/clock';
import { createExportService } from '../electron/core/import/export-service';
import { silentLogger } from '../electron/core/logger';
import type { Store } from '../electron/core/store/store';
import type { BenchResult } from './report';

export async function benchSubscribersExport(store: Store, dbPath: string, sequenceId: number, count: number): Promise<BenchResult[]> {
  const exports = createExportService({ dbPath, store, clock: systemClock, logger: silentLogger, settings: { get: () => ({ timeZone: 'Europe/Berlin' }) } });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = performance.now();
  const exported = await exports.subscribers({ sequenceId });
  const elapsedMs = performance.now() - started;
  loop.disable();
  if (exported.rowCount !== count) throw new Error(`The export wrote ${exported.rowCount} rows, expected ${count}.`);
  return [
    {
      name: `Subscribers CSV export, ${count.toLocaleString('en-US')} rows`,
      value: elapsedMs,
      unit: 'ms',
      note: `${(Buffer.byteLength(exported.csv) / 1024 / 1024).toFixed(1)} MB of CSV, in the worker`,
    },
    { name: 'Main thread blocked during export (max)', value: loop.max / 1e6, unit: 'ms', budget: 50 },
  ];
}
