/** The window's frame: left navigation (from NAV_ITEMS), the sending status bar, the page, and the toasts. */
import type { ReactNode } from 'react';
import { NAV_ITEMS } from '../nav-items';
import { hrefFor, type Route } from '../router';
import { EngineStatusBar } from './EngineStatusBar';
import { Icon } from './Icon';
import { Toasts } from './Toasts';

export function AppFrame({ route, children }: { route: Route; children: ReactNode }) {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="send" />
          </span>
          <span className="brand-name">Sequence Automation</span>
        </div>
        <ul className="nav-list">
          {NAV_ITEMS.map((item) => {
            const current = item.matches.includes(route.page);
            return (
              <li key={item.testId}>
                <a
                  className={`nav-link${current ? ' nav-link-current' : ''}`}
                  href={hrefFor(item.route)}
                  aria-current={current ? 'page' : undefined}
                  data-testid={item.testId}
                >
                  <Icon name={item.icon} />
                  {item.label}
                </a>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <EngineStatusBar />
        {children}
      </main>
      <Toasts />
    </div>
  );
}
