/**
 * The "When" of a delivery in one line and its context in another: "Sent today 14:05" over
 * "due today 14:00"; "Next try today 14:07" for a retry; "Due …" for what never went out.
 */
import type { Delivery } from '../../../../shared/domain';
import { friendlyTime } from '../../lib/friendly-time';

export interface DeliveryTimes {
  main: string;
  sub: string | null;
}

export function deliveryTimes(delivery: Delivery, nowMs: number, timeZone: string): DeliveryTimes {
  const at = (epochMs: number) => friendlyTime(epochMs, nowMs, timeZone);
  const due = delivery.dueAt === null ? null : `due ${at(delivery.dueAt)}`;
  switch (delivery.status) {
    case 'sent':
      return delivery.sentAt === null ? { main: 'Sent', sub: due } : { main: `Sent ${at(delivery.sentAt)}`, sub: due };
    case 'retrying':
      return delivery.nextAttemptAt === null ? { main: 'Retrying', sub: due } : { main: `Next try ${at(delivery.nextAttemptAt)}`, sub: due };
    case 'claimed':
      // Only for a moment: a send cut short by a crash becomes `unknown` at the next start.
      return { main: 'Sending now', sub: due };
    case 'failed':
      return { main: `Failed ${at(delivery.updatedAt)}`, sub: due };
    case 'unknown':
    case 'skipped':
      return delivery.dueAt === null ? { main: at(delivery.updatedAt), sub: null } : { main: `Due ${at(delivery.dueAt)}`, sub: null };
  }
}
