/**
 * Idle in the tray with 100,000 subscriptions (DESIGN.md §7: no busy loop, CPU ≈ 0; headless RSS
 * under 150 MB).
 *
 * The real headless app (dist-electron/headless.js, which `npm run bench` builds) is started on a
 * data folder holding the benchmark's database: 100,000 active subscribers of a sequence on the
 * test-mode channel, their next messages due days ahead, so the engine has work planned but none
 * due. After it printed `listening` and a settling pause, its CPU time is read from
 * /proc/<pid>/stat over 15 s of idling, and its resident memory from /proc/<pid>/status. Linux only.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE_NAME } from '../electron/core/app';
import type { Store } from '../electron/core/store/store';
import type { BenchResult } from './report';

// V8's memory reducer compacts the heap once, 8–10 s after start-up (three "Mark-Compact (reduce)"
// GCs, ~60 ms of CPU in all; seen with --trace-gc): start-up, not idling, so it is waited out.
const SETTLE_MS = 12_000;
const IDLE_MS = 15_000;
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

export async function benchIdle(store: Store, sequenceId: number, dataDir: string, count: number): Promise<BenchResult[]> {
  if (process.platform !== 'linux') return [];
  // The benchmark store's file, complete (checkpointed), with the sequence sending in test mode.
  store.write(() => store.db.prepare("UPDATE sequences SET channel = 'test' WHERE id = ?").run(sequenceId));
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.copyFileSync(store.db.name, path.join(dataDir, DATABASE_FILE_NAME));

  const script = path.join(__dirname, 'headless.js');
  const child = spawn(process.execPath, [script, '--data', dataDir, '--port', '0', '--token', randomBytes(16).toString('hex')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('listening on ')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`The headless app exited (${String(code)}):\n${output}`)));
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error('The headless app has no pid.');
    await pause(SETTLE_MS);
    const before = cpuTicks(pid);
    await pause(IDLE_MS);
    const cpuMs = ((cpuTicks(pid) - before) / TICKS_PER_SECOND) * 1000;
    const rss = memoryKb(pid, 'VmRSS') / 1024;
    const peak = memoryKb(pid, 'VmHWM') / 1024;
    const people = count.toLocaleString('en-US');
    return [
      {
        name: `Idle CPU, headless, ${people} subscriptions (share of one core)`,
        value: (cpuMs / IDLE_MS) * 100,
        unit: '%',
        budget: 1,
        note: `${cpuMs.toFixed(0)} ms of CPU in ${IDLE_MS / 1000} s (10 ms resolution), after ${SETTLE_MS / 1000} s to settle`,
      },
      { name: `Idle RSS, headless, ${people} subscriptions`, value: rss, unit: 'MB', budget: 150, note: `peak since start ${peak.toFixed(0)} MB` },
    ];
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve(null)));
  }
}

/** Waits out a measuring interval: the time span IS the measurement. */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
  return Number(fields[11]) + Number(fields[12]);
}

function memoryKb(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (match?.[1] === undefined) throw new Error(`No ${field} in /proc/${pid}/status.`);
  return Number(match[1]);
}
