/**
 * What an inbound message did, in the owner's words: "Subscribed to Car enquiry",
 * "Opted out (STOP) — confirmation sent by SMS", "Stopped Car enquiry (replied)", "Nothing: …".
 * A STOP/START confirmation reads as part of the opt-out/in it answers, not as a line of its own;
 * it goes back through the channel the message came by.
 */
import type { InboundAction, InboundMessage } from '../../../shared/domain';
import { CHANNEL_LABELS, type Tone } from './delivery-labels';

type Confirmation = Extract<InboundAction, { kind: 'confirmation' }>;
type Channel = InboundMessage['channel'];

export interface ActionLine {
  text: string;
  tone: Tone;
  /** The action's kind (the first one, for a merged line): tests and styles use it. */
  kind: InboundAction['kind'];
}

function confirmationText(action: Confirmation, channel: Channel): string {
  switch (action.state) {
    case 'sending':
      return 'confirmation being sent…';
    case 'sent':
      return `confirmation sent by ${CHANNEL_LABELS[channel]}`;
    case 'failed':
      return action.detail ? `confirmation not sent: ${action.detail}` : 'confirmation not sent';
    case 'perhaps-sent':
      return 'confirmation may have been sent (the app stopped while sending it; not sent again)';
  }
}

/** Sent, or on its way: nothing for the owner to look at. */
function confirmationTone(action: Confirmation): Tone | null {
  return action.state === 'sent' || action.state === 'sending' ? null : 'warning';
}

/** One action on its own, of a message that came by `channel`. */
export function describeAction(action: InboundAction, channel: Channel): ActionLine {
  switch (action.kind) {
    case 'contact-created':
      return { kind: action.kind, tone: 'neutral', text: 'New contact' };
    case 'subscribed':
      return { kind: action.kind, tone: 'success', text: `Subscribed to ${action.sequenceName}` };
    case 'already-subscribed':
      return { kind: action.kind, tone: 'neutral', text: `Already in ${action.sequenceName}` };
    case 'opted-out':
      return { kind: action.kind, tone: 'danger', text: `Opted out (${action.keyword})` };
    case 'opted-in':
      return { kind: action.kind, tone: 'success', text: `Opted in again (${action.keyword})` };
    case 'stopped':
      return { kind: action.kind, tone: 'warning', text: `Stopped ${action.sequenceName} (replied)` };
    case 'confirmation': {
      const text = confirmationText(action, channel);
      return { kind: action.kind, tone: confirmationTone(action) ?? 'neutral', text: text.charAt(0).toUpperCase() + text.slice(1) };
    }
    case 'nothing':
      return { kind: action.kind, tone: 'neutral', text: action.reason ? `Nothing: ${action.reason}` : 'Nothing' };
  }
}

/** Every action of one message, as the lines the inbox shows; never empty. */
export function describeActions({ actions, channel }: Pick<InboundMessage, 'actions' | 'channel'>): ActionLine[] {
  const lines: ActionLine[] = [];
  for (const action of actions) {
    const previous = lines[lines.length - 1];
    if (action.kind === 'confirmation' && previous && (previous.kind === 'opted-out' || previous.kind === 'opted-in')) {
      lines[lines.length - 1] = {
        ...previous,
        text: `${previous.text} — ${confirmationText(action, channel)}`,
        tone: confirmationTone(action) ?? previous.tone,
      };
      continue;
    }
    lines.push(describeAction(action, channel));
  }
  return lines.length > 0 ? lines : [{ kind: 'nothing', tone: 'neutral', text: 'Nothing' }];
}

/** The whole story on one line (a row's title, a screen reader's summary). */
export function summariseActions(message: Pick<InboundMessage, 'actions' | 'channel'>): string {
  return describeActions(message)
    .map((line) => line.text)
    .join('; ');
}
