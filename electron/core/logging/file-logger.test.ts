import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '../logger';
import { makeTempDir, type TempDir } from '../store/test-store';
import { createFileLogger, logFileName } from './file-logger';

interface Line {
  level: string;
  time: string;
  msg: string;
  [key: string]: unknown;
}

const linesOf = (file: string): Line[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);

describe('the rotating log file', () => {
  let temp: TempDir;
  let dir: string;

  beforeEach(() => {
    temp = makeTempDir();
    dir = path.join(temp.dir, 'logs');
  });

  afterEach(() => temp.cleanup());

  it('writes one JSON line per event with level, time, message and details; errors keep message and stack', async () => {
    const logger = createFileLogger({ dir, fallback: silentLogger });
    logger.info('Database migrated', { from: 3, to: 8 });
    logger.warn('A sequence file was refused', { reason: 'not a zip' });
    logger.error('Could not record the result of a send', { deliveryId: 7, error: new Error('disk I/O error') });
    await logger.close();

    const [info, warn, error] = linesOf(path.join(dir, logFileName()));
    expect(info).toMatchObject({ level: 'info', msg: 'Database migrated', from: 3, to: 8 });
    expect(Date.parse(info?.time ?? '')).not.toBeNaN();
    expect(warn).toMatchObject({ level: 'warn', reason: 'not a zip' });
    expect(error).toMatchObject({ level: 'error', deliveryId: 7, error: { type: 'Error', message: 'disk I/O error' } });
    expect(String((error?.error as { stack?: unknown }).stack)).toContain('file-logger.test.ts');
  });

  it('rotates by size and keeps only the newest files', async () => {
    const logger = createFileLogger({ dir, fallback: silentLogger, maxSizeBytes: 2000, maxFiles: 2 });
    for (let i = 0; i < 200; i++) logger.info(`event ${i}`, { padding: 'x'.repeat(60) });
    await logger.close();

    expect(readdirSync(dir).sort()).toEqual([logFileName(1), logFileName(2), logFileName()].sort());
    for (const name of readdirSync(dir)) expect(statSync(path.join(dir, name)).size).toBeLessThanOrEqual(2000 + 200);
    const current = linesOf(path.join(dir, logFileName()));
    const previous = linesOf(path.join(dir, logFileName(1)));
    const older = linesOf(path.join(dir, logFileName(2)));
    // The newest event is in the current file; .1 holds the ones just before it, .2 older ones still.
    expect(current.at(-1)?.msg).toBe('event 199');
    const number = (line: Line | undefined): number => Number(line?.msg.slice(6));
    expect(number(previous.at(-1)) + 1).toBe(number(current[0]));
    expect(number(older.at(-1)) + 1).toBe(number(previous[0]));
    // The earliest events were rotated away.
    expect(number(older[0])).toBeGreaterThan(0);
  });

  it('after close, events go to the fallback logger instead of being lost', async () => {
    const seen: string[] = [];
    const fallback: Logger = { ...silentLogger, error: (message) => seen.push(message) };
    const logger = createFileLogger({ dir, fallback });
    await logger.close();
    logger.error('Late event');
    expect(seen).toEqual(['Late event']);
  });
});
