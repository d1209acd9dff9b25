import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALLOW_FAKE_WHATSAPP_ENV, fakeWhatsAppWiring } from './fake-whatsapp-option';
import { parseHeadlessArgs } from './headless-options';

const HOME = '/home/shop';
const ALLOWED = { [ALLOW_FAKE_WHATSAPP_ENV]: '1' };
const here = path.dirname(fileURLToPath(import.meta.url));

describe('--fake-whatsapp', () => {
  it('selects the fake WhatsApp server in a test run', () => {
    const parsed = parseHeadlessArgs(['--port', '0', '--fake-whatsapp', 'http://127.0.0.1:40123'], HOME, ALLOWED);
    expect(parsed).toMatchObject({ kind: 'run', options: { port: 0, fakeWhatsAppUrl: 'http://127.0.0.1:40123' } });
  });

  it('is refused unless the environment says this is a test run', () => {
    for (const env of [{}, { [ALLOW_FAKE_WHATSAPP_ENV]: '0' }, { [ALLOW_FAKE_WHATSAPP_ENV]: 'true' }]) {
      const parsed = parseHeadlessArgs(['--fake-whatsapp', 'http://127.0.0.1:40123'], HOME, env);
      expect(parsed.kind).toBe('error');
      if (parsed.kind === 'error') expect(parsed.message).toContain(`${ALLOW_FAKE_WHATSAPP_ENV}=1`);
    }
  });

  it('must point at a fake on this computer', () => {
    for (const url of ['http://192.168.1.20:8080', 'https://127.0.0.1:8443', 'http://example.com', 'not a url']) {
      const parsed = parseHeadlessArgs(['--fake-whatsapp', url], HOME, ALLOWED);
      expect(parsed.kind).toBe('error');
    }
    expect(parseHeadlessArgs(['--fake-whatsapp', 'http://localhost:4000/'], HOME, ALLOWED)).toMatchObject({ options: { fakeWhatsAppUrl: 'http://localhost:4000' } });
  });

  it('leaves WhatsApp real when not given', () => {
    const parsed = parseHeadlessArgs([], HOME, ALLOWED);
    expect(parsed.kind === 'run' && 'fakeWhatsAppUrl' in parsed.options).toBe(false);
  });

  it('is not an option of the desktop app, which is what gets packaged', () => {
    const main = readFileSync(path.join(here, '..', 'main.ts'), 'utf8');
    expect(main).not.toMatch(/fake-?whatsapp|headless-options|fakeWhatsApp/i);
  });

  it('wires the fake client and needs no browser', () => {
    const wiring = fakeWhatsAppWiring('http://127.0.0.1:40123');
    expect(typeof wiring.whatsappClientFactory).toBe('function');
    expect(wiring.whatsappFindBrowser()).toMatchObject({ found: true });
  });
});
