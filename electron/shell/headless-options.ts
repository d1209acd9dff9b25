/**
 * The command line of the headless server:
 *   npm run headless -- --data <dir> --port <n> [--host <addr>] [--token <t>]
 * Parsed strictly: an unknown option, a missing value or a stray argument is a usage error with a
 * readable message, never a silent default.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../core/errors';
import { checkFakeWhatsAppOption } from './fake-whatsapp-option';

export const DEFAULT_PORT = 5170;
export const DEFAULT_HOST = '127.0.0.1';
export const DATA_DIR_NAME = '.sequence-automation';

export const USAGE = `Usage: npm run headless -- [--data <dir>] [--port <n>] [--host <addr>] [--token <t>]

  --data <dir>    folder for the database and media files (default: ~/${DATA_DIR_NAME})
  --port <n>      port to listen on; 0 picks any free port (default: ${DEFAULT_PORT})
  --host <addr>   address to listen on (default: ${DEFAULT_HOST}, this computer only)
  --token <t>     access token for the API (default: a new random token at every start)
  --help          show this help

Test runs only (refused unless SEQA_ALLOW_FAKE_WHATSAPP=1):
  --fake-whatsapp <url>  use the simulated WhatsApp Web server at <url> instead of WhatsApp`;

export interface HeadlessOptions {
  dataDir: string;
  port: number;
  host: string;
  token: string;
  /** Test runs only: the fake WhatsApp Web server to use instead of WhatsApp (shell/fake-whatsapp-option.ts). */
  fakeWhatsAppUrl?: string;
}

export type ParsedCommandLine =
  | { kind: 'run'; options: HeadlessOptions }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

function parsePort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65_535 ? port : undefined;
}

export function parseHeadlessArgs(argv: string[], homeDir: string, env: Record<string, string | undefined> = {}): ParsedCommandLine {
  let values: { data?: string; port?: string; host?: string; token?: string; 'fake-whatsapp'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'fake-whatsapp': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs explains unknown options and missing values in plain words.
    return { kind: 'error', message: errorMessage(error) };
  }
  if (values.help) return { kind: 'help' };

  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    const parsed = parsePort(values.port);
    if (parsed === undefined) {
      return { kind: 'error', message: `--port must be a whole number from 0 to 65535, not "${values.port}".` };
    }
    port = parsed;
  }

  const host = values.host ?? DEFAULT_HOST;
  if (host.trim() === '' || /\s/.test(host)) return { kind: 'error', message: '--host needs an address such as 127.0.0.1.' };

  if (values.data !== undefined && values.data.trim() === '') {
    return { kind: 'error', message: '--data needs a folder.' };
  }
  const dataDir = path.resolve(values.data ?? path.join(homeDir, DATA_DIR_NAME));

  let token: string;
  if (values.token === undefined) {
    token = randomBytes(32).toString('hex');
  } else if (/^[\x21-\x7e]+$/.test(values.token)) {
    token = values.token;
  } else {
    // It travels in an Authorization header and a URL: visible ASCII only, no spaces.
    return { kind: 'error', message: '--token must be printable ASCII without spaces.' };
  }

  const fakeWhatsApp = values['fake-whatsapp'];
  if (fakeWhatsApp === undefined) return { kind: 'run', options: { dataDir, port, host, token } };
  const checked = checkFakeWhatsAppOption(fakeWhatsApp, env);
  if (!checked.ok) return { kind: 'error', message: checked.message };
  return { kind: 'run', options: { dataDir, port, host, token, fakeWhatsAppUrl: checked.url } };
}
