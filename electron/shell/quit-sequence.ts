/**
 * Quitting without losing or doubling a message. Electron's `before-quit` is cancelled (the
 * process would otherwise exit at once) until, in order:
 *
 * 1. the send in flight has finished and been recorded (`settleSends`; up to SETTLE_LIMIT_MS — a
 *    send the channel takes longer over is aborted by the next step; it stays claimed and start-up
 *    recovery settles it, as after a crash);
 * 2. the core has stopped the engine and closed the store (`close()`), and the aborted sends, if
 *    any, have given up (`closed`; up to CLOSE_LIMIT_MS, after which the app quits anyway: the store
 *    is already closed, so nothing is lost by not waiting);
 *
 * then `app.quit()` again, which now goes through. A second Quit while this runs changes nothing.
 * Timers are injected so the tests drive the time limits without waiting.
 */
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ShellApp } from './electron-api';

export const SETTLE_LIMIT_MS = 15_000;
export const CLOSE_LIMIT_MS = 5_000;

export interface QuitTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemQuitTimers: QuitTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface QuittableCore {
  /** Resolves once nothing is being sent (the send in flight recorded). */
  settleSends(): Promise<void>;
  close(): void;
  readonly closed: Promise<void>;
}

export interface QuitSequenceOptions {
  app: Pick<ShellApp, 'on' | 'quit'>;
  core: QuittableCore;
  logger: Logger;
  timers?: QuitTimers;
  /** Called once when quitting starts: let the window close for real, say "Quitting…". */
  onQuitting?: () => void;
  /** Called once everything is closed, right before the app quits. */
  onClosed?: () => void;
  limits?: { settleMs: number; closeMs: number };
}

export interface QuitSequence {
  readonly phase: 'running' | 'quitting' | 'done';
  /** Resolves when the core is closed (or the limits ran out) and the app was told to quit. */
  readonly finished: Promise<void>;
}

/** Resolves with true when `promise` settled within `ms`, false when the time ran out first. */
function within(promise: Promise<unknown>, ms: number, timers: QuitTimers): Promise<boolean> {
  return new Promise((resolve) => {
    const handle = timers.setTimeout(() => resolve(false), ms);
    const settled = (): void => {
      timers.clearTimeout(handle);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}

export function installQuitSequence(options: QuitSequenceOptions): QuitSequence {
  const { app, core, logger } = options;
  const timers = options.timers ?? systemQuitTimers;
  const limits = options.limits ?? { settleMs: SETTLE_LIMIT_MS, closeMs: CLOSE_LIMIT_MS };
  let phase: QuitSequence['phase'] = 'running';
  let resolveFinished: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    resolveFinished = resolve;
  });

  const run = async (): Promise<void> => {
    const settling = core.settleSends();
    settling.catch((error: unknown) => logger.error('Waiting for the send in flight failed', { error: errorMessage(error) }));
    if (!(await within(settling, limits.settleMs, timers))) {
      logger.warn('The send in flight did not finish in time; it is checked at the next start', { limitMs: limits.settleMs });
    }
    try {
      core.close();
    } catch (error) {
      logger.error('Closing the core failed', { error: errorMessage(error) });
    }
    if (!(await within(core.closed, limits.closeMs, timers))) {
      logger.warn('Sends being aborted did not give up in time; quitting anyway', { limitMs: limits.closeMs });
    }
  };

  app.on('before-quit', (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'quitting') return;
    phase = 'quitting';
    try {
      options.onQuitting?.();
    } catch (error) {
      logger.error('Preparing to quit failed', { error: errorMessage(error) });
    }
    void run().finally(() => {
      phase = 'done';
      try {
        options.onClosed?.();
      } catch (error) {
        logger.error('Cleaning up before quitting failed', { error: errorMessage(error) });
      }
      resolveFinished();
      app.quit();
    });
  });

  return {
    get phase() {
      return phase;
    },
    finished,
  };
}
