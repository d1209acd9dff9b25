/**
 * `npm run headless -- --data <dir> --port <n> [--host <addr>] [--token <t>]`
 * (test runs add `--fake-whatsapp <url>` with SEQA_ALLOW_FAKE_WHATSAPP=1: shell/fake-whatsapp-option.ts)
 *
 * Runs the core and the UI without Electron: the API over HTTP and the built renderer at `/`.
 * Prints `listening on http://<host>:<port>` once it accepts requests (scripts and the e2e suite
 * wait for that line), then the address to open. SIGINT/SIGTERM close the server and the database
 * and exit 0; a failed start explains itself on stderr and exits 1 — also when another process
 * already uses the same --data folder (shell/data-folder-lock.ts: one process per folder, so a
 * second one cannot run start-up recovery on the first one's sends in flight).
 *
 * Passwords the owner enters (the SMS gateway's) are kept in `<data>/secrets.json`, readable by
 * this user only (the core's default secret store). The delivery engine starts with the server;
 * after the machine slept, its one-minute safety check notices the jump in the wall clock and
 * catches up.
 *
 * Bundled by esbuild to dist-electron/headless.js, so __dirname is dist-electron/.
 */
import os from 'node:os';
import { version } from '../package.json';
import { errorMessage, errorStack } from './core/errors';
import { consoleLogger } from './core/logger';
import { appPaths } from './shell/app-paths';
import { parseHeadlessArgs, USAGE } from './shell/headless-options';
import { describeStartupError, startHeadless, type RunningHeadless } from './shell/headless-server';

async function main(): Promise<void> {
  const command = parseHeadlessArgs(process.argv.slice(2), os.homedir(), process.env);
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command.kind === 'error') {
    process.stderr.write(`${command.message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const { options } = command;

  let running: RunningHeadless;
  try {
    running = await startHeadless({
      ...options,
      staticDir: appPaths(__dirname).rendererDir,
      version,
      logger: consoleLogger,
    });
  } catch (error) {
    process.stderr.write(`Could not start: ${describeStartupError(error, options)}\n`);
    process.exitCode = 1;
    return;
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${errorMessage(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  process.stdout.write(`listening on ${running.url}\nopen ${running.openUrl}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Could not start: ${errorStack(error)}\n`);
  process.exit(1);
});
