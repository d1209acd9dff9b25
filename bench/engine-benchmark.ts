/**
 * The delivery engine's own cost and punctuality (DESIGN.md §7), through the real core
 * (openCoreApp: store at synchronous=FULL, services, DeliveryEngine with its real timers), on the
 * test-mode channel, which sends nothing and answers at once: what is measured is the engine.
 *
 * - Bookkeeping throughput: 5,000 subscribers whose message is due, the engine started, until it
 *   is idle again: claim → send → record for every one, each send its own durable commit. Side by
 *   side, plainjob (a SQLite job queue on better-sqlite3) doing claim → done for 5,000 no-op jobs
 *   with its standard worker, in the same run, also WAL at synchronous=FULL. The budget: at least
 *   as fast (ratio ≥ 1). Both are run RUNS times, alternately, each on a fresh database, and the
 *   medians are compared: one run on a shared 2-core VM moves by ±30 % with the disk.
 * - On-time accuracy: 300 subscribers whose first message falls due one every 10 ms starting two
 *   seconds ahead, with no pacing gap, no daily cap and no quiet hours (nothing holds a message
 *   back); per delivery, sent − due. The budget: p99 under 1 s.
 */
import Database from 'better-sqlite3';
import { better, defineQueue, defineWorker } from 'plainjob';
import path from 'node:path';
import { contract, type MethodInput, type MethodName, type MethodOutput } from '../shared/contract';
import { DATABASE_FILE_NAME, openCoreApp, type CoreApp } from '../electron/core/app';
import { silentLogger } from '../electron/core/logger';
import { MemorySecretStore } from '../electron/core/secrets/secret-store';
import type { BenchResult } from './report';

const THROUGHPUT_JOBS = 5_000;
const RUNS = 3;
const ON_TIME_SUBSCRIBERS = 300;
const ON_TIME_SPACING_MS = 10;
const ON_TIME_LEAD_MS = 2_000;

const OPEN_WINDOW = { quietHours: null, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] };

export async function benchEngine(dir: string): Promise<BenchResult[]> {
  const ourRuns: Throughput[] = [];
  const theirRuns: Throughput[] = [];
  for (let run = 1; run <= RUNS; run++) {
    ourRuns.push(await engineThroughput(path.join(dir, `engine-throughput-${run}`)));
    theirRuns.push(await plainjobThroughput(path.join(dir, `plainjob-${run}.db`)));
  }
  const ours = median(ourRuns);
  const theirs = median(theirRuns);
  const onTime = await onTimeAccuracy(path.join(dir, 'engine-on-time'));
  const ratio = ours.perSecond / theirs.perSecond;
  const listed = (runs: readonly Throughput[]): string => runs.map((r) => Math.round(r.perSecond).toLocaleString('en-US')).join(', ');
  return [
    {
      name: `Engine bookkeeping, claim → send → record, synchronous=FULL (median of ${RUNS})`,
      value: ours.perSecond,
      unit: 'msg/s',
      note: `${THROUGHPUT_JOBS.toLocaleString('en-US')} messages through the test-mode channel in ${Math.round(ours.ms)} ms; runs ${listed(ourRuns)} msg/s`,
    },
    {
      name: `plainjob, claim → done, synchronous=FULL (same run, median of ${RUNS})`,
      value: theirs.perSecond,
      unit: 'jobs/s',
      note: `${THROUGHPUT_JOBS.toLocaleString('en-US')} no-op jobs, plainjob's worker, in ${Math.round(theirs.ms)} ms; runs ${listed(theirRuns)} jobs/s`,
    },
    {
      // Expressed as plainjob ÷ engine so that "below budget" means pass, like every other row.
      name: 'plainjob throughput ÷ engine throughput (engine at least as fast)',
      value: 1 / ratio,
      unit: '×',
      budget: 1,
      note: `the engine is ${ratio.toFixed(2)}× plainjob`,
    },
    {
      name: `On-time accuracy, sent − due, p99 (${ON_TIME_SUBSCRIBERS} due 10 ms apart)`,
      value: onTime.p99,
      unit: 'ms',
      budget: 1000,
      note: `median ${onTime.median.toFixed(1)} ms, max ${onTime.max.toFixed(1)} ms`,
    },
  ];
}

function openApp(dataDir: string): { app: CoreApp; call: <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>> } {
  const app = openCoreApp({
    dataDir,
    shell: 'headless',
    version: 'bench',
    logger: silentLogger,
    machineTimeZone: 'Europe/Berlin',
    machineCountry: 'DE',
    secretStore: new MemorySecretStore(),
    engine: { autoStart: false },
  });
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const handler = app.handlers[method] as (input: unknown) => unknown;
    return contract[method].output.parse(await handler(contract[method].input.parse(input))) as MethodOutput<M>;
  };
  return { app, call };
}

/** A sequence on the test-mode channel with one message due right away, and nothing holding sends back. */
async function setUp(call: ReturnType<typeof openApp>['call']): Promise<number> {
  await call('settings.update', {
    sending: { window: OPEN_WINDOW, pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: null }, catchUp: { kind: 'send-late' }, onPermanentFailure: 'move-on' },
  });
  const sequence = await call('sequences.create', { name: 'Bench', channel: 'test' });
  await call('messages.create', { sequenceId: sequence.id, name: 'Hello', body: 'Hello {{name}}', delayAmount: 0, delayUnit: 'minutes' });
  return sequence.id;
}

interface Throughput {
  ms: number;
  perSecond: number;
}

function median(runs: readonly Throughput[]): Throughput {
  const middle = [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)];
  if (middle === undefined) throw new Error('No throughput run to report.');
  return middle;
}

async function engineThroughput(dataDir: string): Promise<Throughput> {
  const { app, call } = openApp(dataDir);
  try {
    const sequenceId = await setUp(call);
    const lines = ['Name,Phone', ...Array.from({ length: THROUGHPUT_JOBS }, (_, i) => `Customer ${i},+49151${30_000_000 + i}`)];
    const imported = await call('contacts.import', {
      importId: 'bench-engine',
      fileName: 'customers.csv',
      csvText: lines.join('\n'),
      mapping: { phone: 'Phone', name: 'Name', attributes: [] },
      sequenceId,
    });
    if (imported.subscribed !== THROUGHPUT_JOBS) throw new Error(`Only ${imported.subscribed} subscribers for the engine benchmark.`);
    const started = performance.now();
    await app.engine.start();
    await app.engine.waitForIdle();
    const ms = performance.now() - started;
    const sent = countSent(dataDir);
    if (sent !== THROUGHPUT_JOBS) throw new Error(`The engine sent ${sent} of ${THROUGHPUT_JOBS} messages.`);
    return { ms, perSecond: THROUGHPUT_JOBS / (ms / 1000) };
  } finally {
    app.close();
    await app.closed;
  }
}

async function plainjobThroughput(file: string): Promise<Throughput> {
  const db = new Database(file);
  const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
  const queue = defineQueue({ connection: better(db), logger: quiet });
  // plainjob sets synchronous=NORMAL; the engine's durability is FULL, so the same here.
  db.pragma('synchronous = FULL');
  if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('plainjob did not run at synchronous=FULL.');
  queue.addMany(
    'send',
    Array.from({ length: THROUGHPUT_JOBS }, (_, i) => ({ i })),
  );
  let done = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const worker = defineWorker('send', () => undefined, {
    queue,
    logger: quiet,
    onCompleted: () => {
      done++;
      if (done === THROUGHPUT_JOBS) finish();
    },
  });
  const started = performance.now();
  const running = worker.start();
  await allDone;
  const ms = performance.now() - started;
  await worker.stop();
  await running;
  queue.close();
  return { ms, perSecond: THROUGHPUT_JOBS / (ms / 1000) };
}

async function onTimeAccuracy(dataDir: string): Promise<{ median: number; p99: number; max: number }> {
  const { app, call } = openApp(dataDir);
  try {
    const sequenceId = await setUp(call);
    const firstDue = Date.now() + ON_TIME_LEAD_MS;
    for (let i = 0; i < ON_TIME_SUBSCRIBERS; i++) {
      await call('subscribers.add', { sequenceId, phone: `+49151${40_000_000 + i}`, name: `Customer ${i}`, startAt: firstDue + i * ON_TIME_SPACING_MS });
    }
    if (Date.now() > firstDue) throw new Error('Adding the subscribers took longer than the lead time; raise ON_TIME_LEAD_MS.');
    await app.engine.start();
    // The engine sleeps on its timers between sends: wait for the last one by reading the data.
    const deadline = firstDue + ON_TIME_SUBSCRIBERS * ON_TIME_SPACING_MS + 30_000;
    while (countSent(dataDir) < ON_TIME_SUBSCRIBERS) {
      if (Date.now() > deadline) throw new Error('The on-time benchmark did not finish.');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const late = readLateness(dataDir).sort((a, b) => a - b);
    const at = (q: number): number => late[Math.min(late.length - 1, Math.ceil(late.length * q) - 1)] ?? Number.NaN;
    return { median: at(0.5), p99: at(0.99), max: late.at(-1) ?? Number.NaN };
  } finally {
    app.close();
    await app.closed;
  }
}

function countSent(dataDir: string): number {
  const db = new Database(path.join(dataDir, DATABASE_FILE_NAME), { readonly: true });
  try {
    return db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'").get()?.n ?? 0;
  } finally {
    db.close();
  }
}

function readLateness(dataDir: string): number[] {
  const db = new Database(path.join(dataDir, DATABASE_FILE_NAME), { readonly: true });
  try {
    return db
      .prepare<[], number>("SELECT sent_at - due_at FROM deliveries WHERE status = 'sent'")
      .pluck()
      .all();
  } finally {
    db.close();
  }
}
