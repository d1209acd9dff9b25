/**
 * Per-test headless app: every test gets a fresh data folder, an OS-assigned port and its own
 * token, and the page is opened only once the app says it is ready (no sleeps).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface HeadlessApp {
  baseUrl: string;
  token: string;
  dataDir: string;
  /** Calls the HTTP API directly, as a script or another client would. */
  api(method: string, input: unknown): Promise<{ status: number; body: unknown }>;
  /** Calls the API and returns its value, failing the test (with the answer) if the call failed. */
  value<T>(method: string, input: unknown): Promise<T>;
  /** Opens the UI and waits until its first data load finished. */
  open(page: Page, route?: string): Promise<void>;
  /**
   * Stops the server (as SIGTERM) and starts it again on the same data folder, optionally with
   * more command-line flags and environment (e.g. the fake WhatsApp wiring), kept for later restarts.
   */
  restart(options?: ServerOptions): Promise<void>;
}

export interface ServerOptions {
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
}

const headlessEntry = path.resolve(__dirname, '..', 'dist-electron', 'headless.js');

function startServer(dataDir: string, token: string, options: ServerOptions = {}): Promise<{ child: ChildProcess; baseUrl: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [headlessEntry, '--data', dataDir, '--port', '0', '--token', token, ...(options.args ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        resolve({ child, baseUrl: match[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`headless app exited (${code}) before listening:\n${output}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export const test = base.extend<{ app: HeadlessApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
  app: async ({}, use) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'seqa-e2e-'));
    const token = randomBytes(16).toString('hex');
    let serverOptions: ServerOptions = {};
    let server = await startServer(dataDir, token, serverOptions);
    const app: HeadlessApp = {
      get baseUrl() {
        return server.baseUrl;
      },
      token,
      dataDir,
      async api(method, input) {
        const response = await fetch(`${server.baseUrl}/api/${method}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
        return { status: response.status, body: await response.json() };
      },
      async value<T>(method: string, input: unknown): Promise<T> {
        const answer = await app.api(method, input);
        const body = answer.body as { ok: boolean; value: T };
        expect(body.ok, `${method}: ${JSON.stringify(answer.body)}`).toBe(true);
        return body.value;
      },
      async open(page, route = '#/sequences') {
        await page.goto(`${server.baseUrl}/#token=${token}`);
        await expect(page.locator('body')).toHaveAttribute('data-app-ready', 'true');
        if (route) {
          // A string, because this file is type-checked without the DOM library.
          await page.evaluate(`window.location.hash = ${JSON.stringify(route)}`);
        }
      },
      async restart(options) {
        if (options !== undefined) serverOptions = options;
        await stopServer(server.child);
        server = await startServer(dataDir, token, serverOptions);
      },
    };
    await use(app);
    await stopServer(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect };

/** Screenshots the suite keeps for people to look at (README, reviews). */
export function screenshotPath(name: string): string {
  return path.resolve(__dirname, '..', 'test-results', 'screenshots', `${name}.png`);
}
