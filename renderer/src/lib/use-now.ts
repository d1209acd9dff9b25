import { useEffect, useState } from 'react';

/** The current time, renewed every `everyMs`, so "today 14:05" labels do not go stale on a screen left open. */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}
