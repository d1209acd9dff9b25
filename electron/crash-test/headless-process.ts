/**
 * TEST SUPPORT — the headless app as a separate process, as a shop owner runs it: bundled from
 * electron/headless.ts the way esbuild.config.mjs does (into a temp folder, so the test does not
 * depend on `npm run build` having run), started on a data folder, driven over its HTTP API, and
 * killed or stopped. Not imported by app code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import { bundleForNode } from '../core/test-bundle';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Modules the app loads at run time rather than bundles (as in esbuild.config.mjs). */
const EXTERNAL = ['better-sqlite3', 'whatsapp-web.js', 'puppeteer', 'puppeteer-core', 'electron'];

/**
 * Bundles the headless entry into `outDir`; returns the script's path. The temp folder has no
 * node_modules, so external modules are required by absolute path.
 */
export async function buildHeadless(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'headless.js');
  await bundleForNode(path.join(here, '..', 'headless.ts'), outfile, EXTERNAL);
  return outfile;
}

export interface HeadlessProcess {
  readonly child: ChildProcess;
  /** Settles with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Resolves with the base URL once the process printed `listening on …`. */
  listening(): Promise<string>;
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface HeadlessOptions {
  /** More command-line flags (e.g. `--fake-whatsapp <url>`). */
  args?: readonly string[];
  /** More environment variables (e.g. SEQA_ALLOW_FAKE_WHATSAPP=1). */
  env?: Readonly<Record<string, string>>;
}

export function startHeadlessProcess(script: string, dataDir: string, options: HeadlessOptions = {}): HeadlessProcess {
  const token = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, [script, '--data', dataDir, '--port', '0', '--token', token, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let output = '';
  let url: string | null = null;
  const waiting: Array<{ resolve: (url: string) => void; reject: (error: Error) => void }> = [];
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`The app exited (${String(code)}) before listening:\n${output}`));
      resolve(code);
    });
  });
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    if (url === null) {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        url = match[1];
        for (const w of waiting.splice(0)) w.resolve(match[1]);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  const listening = (): Promise<string> => {
    if (url !== null) return Promise.resolve(url);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`The app is not running:\n${output}`));
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };

  return {
    child,
    exited,
    output: () => output,
    listening,
    async call(method, input) {
      const base = await listening();
      const response = await fetch(`${base}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      const envelope = (await response.json()) as { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
      if (!envelope.ok) throw new Error(`${method} failed: ${envelope.error.code} ${envelope.error.message}`);
      return envelope.value as MethodOutput<typeof method>;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
