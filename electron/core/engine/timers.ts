/**
 * The engine's timer, injected like the clock so tests (and benchmarks) drive time themselves.
 * Only one-shot timers: the engine re-arms after every round (Signal's JobManager does the same),
 * so a slow round can never overlap the next.
 */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    // The engine's wake-up alone never keeps the process alive (the server or window does).
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
