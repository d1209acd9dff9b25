/**
 * Which channel's queue serves a piece of work (DESIGN.md §5–§6, issue 8). The one place that
 * decides it: lane planning (which sequences' due work a queue looks at), the claim of new work
 * and of retries, the status bar, and the retry lookup (the store filters retries by the answers
 * given here, see DeliveryRepository.retryRoutes) all ask `routeOf`. Pure.
 *
 * A sequence sends through its channel; one without a channel waits. "WhatsApp, else SMS"
 * (channel 'whatsapp' with `smsFallback`) is the only case with a choice:
 * - normally WhatsApp;
 * - SMS while SMS stands in for WhatsApp: WhatsApp has not been ready for longer than
 *   `settings.whatsapp.smsFallbackAfterMinutes` and SMS is ready. Once WhatsApp is ready again,
 *   new work goes back to it;
 * - never SMS for a contact without a phone number (known only by a WhatsApp id): they wait for
 *   WhatsApp;
 * - a delivery already handed to SMS (`fallback` set: the number is not on WhatsApp, or it was
 *   sent by SMS while WhatsApp was down) stays on SMS until it settles. The SMS provider has
 *   seen its key and drops a repeat; sending it over WhatsApp as well could reach the customer
 *   twice;
 * - for the same reason a WhatsApp delivery whose earlier attempt failed in a way that may have
 *   reached WhatsApp (a transient failure: `failing`) stays on WhatsApp. A channel-down answer
 *   or a recovery lookup that found nothing never reached anyone, so those may move.
 *
 * After WhatsApp answered that the number is not on WhatsApp (`afterNotOnWhatsApp`): SMS when the
 * sequence allows it and the contact has a phone number, otherwise the delivery fails with that
 * reason (and the permanent-failure setting applies).
 */
import type { ChannelId } from '../channels/channel';
import { retryRoutes, type FallbackReason, type RetryProfile, type RetryRoutes } from '../store/delivery-repository';
import type { SendingSequence } from '../store/sending-repository';

export type { FallbackReason };

export type SequenceRouting = Pick<SendingSequence, 'channel' | 'smsFallback'>;

export interface RoutingConditions {
  /** WhatsApp has not been ready for longer than the fallback setting allows, and SMS is ready. */
  smsStandsIn: boolean;
}

export const NORMAL_ROUTING: RoutingConditions = { smsStandsIn: false };

export interface RoutedWork {
  /** For a retry: where its delivery went last, and what that says about moving it. Null for new work. */
  retry: {
    channel: ChannelId;
    /** Why it was handed to SMS, if it was. */
    fallback: FallbackReason | null;
    /** Its current run of transient failures began (`failingSince`): the provider may have it. */
    failing: boolean;
  } | null;
  /** The contact has a phone number (SMS can reach them). */
  hasPhone: boolean;
}

/** New work as lane planning sees it: the due index does not know the contact, so it assumes a phone; the claim checks. */
export const NEW_WORK: RoutedWork = { retry: null, hasPhone: true };

export interface Route {
  channel: ChannelId;
  /** Set when it goes by SMS in place of WhatsApp. */
  fallback: FallbackReason | null;
}

const WHATSAPP: Route = { channel: 'whatsapp', fallback: null };

/** The channel that serves `work` of `sequence` now, or null when the sequence has no channel. */
export function routeOf(sequence: SequenceRouting, work: RoutedWork, conditions: RoutingConditions): Route | null {
  if (sequence.channel === null) return null;
  if (!isWhatsAppElseSms(sequence)) return { channel: sequence.channel, fallback: null };
  const { retry } = work;
  if (retry !== null && retry.channel === 'sms' && retry.fallback !== null) return { channel: 'sms', fallback: retry.fallback };
  if (!work.hasPhone) return WHATSAPP;
  if (retry !== null && retry.channel === 'whatsapp' && retry.failing) return WHATSAPP;
  return conditions.smsStandsIn ? { channel: 'sms', fallback: 'whatsapp-down' } : WHATSAPP;
}

/** What becomes of a delivery WhatsApp answered "not on WhatsApp" for. */
export function afterNotOnWhatsApp(sequence: SequenceRouting, hasPhone: boolean): 'sms' | 'fail' {
  return isWhatsAppElseSms(sequence) && hasPhone ? 'sms' : 'fail';
}

export function isWhatsAppElseSms(sequence: SequenceRouting): boolean {
  return sequence.channel === 'whatsapp' && sequence.smsFallback;
}

/** The remark on a delivery sent by SMS in place of WhatsApp, for the activity log. */
export function fallbackNote(reason: FallbackReason, who: string): string {
  return reason === 'not-on-whatsapp' ? `Sent by SMS: ${who} is not on WhatsApp.` : 'Sent by SMS: WhatsApp was not connected.';
}

/** What one channel's queue looks at: the sequences whose new work it serves, and the retries it serves. */
export interface LaneRoutes {
  channel: ChannelId;
  sequenceIds: number[];
  retries: RetryRoutes;
}

export function laneRoutes(channel: ChannelId, sequences: readonly SendingSequence[], conditions: RoutingConditions): LaneRoutes {
  return {
    channel,
    sequenceIds: sequences.filter((s) => s.active && routeOf(s, NEW_WORK, conditions)?.channel === channel).map((s) => s.id),
    retries: retryRoutesFor(channel, conditions),
  };
}

/** Per channel and situation, the retry profiles routeOf sends there (a handful of situations: worked out once each). */
const retryRouteCache = new Map<string, RetryRoutes>();

export function retryRoutesFor(channel: ChannelId, conditions: RoutingConditions): RetryRoutes {
  const key = `${channel}|${String(conditions.smsStandsIn)}`;
  let routes = retryRouteCache.get(key);
  if (routes === undefined) {
    routes = retryRoutes((profile: RetryProfile) => {
      const { delivery } = profile;
      // Which reason it was handed to SMS for does not change where it goes.
      const retry = { channel: delivery.channel, fallback: delivery.handedToSms ? ('not-on-whatsapp' as const) : null, failing: delivery.failing };
      return routeOf(profile.sequence, { retry, hasPhone: profile.hasPhone }, conditions)?.channel === channel;
    });
    retryRouteCache.set(key, routes);
  }
  return routes;
}
