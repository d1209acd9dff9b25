/**
 * The activity log (`#/activity`): every delivery, newest first, paged from the core like the
 * subscribers view (see paged-list.ts), and the owner's decision on an `unknown` one.
 */
import { call } from '../api';
import type { ChannelIdName, Delivery } from '../../../shared/domain';
import type { DeliveryStatus } from '../lib/delivery-labels';
import { createPagedList } from './paged-list';

export interface DeliveriesQuery {
  status: DeliveryStatus | null;
  channel: ChannelIdName | null;
  sequenceId: number | null;
  search: string;
}

export const useDeliveryList = createPagedList<Delivery, DeliveriesQuery>(
  (query, offset, limit) => call('deliveries.list', { ...query, offset, limit }),
  'the activity log',
);

export type ResolveAction = 'send-again' | 'mark-as-sent';

/** Answers an `unknown` delivery, then re-reads the rows in view (the event would too, later). */
export async function resolveDelivery(id: number, action: ResolveAction): Promise<Delivery> {
  const delivery = await call('deliveries.resolve', { id, action });
  void useDeliveryList.getState().refresh();
  return delivery;
}
