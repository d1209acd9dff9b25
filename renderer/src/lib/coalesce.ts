/**
 * Wraps a loader so overlapping requests collapse: while one run is in flight, further calls share
 * one follow-up run that starts when it ends. A burst of `data.changed` events (or an event arriving
 * while our own reload is running) thus costs at most two fetches and never leaves stale data
 * behind: the last run always starts after the last request.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  const start = (): Promise<void> => {
    current = run().finally(() => {
      current = null;
    });
    return current;
  };

  return () => {
    if (!current) return start();
    if (!next) {
      next = current.catch(() => undefined).then(() => {
        next = null;
        return start();
      });
    }
    return next;
  };
}
