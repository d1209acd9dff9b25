/**
 * Catch-up after downtime (DESIGN.md §5): when the computer was off or asleep, overdue messages
 * go out late — or, with "skip if more than N hours late", those that the DOWNTIME made more than
 * N hours late are marked `skipped` and the subscription moves on. Default: send late.
 *
 * The rule, and why it is not simply "now − due > N":
 * A message also waits for reasons the app chose itself while it was running: the sending
 * window (quiet hours, closed days), the pacing gap, the daily cap, "Pause all", a paused
 * sequence or subscriber, a sequence without a channel, a channel that is down. Those waits are
 * the owner's settings at work, so they never make a message "too late": a fifth message held
 * by a cap of four a day goes out tomorrow, a message due at 20:59 held past 21:00 by the gap
 * goes out at 09:00. Only time the engine could not run at all counts.
 *
 * So the engine keeps a heartbeat (engine-state.ts): while it runs it notes the time (and which
 * sequences could send at that moment) at least every 30 s and when it stops. When it finds a
 * gap of more than a couple of minutes since the last heartbeat — at start, or on waking from
 * sleep — that gap is a *downtime* [from, to], stored for later.
 *
 * A message's downtime delay is, summed over the downtimes that could have held it:
 *     max(0, to − firstOpen(max(due, from)))
 * i.e. from when it could first have gone out during the downtime (its due time, or the start of
 * the downtime if it was already waiting, moved into the sending window) until the engine was
 * back. A downtime only counts for sequences that could send when it began (active, with a
 * ready channel, nothing paused by the owner): what the owner was holding back anyway was not
 * delayed by the computer being off. More than N hours of downtime delay → skipped; exactly N
 * still sends. Waits after the engine is back (pacing, window, cap) never add to it, so whether
 * a message is late does not change while it waits in the queue afterwards.
 *
 * Limits, on purpose: pacing and the cap are not replayed for the downtime (a message that was
 * queued behind a cap when the computer went off counts the downtime in full: it was waiting
 * before the downtime began and the downtime held it up), and a first start without any
 * heartbeat (a new install, an update from a version without one) counts no downtime: it sends
 * late rather than guess.
 */
import { validation } from '../errors';

export type CatchUpPolicy = { kind: 'send-late' } | { kind: 'skip-if-late'; hours: number };

export const DEFAULT_CATCH_UP: CatchUpPolicy = { kind: 'send-late' };

/** A stretch of time the engine could not run (computer off or asleep, app closed). */
export interface Downtime {
  /** The last heartbeat before the gap. */
  from: number;
  /** When the engine noticed it was running again. */
  to: number;
  /** Sequences that could send when the downtime began; only their messages were held up by it. */
  sequenceIds: readonly number[];
}

/**
 * How long the downtimes held up a message of `sequenceId` due at `dueAt`. `firstOpen(t)` is
 * the first instant at or after `t` that the sending window allows.
 */
export function downtimeDelayMs(dueAt: number, sequenceId: number, downtimes: readonly Downtime[], firstOpen: (at: number) => number): number {
  let delay = 0;
  for (const downtime of downtimes) {
    if (downtime.to <= dueAt || !downtime.sequenceIds.includes(sequenceId)) continue;
    delay += Math.max(0, downtime.to - firstOpen(Math.max(dueAt, downtime.from)));
  }
  return delay;
}

/** Whether a message held up `delayMs` by downtime goes out anyway or is skipped under `policy`. */
export function lateDecision(delayMs: number, policy: CatchUpPolicy): 'send' | 'skip' {
  validateCatchUp(policy);
  if (policy.kind === 'send-late') return 'send';
  return delayMs > policy.hours * 3_600_000 ? 'skip' : 'send';
}

export function validateCatchUp(policy: CatchUpPolicy): void {
  if (policy.kind === 'skip-if-late' && (!Number.isFinite(policy.hours) || policy.hours <= 0)) {
    throw validation(`"Skip if late" needs a number of hours above 0, got ${policy.hours}.`, 'catchUp.hours');
  }
}
