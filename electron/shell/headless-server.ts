/**
 * The headless shell: the core plus the HTTP transport, with no Electron. Start-up is all or
 * nothing — if the server cannot listen, the database is closed again before the error surfaces.
 * One process per data folder (data-folder-lock.ts): a second one is refused before it opens the
 * database, so it cannot "recover" the first one's sends in flight.
 *
 * The core runs in a CoreHost (core/core-host.ts), so restoring a backup restarts it under the
 * same HTTP server and event stream. What happens is also written to rotating log files in
 * `<data>/logs/` (core/logging/file-logger.ts) besides the logger the caller passes.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { LOGS_DIR_NAME } from '../core/app';
import { openCoreHost, type CoreHost } from '../core/core-host';
import { createFileLogger } from '../core/logging/file-logger';
import { errorMessage } from '../core/errors';
import { combineLoggers, type Logger } from '../core/logger';
import { createDispatcher } from '../core/transport/dispatch';
import { startHttpServer, type HttpServerHandle } from '../core/transport/http';
import { lockDataFolder } from './data-folder-lock';
import { fakeWhatsAppWiring } from './fake-whatsapp-option';
import type { HeadlessOptions } from './headless-options';

export interface HeadlessStartOptions extends HeadlessOptions {
  /** The built renderer served at `/`. */
  staticDir: string;
  version: string;
  logger: Logger;
  /** Where the log files go. Default: `<dataDir>/logs`. */
  logsDir?: string;
}

export interface RunningHeadless {
  /** e.g. http://127.0.0.1:5170, with the port actually bound. */
  url: string;
  port: number;
  /** The address to open in a browser: the UI picks the token up from the fragment. */
  openUrl: string;
  /** The core behind the server (restartable: a restore replaces its CoreApp). */
  core: CoreHost;
  /** Stops the HTTP server, then the delivery engine, then closes the database. Idempotent. */
  close(): Promise<void>;
}

export async function startHeadless(options: HeadlessStartOptions): Promise<RunningHeadless> {
  if (!existsSync(path.join(options.staticDir, 'index.html'))) {
    // The API still works; the person opening the address would only see 404s without this hint.
    options.logger.warn('The UI is not built, so only the API is served. Run `npm run build` first.', {
      staticDir: options.staticDir,
    });
  }
  const lock = lockDataFolder(options.dataDir);
  const logsDir = options.logsDir ?? path.join(options.dataDir, LOGS_DIR_NAME);
  let fileLogger: ReturnType<typeof createFileLogger>;
  try {
    fileLogger = createFileLogger({ dir: logsDir, fallback: options.logger });
  } catch (error) {
    lock.release();
    throw error;
  }
  const logger = combineLoggers(options.logger, fileLogger);
  const releaseAll = (): Promise<void> => fileLogger.close().finally(() => lock.release());
  let core: CoreHost;
  try {
    core = openCoreHost({
      dataDir: options.dataDir,
      shell: 'headless',
      version: options.version,
      logger,
      dataSafety: { logsDir },
      // Test runs only (headless-options.ts refuses the flag otherwise).
      ...(options.fakeWhatsAppUrl === undefined ? {} : fakeWhatsAppWiring(options.fakeWhatsAppUrl)),
    });
  } catch (error) {
    logger.error('Could not start', { error: errorMessage(error) });
    await releaseAll();
    throw error;
  }
  let server: HttpServerHandle;
  try {
    server = await startHttpServer({
      dispatch: createDispatcher(core.handlers, logger),
      events: core.events,
      token: options.token,
      host: options.host,
      port: options.port,
      staticDir: options.staticDir,
      logger,
    });
  } catch (error) {
    core.close();
    // Sends cannot be in flight yet (the engine has only just started); the folder is free again.
    await core.closed.finally(releaseAll);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    openUrl: `${server.url}/#token=${encodeURIComponent(options.token)}`,
    core,
    close() {
      closing ??= server.close().finally(() => {
        core.close();
        // Sends in flight were aborted; let them settle before the folder is free for another process.
        return core.closed.finally(releaseAll);
      });
      return closing;
    },
  };
}

/** A start-up failure in words for the person who typed the command. */
export function describeStartupError(error: unknown, options: Pick<HeadlessOptions, 'host' | 'port'>): string {
  const code = error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;
  switch (code) {
    case 'EADDRINUSE':
      return `Port ${options.port} on ${options.host} is already in use. Stop the other program or pick another port with --port.`;
    case 'EACCES':
      return `Not allowed to listen on port ${options.port}. Pick a port above 1023 with --port.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `The address ${options.host} is not available on this computer. Check --host.`;
    default:
      break;
  }
  // Our own errors (a database from a newer app, a damaged file) are already written for people.
  return errorMessage(error);
}
