/**
 * Catch-up after downtime (DESIGN.md §5): when the computer was off or asleep, overdue messages
 * go out late — or, with "skip if more than N hours late", those that are later than that are
 * marked `skipped` and the subscription moves on. Default: send late.
 *
 * Lateness is measured from the message's due time (already moved into the sending window by
 * the timing rules). Exactly N hours late still sends; only more than N hours skips.
 */
import { validation } from '../errors';

export type CatchUpPolicy = { kind: 'send-late' } | { kind: 'skip-if-late'; hours: number };

export const DEFAULT_CATCH_UP: CatchUpPolicy = { kind: 'send-late' };

export function lateDecision(dueAt: number, now: number, policy: CatchUpPolicy): 'send' | 'skip' {
  if (policy.kind === 'send-late') return 'send';
  if (!Number.isFinite(policy.hours) || policy.hours <= 0) {
    throw validation(`"Skip if late" needs a number of hours above 0, got ${policy.hours}.`, 'catchUp.hours');
  }
  return now - dueAt > policy.hours * 3_600_000 ? 'skip' : 'send';
}
