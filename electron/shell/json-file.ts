/**
 * The shell's own small JSON files in the userData folder (window position, shell settings).
 * Reads are validated with zod; a file that is missing, damaged or from a future version yields
 * the fallback (and a warning in the log) rather than stopping the app — these files only hold
 * preferences. Writes are atomic (temporary file, then rename), so a crash never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

export function readJsonFile<T>(file: string, schema: z.ZodType<T>, fallback: T, logger: Logger): T {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn(`Could not read ${path.basename(file)}; using defaults`, { file, error: errorMessage(error) });
    return fallback;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    logger.warn(`${path.basename(file)} is not valid JSON; using defaults`, { file, error: errorMessage(error) });
    return fallback;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    logger.warn(`${path.basename(file)} does not hold what was expected; using defaults`, { file, issues: parsed.error.issues.slice(0, 3) });
    return fallback;
  }
  return parsed.data;
}

export function writeJsonFile(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
