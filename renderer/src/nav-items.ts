/**
 * The left navigation, as data: later issues (Contacts, Activity) add a line here and a page.
 */
import type { Route } from './router';
import type { IconName } from './components/Icon';

export interface NavItem {
  label: string;
  route: Route;
  /** Route pages that light this item up (the editor and a sequence's subscribers belong to Sequences). */
  matches: Route['page'][];
  icon: IconName;
  testId: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Sequences', route: { page: 'sequences' }, matches: ['sequences', 'sequence', 'subscribers'], icon: 'sequences', testId: 'nav-sequences' },
  { label: 'Contacts', route: { page: 'contacts' }, matches: ['contacts'], icon: 'users', testId: 'nav-contacts' },
  { label: 'Inbox', route: { page: 'inbox' }, matches: ['inbox'], icon: 'inbox', testId: 'nav-inbox' },
  { label: 'Activity', route: { page: 'activity', status: null }, matches: ['activity'], icon: 'activity', testId: 'nav-activity' },
  { label: 'Settings', route: { page: 'settings' }, matches: ['settings'], icon: 'settings', testId: 'nav-settings' },
];
