/** Title, one explanatory line, and the page's primary action on the right. */
import type { ReactNode } from 'react';

interface PageHeaderProps {
  title: ReactNode;
  subtitle?: ReactNode;
  /** Above the title, e.g. a back link. */
  before?: ReactNode;
  actions?: ReactNode;
}

export function PageHeader({ title, subtitle, before, actions }: PageHeaderProps) {
  return (
    <header className="page-header">
      <div className="page-header-text">
        {before}
        <h1 className="page-title">{title}</h1>
        {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}
