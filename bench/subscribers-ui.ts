/**
 * The subscribers view in a real browser, over 100,000 subscriptions of one sequence:
 *
 * - first rows: from the route change inside the already-loaded app (location.hash set from the
 *   sequences list) until the first `subscriber-row` is in the DOM and a frame was painted — the
 *   number the owner feels when clicking a subscriber count (budget 200 ms). Median of several runs.
 * - cold load: a fresh navigation straight to the view, from navigation start to the same point
 *   (includes loading and parsing the bundle, the token check and the settings).
 * - scrolling: mouse-wheel through about 5,000 rows while a PerformanceObserver counts long tasks
 *   (main thread busy > 50 ms) and a requestAnimationFrame loop records frame gaps; also the most
 *   `subscriber-row`s ever in the DOM at once, which shows the list stays virtualised.
 *
 * The data is real: a headless server (dist-electron/headless.js, so run `npm run build` first) on
 * a temp data folder, filled through its HTTP API — one `contacts.import` of a generated CSV
 * subscribing everyone to the sequence. Chromium is the system one (CHROMIUM_PATH or
 * /usr/bin/chromium), driven by Playwright.
 *
 * Browser-side code is passed to `page.evaluate` as strings: this file is type-checked without the
 * DOM library (like e2e/fixtures.ts).
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './report';

export interface SubscribersUiBenchOptions {
  /** Subscriptions to create (default 100,000). */
  people?: number;
  /** Rows to scroll through (default 5,000). */
  scrollRows?: number;
  /** In-app route changes to time (default 7; the median is reported). */
  runs?: number;
  chromiumPath?: string;
  headlessEntry?: string;
  log?: (line: string) => void;
}

export interface SubscribersUiBenchFigures {
  people: number;
  /** Median of the in-app route changes, ms. */
  firstRowsMs: number;
  firstRowsRunsMs: number[];
  /** Fresh navigation to the view until its first row, ms since navigation start. */
  coldLoadMs: number;
  seedMs: number;
  scrollRows: number;
  scrollMs: number;
  longTasks: number;
  longTaskTotalMs: number;
  longestTaskMs: number;
  /** Frame gaps while scrolling. */
  frames: number;
  framesOver50Ms: number;
  p95FrameMs: number;
  /** Most `subscriber-row`s in the DOM at any one time while scrolling. */
  maxRowsInDom: number;
  /** Whether the rows at the end of the scroll were loaded (not placeholders) when it stopped. */
  endRowsLoaded: boolean;
  results: BenchResult[];
}

const ROW_SELECTOR = '[data-testid="subscriber-row"]';
const TABLE_SELECTOR = '[data-testid="subscribers-table"]';
/** Must match SUBSCRIBER_ROW_HEIGHT in renderer/src/pages/subscribers/SubscriberTable.tsx. */
const ROW_HEIGHT = 60;
const WHEEL_STEP_PX = 600;

export async function runSubscribersUiBench(options: SubscribersUiBenchOptions = {}): Promise<SubscribersUiBenchFigures> {
  const people = options.people ?? 100_000;
  const scrollRows = options.scrollRows ?? 5_000;
  const runs = options.runs ?? 7;
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'seqa-bench-ui-'));
  const token = randomBytes(16).toString('hex');
  let server: { child: ChildProcess; baseUrl: string } | null = null;
  let browser: Browser | null = null;
  try {
    server = await startServer(options.headlessEntry ?? defaultHeadlessEntry(), dataDir, token);
    const api = apiClient(server.baseUrl, token);

    log(`Seeding ${people.toLocaleString('en-US')} subscriptions…`);
    const seedStart = performance.now();
    const sequenceId = await seed(api, people);
    const seedMs = performance.now() - seedStart;

    browser = await chromium.launch({
      executablePath: options.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const viewHash = `#/sequences/${sequenceId}/subscribers`;

    // Cold: a fresh navigation straight to the view (the token rides along in the hash once).
    await page.goto(`${server.baseUrl}/${viewHash}&token=${token}`);
    const coldLoadMs = await page.evaluate<number>(firstRowScript(null));
    log(`Cold load to first row: ${coldLoadMs.toFixed(0)} ms`);

    // Warm: from the sequences list, as a click on the subscriber count does.
    const firstRowsRunsMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      await page.evaluate(`window.location.hash = '#/sequences'`);
      await page.locator('[data-testid="sequence-row"]').first().waitFor();
      firstRowsRunsMs.push(await page.evaluate<number>(firstRowScript(viewHash)));
    }
    const firstRowsMs = median(firstRowsRunsMs);
    log(`In-app route change to first row: median ${firstRowsMs.toFixed(1)} ms (${firstRowsRunsMs.map((ms) => ms.toFixed(0)).join(', ')})`);

    const scroll = await measureScroll(page, scrollRows);
    log(
      `Scrolled ${scrollRows.toLocaleString('en-US')} rows in ${scroll.scrollMs.toFixed(0)} ms: ${scroll.longTasks} long tasks ` +
        `(longest ${scroll.longestTaskMs.toFixed(0)} ms), ${scroll.framesOver50Ms}/${scroll.frames} frames over 50 ms, ` +
        `p95 frame ${scroll.p95FrameMs.toFixed(1)} ms, at most ${scroll.maxRowsInDom} rows in the DOM`,
    );

    const figures: Omit<SubscribersUiBenchFigures, 'results'> = {
      people,
      firstRowsMs,
      firstRowsRunsMs,
      coldLoadMs,
      seedMs,
      scrollRows,
      ...scroll,
    };
    return { ...figures, results: toResults(figures) };
  } finally {
    if (browser) await browser.close();
    if (server) await stopServer(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The figures as rows of `npm run bench`'s table. */
function toResults(f: Omit<SubscribersUiBenchFigures, 'results'>): BenchResult[] {
  const n = f.people.toLocaleString('en-US');
  return [
    {
      name: `Subscribers view, first rows on screen (${n} subscriptions)`,
      value: f.firstRowsMs,
      unit: 'ms',
      budget: 200,
      note: `route change inside the loaded app, median of ${f.firstRowsRunsMs.length} (${f.firstRowsRunsMs.map((ms) => ms.toFixed(0)).join(', ')} ms)`,
    },
    {
      name: 'Subscribers view, cold page load to first rows',
      value: f.coldLoadMs,
      unit: 'ms',
      note: 'fresh navigation straight to the view: bundle, token, settings and the first page',
    },
    {
      name: `Subscribers view, longest main-thread task while scrolling ${f.scrollRows.toLocaleString('en-US')} rows`,
      value: f.longestTaskMs,
      unit: 'ms',
      note:
        `${f.longTasks} long tasks (> 50 ms, ${f.longTaskTotalMs.toFixed(0)} ms in all) over ${f.scrollMs.toFixed(0)} ms of wheel scrolling; ` +
        `${f.framesOver50Ms} of ${f.frames} frames over 50 ms, p95 frame ${f.p95FrameMs.toFixed(1)} ms; ` +
        `at most ${f.maxRowsInDom} rows in the DOM; rows at the end ${f.endRowsLoaded ? 'loaded' : 'NOT loaded'}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Measuring in the page
// ---------------------------------------------------------------------------------------------

/**
 * A script resolving with the ms until the first subscriber row is in the DOM and the next frame
 * was produced. With a hash it sets it and times from just before; without, it times from
 * navigation start (performance.now() of the document).
 */
function firstRowScript(hash: string | null): string {
  return `new Promise((resolve, reject) => {
    const start = ${hash === null ? '0' : 'performance.now()'};
    const done = () => requestAnimationFrame(() => resolve(performance.now() - start));
    const timer = setTimeout(() => reject(new Error('no subscriber row after 30 s')), 30000);
    const check = () => {
      if (document.querySelector('${ROW_SELECTOR}')) {
        observer.disconnect();
        clearTimeout(timer);
        done();
        return true;
      }
      return false;
    };
    const observer = new MutationObserver(check);
    observer.observe(document.documentElement, { childList: true, subtree: true });
    ${hash === null ? 'check();' : `window.location.hash = ${JSON.stringify(hash)};`}
  })`;
}

async function measureScroll(page: Page, rows: number) {
  const table = page.locator(TABLE_SELECTOR);
  await table.waitFor();
  const box = await table.boundingBox();
  if (!box) throw new Error('the subscribers table is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 300));

  await page.evaluate(`(() => {
    const stats = { longTasks: 0, longTaskTotal: 0, longest: 0, frames: [], maxRows: 0, running: true };
    window.__scrollStats = stats;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        stats.longTasks += 1;
        stats.longTaskTotal += entry.duration;
        stats.longest = Math.max(stats.longest, entry.duration);
      }
    }).observe({ type: 'longtask' });
    let last = performance.now();
    const frame = (now) => {
      stats.frames.push(now - last);
      last = now;
      stats.maxRows = Math.max(stats.maxRows, document.querySelectorAll('${ROW_SELECTOR}').length);
      if (stats.running) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  })()`);

  const distance = rows * ROW_HEIGHT;
  const started = performance.now();
  for (let scrolled = 0; scrolled < distance; scrolled += WHEEL_STEP_PX) {
    await page.mouse.wheel(0, WHEEL_STEP_PX);
  }
  // Until the wheel's last scroll landed.
  await waitInPage(page, `document.querySelector('${TABLE_SELECTOR}').scrollTop >= ${distance - 2 * WHEEL_STEP_PX}`, 10_000);
  const scrollMs = performance.now() - started;
  // The rows where the scroll stopped arrive from the core: they must not stay placeholders.
  const endRowsLoaded = await waitInPage(
    page,
    `document.querySelectorAll('${TABLE_SELECTOR} ${ROW_SELECTOR}').length > 5 && !document.querySelector('${TABLE_SELECTOR} tr[aria-busy="true"]')`,
    5_000,
  );

  const stats = await page.evaluate<{ longTasks: number; longTaskTotal: number; longest: number; frames: number[]; maxRows: number }>(
    `(() => { const s = window.__scrollStats; s.running = false; return s; })()`,
  );
  const frames = stats.frames.slice(1);
  const sorted = [...frames].sort((a, b) => a - b);
  return {
    scrollMs,
    longTasks: stats.longTasks,
    longTaskTotalMs: stats.longTaskTotal,
    longestTaskMs: stats.longest,
    frames: frames.length,
    framesOver50Ms: frames.filter((gap) => gap > 50).length,
    p95FrameMs: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0,
    maxRowsInDom: stats.maxRows,
    endRowsLoaded,
  };
}

/**
 * Polls a condition in the page until it holds (true) or `timeoutMs` passed (false). Not
 * `page.waitForFunction`: with a string it evals in the page, which the app's CSP forbids.
 */
function waitInPage(page: Page, condition: string, timeoutMs: number): Promise<boolean> {
  return page.evaluate<boolean>(`new Promise((resolve) => {
    const end = performance.now() + ${timeoutMs};
    const tick = () => {
      if (${condition}) resolve(true);
      else if (performance.now() > end) resolve(false);
      else setTimeout(tick, 10);
    };
    tick();
  })`);
}

// ---------------------------------------------------------------------------------------------
// The data
// ---------------------------------------------------------------------------------------------
type Api = (method: string, input: unknown) => Promise<unknown>;

function apiClient(baseUrl: string, token: string): Api {
  return async (method, input) => {
    const response = await fetch(`${baseUrl}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
    if (!body.ok) throw new Error(`${method} failed: ${JSON.stringify(body.error)}`);
    return body.value;
  };
}

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Finn', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Katrin', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter'];

/** A sequence of three messages and `count` subscribers, imported in one go. Returns the sequence id. */
async function seed(api: Api, count: number): Promise<number> {
  const sequence = (await api('sequences.create', { name: 'Welcome series' })) as { id: number };
  await api('messages.create', { sequenceId: sequence.id, name: 'Welcome', body: 'Hi {{first_name|there}}!', delayAmount: 0, delayUnit: 'minutes' });
  await api('messages.create', { sequenceId: sequence.id, name: 'Brochure', body: 'Our brochure.', delayAmount: 2, delayUnit: 'days', sendAt: '09:00' });
  await api('messages.create', { sequenceId: sequence.id, name: 'Offer', body: 'An offer.', delayAmount: 7, delayUnit: 'days', sendAt: '09:00' });
  // Full international numbers: the result does not depend on the default country.
  const lines = ['Name,Phone,City'];
  for (let i = 0; i < count; i++) {
    lines.push(`${FIRST[i % FIRST.length] ?? ''} ${LAST[Math.floor(i / FIRST.length) % LAST.length] ?? ''},+49151${String(10_000_000 + i)},Berlin`);
  }
  const result = (await api('contacts.import', {
    importId: 'bench-ui-seed',
    fileName: 'bench.csv',
    csvText: lines.join('\n'),
    mapping: { phone: 'Phone', name: 'Name', attributes: [{ column: 'City', attribute: 'city' }] },
    sequenceId: sequence.id,
  })) as { subscribed: number; skipped: unknown[] };
  if (result.subscribed !== count) throw new Error(`Seeding subscribed ${result.subscribed} of ${count} (${result.skipped.length} skipped)`);
  return sequence.id;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------
function defaultHeadlessEntry(): string {
  // Bundled next to headless.js in dist-electron/, or run from the project root.
  const beside = path.join(__dirname, 'headless.js');
  return existsSync(beside) ? beside : path.resolve('dist-electron', 'headless.js');
}

function startServer(entry: string, dataDir: string, token: string): Promise<{ child: ChildProcess; baseUrl: string }> {
  if (!existsSync(entry)) return Promise.reject(new Error(`${entry} is missing: run \`npm run build\` first.`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, '--data', dataDir, '--port', '0', '--token', token], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off('data', onData);
        child.off('exit', onEarlyExit);
        resolve({ child, baseUrl: match[1] });
      }
    };
    const onEarlyExit = (code: number | null) => reject(new Error(`headless app exited (${code}) before listening:\n${output}`));
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', onEarlyExit);
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
