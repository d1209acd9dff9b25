/**
 * The app's log files: one JSON line per event (pino: levels, ISO time, safe serialisation of
 * anything in the details, Error objects with their stack) into `sequence-automation.log`, rotated
 * by size the classic way (rotating-file-stream: `.1.log` is the previous file, … up to `maxFiles`),
 * so the folder never grows past about `maxFiles + 1` × `maxSizeBytes`.
 *
 * Both libraries are plain JavaScript with no worker threads: pino writes straight into the
 * rotating stream (no pino "transport", which would need a separate worker file and does not
 * survive bundling with esbuild), so it runs the same under Node 20 and Electron's Node.
 *
 * Writes are buffered by the stream; `close()` flushes them (the shells await it before exiting).
 * A failing disk must never take the app down with it: stream errors are reported once to the
 * fallback logger (the console) and logging goes on there.
 */
import { mkdirSync } from 'node:fs';
import pino from 'pino';
import { createStream } from 'rotating-file-stream';
import type { Logger } from '../logger';

export const LOG_FILE_BASE = 'sequence-automation';

export interface FileLoggerOptions {
  /** Created if missing. */
  dir: string;
  /** Rotate when the current file would pass this size. Default 5 MB. */
  maxSizeBytes?: number;
  /** How many rotated files to keep besides the current one. Default 5. */
  maxFiles?: number;
  /** Where to say that the log file cannot be written. */
  fallback: Logger;
  /** For tests: called after each rotation with the name of the file the old content went to. */
  onRotated?: (rotatedFile: string) => void;
}

export interface FileLogger extends Logger {
  readonly dir: string;
  /** Flushes what is buffered and closes the file. Later calls log to the fallback only. */
  close(): Promise<void>;
}

/** `sequence-automation.log`, then `sequence-automation.1.log` (newest rotated) … */
export function logFileName(index?: number): string {
  return index === undefined || index === 0 ? `${LOG_FILE_BASE}.log` : `${LOG_FILE_BASE}.${index}.log`;
}

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  mkdirSync(options.dir, { recursive: true });
  // With `rotate` (classic logrotate naming) the generator is called with the rotation index only; null for the current file.
  const stream = createStream((index: number | Date | null) => logFileName(typeof index === 'number' ? index : undefined), {
    path: options.dir,
    size: `${Math.max(1, Math.floor(options.maxSizeBytes ?? 5 * 1024 * 1024))}B`,
    rotate: options.maxFiles ?? 5,
  });
  let broken = false;
  let closed = false;
  stream.on('error', (error: unknown) => {
    if (broken) return;
    broken = true;
    options.fallback.error('Cannot write the log file; logging to the console only', { dir: options.dir, error: String(error) });
  });
  if (options.onRotated !== undefined) stream.on('rotated', options.onRotated);

  const log = pino(
    {
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Details often carry the error under `error` (or `err`): kept with message and stack.
      serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err },
    },
    stream,
  );

  const write = (level: 'info' | 'warn' | 'error', message: string, details?: Record<string, unknown>): void => {
    if (closed || broken) {
      options.fallback[level](message, details);
      return;
    }
    log[level](details ?? {}, message);
  };

  return {
    dir: options.dir,
    info: (message, details) => write('info', message, details),
    warn: (message, details) => write('warn', message, details),
    error: (message, details) => write('error', message, details),
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => {
        // A stream that failed may never finish: its error settles the close too.
        stream.once('error', () => resolve());
        stream.end(() => resolve());
      });
    },
  };
}
