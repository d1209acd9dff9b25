/**
 * Idempotency keys for deliveries: what the provider sees as the message's id (SMSGate's `id`).
 *
 * Random rather than derived from row ids: a reinstalled app (or a second data folder pointed at
 * the same gateway) restarts its ids at 1, and a gateway that remembers `delivery-1` from before
 * would silently drop the new message as a duplicate. 96 random bits make a collision
 * impossible in practice; the short form fits SMSGate's 36-character limit as it is.
 */
import { randomBytes } from 'node:crypto';

export function newDeliveryKey(): string {
  return `sa-${randomBytes(12).toString('base64url')}`;
}
