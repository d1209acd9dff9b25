/** How people and their progress read in tables: "Anna Müller", "2 · Brochure", "—". */
import type { SubscriptionStatus } from '../../../shared/domain';
import { friendlyTime } from './friendly-time';

/** A name to show, falling back to the number for contacts without one (shared/person-label.ts). */
export { personLabel as displayName } from '../../../shared/person-label';

export function messageLabel(message: { name: string; position: number }): string {
  return `${message.position}. ${message.name}`;
}

/** A time in the business zone, or null while the settings load (the caller shows a dash). */
export function timeIn(epochMs: number | null, timeZone: string | null, nowMs: number): string | null {
  if (epochMs === null || timeZone === null) return null;
  return friendlyTime(epochMs, nowMs, timeZone);
}

/** Why there is no next message, in a word, by status. */
export function noNextReason(status: SubscriptionStatus): string {
  switch (status) {
    case 'completed':
      return 'All sent';
    case 'unsubscribed':
      return 'Unsubscribed';
    case 'stopped':
      return 'Stopped';
    case 'failed':
      return 'Stopped after a failure';
    case 'paused':
      return 'Paused';
    case 'active':
      return 'Nothing planned';
  }
}
