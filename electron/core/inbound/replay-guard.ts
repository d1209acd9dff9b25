/**
 * Remembers the signatures of webhook requests that were accepted, for as long as their
 * timestamp is inside the verification window: a byte-for-byte copy of an accepted request (a
 * replay) is refused, while the gateway's own retries (signed again, with a new timestamp) and
 * a retry of a request we failed to handle (never remembered) still get through.
 *
 * Bounded: the oldest entries go first once `maxEntries` is reached. An evicted signature only
 * reopens the refusal, not the action: a message is acted on once whatever arrives (the inbound
 * log is unique per provider message id).
 */
export class ReplayGuard {
  /**
   * signature → expiry (ms). Insertion order is roughly expiry order (timestamps differ from
   * arrival by minutes at most): pruning stops at the first live entry, and an expired one left
   * behind is still answered as expired.
   */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries = 200_000,
  ) {}

  has(signature: string, now: number): boolean {
    const expires = this.seen.get(signature);
    return expires !== undefined && expires > now;
  }

  /** `signedAt` is the request's timestamp: it can be replayed until the window closes around it. */
  remember(signature: string, signedAt: number, now: number): void {
    this.prune(now);
    this.seen.delete(signature);
    this.seen.set(signature, Math.max(signedAt, now) + this.windowMs);
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (oldest.done === true) break;
      this.seen.delete(oldest.value);
    }
  }

  forget(signature: string): void {
    this.seen.delete(signature);
  }

  private prune(now: number): void {
    for (const [signature, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(signature);
    }
  }
}
