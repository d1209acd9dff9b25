/**
 * The engine's state in words for the status bar (`engine.status`). Pure: the engine gathers the
 * facts, this decides what they mean for a shop owner, most pressing first:
 *
 *   paused               the owner paused everything ("Pause all"): nothing goes out.
 *   waiting-for-channel  messages are due but cannot go out until the owner acts or a channel
 *                        comes back: a sequence without a channel, a gateway that is down.
 *   running              something is being sent or is scheduled.
 *   idle                 nothing is scheduled.
 */
import type { ChannelStatusInfo, EngineStatus } from '../../../shared/domain';
import type { PacingDecision } from './pacing';

export interface BlockedWork {
  /** Due messages held back. */
  count: number;
  /** What the owner can do about it, e.g. "choose a channel for “Car enquiry”". */
  reason: string;
}

export interface StatusFacts {
  pausedByOwner: boolean;
  /** Due now (subscriptions and retries). */
  dueNow: number;
  blocked: readonly BlockedWork[];
  /** A channel is sending right now. */
  sending: boolean;
  /** The earliest planned send and what holds it back, if anything is planned. */
  next: { at: number; heldBy: PacingDecision['heldBy'] } | null;
  sentToday: number;
  dailyCap: number | null;
  unknownDeliveries: number;
  channels: ChannelStatusInfo[];
  /** Active sequences with subscribers waiting whose channel is not chosen yet (nothing due yet). */
  sequencesWithoutChannel?: readonly string[];
}

const messages = (n: number): string => (n === 1 ? '1 message is' : `${n} messages are`);

export function describeStatus(facts: StatusFacts): EngineStatus {
  const { pausedByOwner, dueNow, blocked, sending, next, sentToday, dailyCap, unknownDeliveries, channels } = facts;
  const base = { pausedByOwner, nextSendAt: next?.at ?? null, dueNow, sentToday, dailyCap, unknownDeliveries, channels };

  if (pausedByOwner) {
    const detail = dueNow > 0 ? `Sending is paused. ${messages(dueNow)} waiting.` : 'Sending is paused.';
    return { ...base, state: 'paused', detail };
  }
  if (blocked.length > 0) {
    const detail = blocked.map((b) => `${messages(b.count)} waiting: ${b.reason}`).join(' ');
    return { ...base, state: 'waiting-for-channel', detail: withUnknown(detail, unknownDeliveries) };
  }
  if (sending || next !== null) {
    return { ...base, state: 'running', detail: withUnknown(runningDetail(sending, dueNow, next, dailyCap), unknownDeliveries) };
  }
  return { ...base, state: 'idle', detail: withUnknown(idleDetail(facts.sequencesWithoutChannel ?? []), unknownDeliveries) };
}

/** Idle is only calm when nothing is stuck: name the sequences whose messages will wait. */
function idleDetail(sequencesWithoutChannel: readonly string[]): string {
  if (sequencesWithoutChannel.length === 0) return 'Nothing is scheduled.';
  const names = sequencesWithoutChannel.map((name) => `“${name}”`).join(', ');
  const has = sequencesWithoutChannel.length === 1 ? 'has' : 'have';
  return `Nothing is due yet. ${names} ${has} no channel: choose one so its messages can go out.`;
}

function runningDetail(sending: boolean, dueNow: number, next: StatusFacts['next'], dailyCap: number | null): string {
  if (sending) return dueNow > 1 ? `Sending; ${dueNow} messages are due.` : 'Sending.';
  switch (next?.heldBy) {
    case 'daily-cap':
      return `Today's limit of ${dailyCap ?? 0} messages is reached; sending goes on tomorrow.`;
    case 'sending-window':
      return dueNow > 0 ? `${messages(dueNow)} due; waiting for the sending hours.` : 'Waiting for the sending hours.';
    case 'gap':
      return dueNow > 0 ? `${messages(dueNow)} due; keeping a gap between messages.` : 'Keeping a gap between messages.';
    default:
      return 'Next message is scheduled.';
  }
}

function withUnknown(detail: string, unknown: number): string {
  if (unknown === 0) return detail;
  const what = unknown === 1 ? '1 message needs' : `${unknown} messages need`;
  return `${detail} ${what} your check in Activity (it is unknown whether they went out).`;
}
