/**
 * The left navigation, as data: later issues (Contacts, Activity) add a line here and a page.
 */
import type { Route } from './router';
import type { IconName } from './components/Icon';

export interface NavItem {
  label: string;
  route: Route;
  /** Route pages that light this item up (the editor belongs to Sequences). */
  matches: Route['page'][];
  icon: IconName;
  testId: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { label: 'Sequences', route: { page: 'sequences' }, matches: ['sequences', 'sequence'], icon: 'sequences', testId: 'nav-sequences' },
  { label: 'Settings', route: { page: 'settings' }, matches: ['settings'], icon: 'settings', testId: 'nav-settings' },
];
