/**
 * Idempotency keys for deliveries: what the provider sees as the message's id (SMSGate's `id`).
 *
 * Random rather than derived from row ids: a reinstalled app (or a second data folder pointed at
 * the same gateway) restarts its ids at 1, and a gateway that remembers `delivery-1` from before
 * would silently drop the new message as a duplicate. A version-4 UUID (122 random bits) makes a
 * collision impossible in practice; without its dashes it fits SMSGate's 36-character limit as
 * it is. randomUUID draws from a buffered pool: one randomBytes call per key cost ~13 µs, a tenth
 * of the engine's own work per message.
 */
import { randomUUID } from 'node:crypto';

export function newDeliveryKey(): string {
  return `sa-${randomUUID().replaceAll('-', '')}`;
}
