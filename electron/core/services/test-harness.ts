/**
 * Test support: a real core on a temp data folder, called the way the transports call it (input
 * parsed with the contract's schema first) and with every output checked against the contract.
 * Not imported by app code.
 */
import path from 'node:path';
import { contract, type EventPayload, type MethodInput, type MethodName, type MethodOutput } from '../../../shared/contract';
import { DATABASE_FILE_NAME, openCoreApp, type CoreApp } from '../app';
import type { Clock } from '../clock';
import { ManualTimers } from '../engine/manual-timers';
import { silentLogger } from '../logger';
import { openDatabase } from '../store/database';
import { makeTempDir } from '../store/test-store';

export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 2, 9, 0)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  readonly app: CoreApp;
  readonly dataDir: string;
  readonly clock: FakeClock;
  /** The engine's timers: they fire only through `timers.runUntil`/`fireDue` (see engine/manual-timers.ts). */
  readonly timers: ManualTimers;
  /** `data.changed` payloads in the order emitted. */
  readonly changes: Array<EventPayload<'data.changed'>['tables']>;
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Runs SQL on a second connection: for state no API method writes yet (e.g. sent counts). */
  sql(statement: string, ...params: unknown[]): void;
  cleanup(): void;
}

export function createHarness(options: { machineTimeZone?: string; machineCountry?: string; csvWorkerFile?: string } = {}): Harness {
  const temp = makeTempDir();
  const clock = new FakeClock();
  const timers = new ManualTimers(clock, (ms) => {
    clock.ms = ms;
  });
  const app = openCoreApp({
    timers,
    dataDir: temp.dir,
    shell: 'headless',
    version: '0.0.0-test',
    clock,
    logger: silentLogger,
    machineTimeZone: options.machineTimeZone ?? 'Europe/Berlin',
    machineCountry: options.machineCountry ?? 'DE',
    ...(options.csvWorkerFile === undefined ? {} : { csvWorkerFile: options.csvWorkerFile }),
  });
  const changes: Array<EventPayload<'data.changed'>['tables']> = [];
  app.events.on('data.changed', ({ tables }) => changes.push([...tables].sort()));

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const schemas = contract[method];
    const parsed = schemas.input.parse(input);
    // The handler map is keyed by method; TypeScript cannot correlate the generic key here.
    const handler = app.handlers[method] as (input: unknown) => unknown;
    const output = await handler(parsed);
    return schemas.output.parse(output) as MethodOutput<M>;
  }

  return {
    app,
    dataDir: temp.dir,
    clock,
    timers,
    changes,
    call,
    sql: (statement, ...params) => {
      const db = openDatabase(path.join(temp.dir, DATABASE_FILE_NAME));
      try {
        db.prepare(statement).run(...params);
      } finally {
        db.close();
      }
    },
    cleanup: () => {
      app.close();
      temp.cleanup();
    },
  };
}
