/**
 * `--fake-whatsapp <url>` (headless only): WhatsApp is replaced by the simulated WhatsApp Web
 * server at <url> (channels/whatsapp/fake-whatsapp-server.ts), for the e2e and crash tests.
 *
 * Two locks, so a shop owner can never end up "sending" into a simulation:
 * - only the headless entry (electron/headless.ts) reads the flag; the desktop app
 *   (electron/main.ts), which is what gets packaged, has no such option;
 * - the flag is refused unless the environment says this is a test run:
 *   SEQA_ALLOW_FAKE_WHATSAPP=1 (the e2e fixture and the crash test set it).
 * The fake must be on this computer (loopback): test traffic never leaves the machine.
 */
import type { BrowserLookup } from '../core/channels/whatsapp/browser-finder';
import { httpFakeWhatsAppClientFactory } from '../core/channels/whatsapp/http-fake-whatsapp-client';
import type { WhatsAppClientFactory } from '../core/channels/whatsapp/whatsapp-client';

export const ALLOW_FAKE_WHATSAPP_ENV = 'SEQA_ALLOW_FAKE_WHATSAPP';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type FakeWhatsAppCheck = { ok: true; url: string } | { ok: false; message: string };

/** Whether `--fake-whatsapp <value>` may be used here. */
export function checkFakeWhatsAppOption(value: string, env: Record<string, string | undefined>): FakeWhatsAppCheck {
  if (env[ALLOW_FAKE_WHATSAPP_ENV] !== '1') {
    return {
      ok: false,
      message: `--fake-whatsapp replaces WhatsApp with a simulation and is for automated tests only. It is refused unless ${ALLOW_FAKE_WHATSAPP_ENV}=1 is set.`,
    };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: `--fake-whatsapp needs the fake server's address, such as http://127.0.0.1:40123, not "${value}".` };
  }
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) {
    return { ok: false, message: `--fake-whatsapp must point at this computer (http://127.0.0.1:<port>), not ${value}.` };
  }
  return { ok: true, url: url.origin };
}

export interface FakeWhatsAppWiring {
  whatsappClientFactory: WhatsAppClientFactory;
  /** The simulation drives no browser. */
  whatsappFindBrowser: () => BrowserLookup;
}

/** The core options that put the fake server in WhatsApp's place. */
export function fakeWhatsAppWiring(url: string): FakeWhatsAppWiring {
  const lookup: BrowserLookup = { found: true, path: `(simulated WhatsApp at ${url})`, source: 'found' };
  return { whatsappClientFactory: httpFakeWhatsAppClientFactory(url), whatsappFindBrowser: () => lookup };
}
