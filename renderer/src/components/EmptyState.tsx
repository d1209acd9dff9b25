/** What a page shows when there is nothing yet: what this is for, and the one button to start. */
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

interface EmptyStateProps {
  icon: IconName;
  title: string;
  children: ReactNode;
  action?: ReactNode;
}

export function EmptyState({ icon, title, children, action }: EmptyStateProps) {
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-icon">
        <Icon name={icon} />
      </div>
      <h2 className="empty-title">{title}</h2>
      <div className="empty-text">{children}</div>
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}
