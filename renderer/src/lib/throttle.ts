/**
 * Runs `run` at most once per `intervalMs`: the first call runs at once, calls during the quiet
 * period collapse into one trailing run at its end. While the engine sends, `data.changed` for
 * deliveries may arrive many times a second; the activity log re-reads at a steady pace instead
 * and still shows the last change.
 */
export interface Throttled {
  (): void;
  /** Drops a pending trailing run (the view was left). */
  cancel: () => void;
}

export function throttle(run: () => void, intervalMs: number, now: () => number = Date.now): Throttled {
  let lastRun = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const fire = () => {
    timer = null;
    lastRun = now();
    run();
  };

  const throttled = (() => {
    if (timer !== null) return;
    const wait = lastRun + intervalMs - now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  }) as Throttled;
  throttled.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  return throttled;
}
