/**
 * What an inbound message did, in the owner's words: "Subscribed to Car enquiry",
 * "Opted out (STOP) — confirmation sent", "Stopped Car enquiry (replied)", "Nothing: …".
 * A STOP/START confirmation reads as part of the opt-out/in it answers, not as a line of its own.
 */
import type { InboundAction } from '../../../shared/domain';
import type { Tone } from './delivery-labels';

export interface ActionLine {
  text: string;
  tone: Tone;
  /** The action's kind (the first one, for a merged line): tests and styles use it. */
  kind: InboundAction['kind'];
}

function confirmationText(action: Extract<InboundAction, { kind: 'confirmation' }>): string {
  return action.sent ? 'confirmation sent' : `no confirmation sent${action.detail ? ` (${action.detail})` : ''}`;
}

/** One action on its own. */
export function describeAction(action: InboundAction): ActionLine {
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
      const text = confirmationText(action);
      return { kind: action.kind, tone: action.sent ? 'neutral' : 'warning', text: text.charAt(0).toUpperCase() + text.slice(1) };
    }
    case 'nothing':
      return { kind: action.kind, tone: 'neutral', text: action.reason ? `Nothing: ${action.reason}` : 'Nothing' };
  }
}

/** Every action of one message, as the lines the inbox shows; never empty. */
export function describeActions(actions: readonly InboundAction[]): ActionLine[] {
  const lines: ActionLine[] = [];
  for (const action of actions) {
    const previous = lines[lines.length - 1];
    if (action.kind === 'confirmation' && previous && (previous.kind === 'opted-out' || previous.kind === 'opted-in')) {
      lines[lines.length - 1] = {
        ...previous,
        text: `${previous.text} — ${confirmationText(action)}`,
        tone: action.sent ? previous.tone : 'warning',
      };
      continue;
    }
    lines.push(describeAction(action));
  }
  return lines.length > 0 ? lines : [{ kind: 'nothing', tone: 'neutral', text: 'Nothing' }];
}

/** The whole story on one line (a row's title, a screen reader's summary). */
export function summariseActions(actions: readonly InboundAction[]): string {
  return describeActions(actions)
    .map((line) => line.text)
    .join('; ');
}
