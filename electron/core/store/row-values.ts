/**
 * Narrowing of values read back from SQLite. The schema's CHECK constraints already guarantee
 * them; these turn the guarantee into a type without casts, and fail loudly if the file was edited
 * by hand into something the app does not understand.
 */
import {
  channelIds,
  contactSources,
  delayUnits,
  deliveryStatuses,
  mediaKinds,
  subscriptionSources,
  subscriptionStatuses,
  type DelayUnit,
  type SubscriptionStatus,
} from '../../../shared/contract';
import type { MediaKind } from '../../../shared/domain';

export type ContactSource = (typeof contactSources)[number];
export type SubscriptionSource = (typeof subscriptionSources)[number];
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export function toBoolean(value: number): boolean {
  return value !== 0;
}

export function fromBoolean(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

export function toDelayUnit(value: string): DelayUnit {
  return oneOf(delayUnits, value, 'delay unit');
}

export function toMediaKind(value: string): MediaKind {
  return oneOf(mediaKinds, value, 'media kind');
}

export function toSubscriptionStatus(value: string): SubscriptionStatus {
  return oneOf(subscriptionStatuses, value, 'subscription status');
}

export function toSubscriptionSource(value: string): SubscriptionSource {
  return oneOf(subscriptionSources, value, 'subscription source');
}

export function toContactSource(value: string): ContactSource {
  return oneOf(contactSources, value, 'contact source');
}

export function toDeliveryStatus(value: string): DeliveryStatus {
  return oneOf(deliveryStatuses, value, 'delivery status');
}

export type ChannelId = (typeof channelIds)[number];

export function toChannelId(value: string): ChannelId {
  return oneOf(channelIds, value, 'channel');
}

/** A JSON object of strings (contacts.attributes); anything else means the file was edited by hand. */
export function toAttributes(json: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Contact attributes in the database are not an object: ${json.slice(0, 100)}`);
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    attributes[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return attributes;
}

function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new Error(`Unknown ${what} in the database: ${value}`);
  return found;
}
