/**
 * The two long lists of people: a sequence's subscribers and all contacts, each paged from the
 * core (see paged-list.ts). One store each: only one of those pages is on screen at a time.
 */
import { call } from '../api';
import type { ContactListItem, Subscriber, SubscriptionStatus } from '../../../shared/domain';
import { createPagedList } from './paged-list';

export type SubscriberSort = 'name' | 'phone' | 'status' | 'subscribedAt' | 'lastSentAt' | 'nextDueAt';
export type ContactSort = 'name' | 'phone' | 'createdAt';
export type SortDirection = 'asc' | 'desc';

export interface SubscribersQuery {
  sequenceId: number;
  search: string;
  status: SubscriptionStatus | null;
  sort: SubscriberSort;
  direction: SortDirection;
}

export interface ContactsQuery {
  search: string;
  sort: ContactSort;
  direction: SortDirection;
}

export const useSubscriberList = createPagedList<Subscriber, SubscribersQuery>(
  (query, offset, limit) => call('subscribers.list', { ...query, offset, limit }),
  'subscribers',
);

export const useContactList = createPagedList<ContactListItem, ContactsQuery>(
  (query, offset, limit) => call('contacts.list', { ...query, offset, limit }),
  'contacts',
);
