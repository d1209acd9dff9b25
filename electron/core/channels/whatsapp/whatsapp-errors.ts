/**
 * Reading whatsapp-web.js's failures (it reports puppeteer's errors and the page's own as they
 * are), for two questions: is the browser session broken (restart the client), and could a
 * message whose send failed have gone out anyway?
 *
 * - "Protocol error (…): Session closed. Most likely the page has been closed." — puppeteer
 *   refused to send the command: the page or browser had gone already. Nothing was done.
 * - "Connection closed." / "Browser has disconnected" — the same, for the whole browser.
 * - "Evaluation failed: …" — the page ran the call and it threw (older puppeteer wording). Inside a
 *   send the throw can come after WhatsApp took the message, so it counts as "may have gone out".
 * - "Target closed", "Execution context was destroyed", "detached Frame" — the page went away
 *   WHILE the call ran: a send may or may not have reached WhatsApp.
 * All of these mean the session is broken: the client must be restarted.
 */
import { errorMessage } from '../../errors';

export type WhatsAppFailure =
  /** The browser session is gone; the call did not run (or ran and threw in the page). */
  | 'broken-not-run'
  /** The browser session went away during the call: it may have taken effect. */
  | 'broken-in-flight'
  /** Anything else (WhatsApp refused, a slow page, a bug in WhatsApp Web): the session may be fine. */
  | 'other';

const NOT_RUN = [/Session closed/i, /Connection closed/i, /Browser has disconnected/i];
const IN_FLIGHT = [/Evaluation failed/i, /Target closed/i, /Execution context was destroyed/i, /detached Frame/i, /frame was detached/i, /Navigating frame/i];

export function classifyWhatsAppFailure(error: unknown): WhatsAppFailure {
  const message = errorMessage(error);
  if (NOT_RUN.some((pattern) => pattern.test(message))) return 'broken-not-run';
  if (IN_FLIGHT.some((pattern) => pattern.test(message))) return 'broken-in-flight';
  return 'other';
}

/** The browser itself could not be launched (missing, not executable, wrong program). */
export function isBrowserLaunchFailure(error: unknown): boolean {
  return /Failed to launch the browser process|spawn .* (ENOENT|EACCES)|Could not find (Chrome|expected browser)|Browser was not found/i.test(errorMessage(error));
}
