/**
 * One-line, human-readable summary of a message's timing for the message list ("2 days after the
 * previous message, at 09:00"). Pure and zone-free: it describes the rule, not an instant; the
 * rule itself lives in electron/core/schedule/timing-rules.ts (DESIGN.md §4).
 */
import type { DelayUnit } from './contract';

const unitNames: Record<DelayUnit, readonly [singular: string, plural: string]> = {
  minutes: ['minute', 'minutes'],
  hours: ['hour', 'hours'],
  days: ['day', 'days'],
};

/** "1 hour", "3 days", "0 minutes". */
export function formatDelay(amount: number, unit: DelayUnit): string {
  const [singular, plural] = unitNames[unit];
  return `${amount} ${amount === 1 ? singular : plural}`;
}

export function describeDelay(
  timing: { delayAmount: number; delayUnit: DelayUnit; sendAt: string | null },
  isFirst: boolean,
): string {
  const anchor = isFirst ? 'subscribing' : 'the previous message';
  const { delayAmount, delayUnit, sendAt } = timing;

  if (delayAmount === 0) {
    return sendAt === null ? `Right away after ${anchor}` : `At the next ${sendAt} after ${anchor}`;
  }
  const delayed = `${formatDelay(delayAmount, delayUnit)} after ${anchor}`;
  if (sendAt === null) return delayed;
  // Day delays pick a calendar day and send at the time on it; shorter delays wait for the next
  // occurrence of the time once the delay has passed — the wording keeps the two apart.
  return delayUnit === 'days' ? `${delayed}, at ${sendAt}` : `${delayed}, then at the next ${sendAt}`;
}
