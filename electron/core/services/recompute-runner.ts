/**
 * Works through the recomputes that edits of large sequences left in `recompute_queue`
 * (subscription-progress.ts), in the background, without ever blocking the app for long
 * (DESIGN.md §7: 100,000 subscriptions in under a second, no slice over 50 ms).
 *
 * - One slice = one short transaction that recomputes batch after batch of a sequence's live
 *   subscriptions until `sliceMs` has passed, and saves how far it got. Between slices the runner
 *   yields to the event loop (setImmediate), so IPC, HTTP and the delivery engine keep running.
 *   Slices commit at synchronous=NORMAL (store/relaxed-sync.ts): derived data, redone if lost.
 * - Requests are persisted with the edit that made them: a recompute cut short by a crash or a
 *   quit resumes at the next start.
 * - It starts on its own when data changes in `messages` (an edit may have queued work), and
 *   recomputes every sequence when the schedule context changes (time zone or sending window):
 *   due times were computed with the old one. That request is written after the settings
 *   commit, so a crash in between leaves due times computed with the old window; the engine
 *   checks the window itself before it sends, so nothing goes out at a wrong hour meanwhile.
 * - When a sequence is done, it announces `data.changed` for subscriptions (if any changed),
 *   which also wakes the delivery engine.
 */
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { ScheduleContext } from '../schedule/timing-rules';
import { withRelaxedSync } from '../store/relaxed-sync';
import type { Store } from '../store/store';
import { continueRecompute, pendingRecompute, requestRecomputeOfAll } from './subscription-progress';

/**
 * How long one slice may work before it commits and yields. The commit (an fsync at
 * synchronous=FULL, now and then a WAL checkpoint) and the batch in progress come on top: slices
 * measured 25–35 ms, under the 50 ms budget. Shorter slices would mean more commits, each ~2 ms.
 */
export const DEFAULT_SLICE_MS = 10;
/** After an unexpected error: try again this much later (the request stays queued). */
const RETRY_AFTER_MS = 30_000;

export interface RecomputeRunnerDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  settings: { scheduleContext(): ScheduleContext };
  sliceMs?: number;
}

export interface RecomputeRunner {
  /** Starts listening for work and resumes what is queued. Idempotent. */
  start(): void;
  /** Stops after the current slice; nothing touches the database once the promise settles. */
  stop(): Promise<void>;
  /** Looks for queued work now (coalesced). */
  kick(): void;
  /** Settles when nothing is queued and nothing is running (or the runner was stopped). */
  waitForIdle(): Promise<void>;
}

export function createRecomputeRunner(deps: RecomputeRunnerDeps): RecomputeRunner {
  const { store, events, clock, logger, settings } = deps;
  const sliceMs = deps.sliceMs ?? DEFAULT_SLICE_MS;
  let started = false;
  let stopped = false;
  let running: Promise<void> | null = null;
  let kickedWhileRunning = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let lastContext = '';
  const idleWaiters: Array<() => void> = [];
  // Per sequence: subscriptions changed by the recompute in flight (announced when it is done).
  const changedSoFar = new Map<number, number>();

  const idle = (): boolean => running === null && (stopped || pendingRecompute(store) === undefined);

  const settleWaiters = (): void => {
    if (!idle()) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const kick = (): void => {
    if (!started || stopped) return;
    if (running !== null) {
      kickedWhileRunning = true;
      return;
    }
    running = run().finally(() => {
      running = null;
      if (kickedWhileRunning && !stopped) {
        kickedWhileRunning = false;
        kick();
      }
      settleWaiters();
    });
  };

  const run = async (): Promise<void> => {
    for (;;) {
      if (stopped) return;
      const job = pendingRecompute(store);
      if (job === undefined) return;
      const sequenceId = job.sequenceId;
      let progress;
      try {
        const ctx = { ...settings.scheduleContext(), now: clock.now() };
        const deadline = performance.now() + sliceMs;
        progress = withRelaxedSync(store.db, () => store.write(() => continueRecompute(store, sequenceId, ctx, deadline)));
      } catch (error) {
        logger.error('Recomputing due times after an edit failed; trying again later', { sequenceId, error: errorMessage(error) });
        retryLater();
        return;
      }
      const changed = (changedSoFar.get(sequenceId) ?? 0) + progress.changed;
      if (progress.done) {
        changedSoFar.delete(sequenceId);
        if (changed > 0) events.dataChanged('subscriptions');
      } else {
        changedSoFar.set(sequenceId, changed);
      }
      await nextTurn();
    }
  };

  const retryLater = (): void => {
    if (retryTimer !== null || stopped) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      kick();
    }, RETRY_AFTER_MS);
    retryTimer.unref();
  };

  /** Every sequence again when the time zone or the sending window changed. */
  const onSettingsChanged = (): void => {
    const context = JSON.stringify(settings.scheduleContext());
    if (context === lastContext) return;
    try {
      store.write(() => requestRecomputeOfAll(store, clock.now()));
    } catch (error) {
      // The settings are saved already; the engine still keeps to the new window when it sends.
      logger.error('Could not queue the recompute of due times after a settings change', { error: errorMessage(error) });
      return;
    }
    lastContext = context;
    kick();
  };

  return {
    start() {
      if (started) return;
      started = true;
      lastContext = JSON.stringify(settings.scheduleContext());
      unsubscribe = events.on('data.changed', ({ tables }) => {
        if (tables.includes('settings')) onSettingsChanged();
        if (tables.includes('messages')) kick();
      });
      kick();
    },
    stop() {
      stopped = true;
      unsubscribe?.();
      unsubscribe = null;
      if (retryTimer !== null) clearTimeout(retryTimer);
      retryTimer = null;
      const current = running ?? Promise.resolve();
      return current.then(settleWaiters);
    },
    kick,
    waitForIdle() {
      if (idle()) return Promise.resolve();
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        kick();
      });
    },
  };
}

/** Lets I/O and timers run between two slices. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
