/**
 * The inbox (`#/inbox`): messages customers sent to the shop, newest first, paged from the core
 * like the activity log (see paged-list.ts).
 */
import { call } from '../api';
import type { InboundMessage } from '../../../shared/domain';
import { createPagedList } from './paged-list';

export interface InboxQuery {
  search: string;
}

export const useInboxList = createPagedList<InboundMessage, InboxQuery>(
  (query, offset, limit) => call('inbound.list', { ...query, offset, limit }),
  'the inbox',
);
