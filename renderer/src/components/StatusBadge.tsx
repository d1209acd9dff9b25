/** A subscription's state as a coloured word: active, paused, completed, unsubscribed, stopped, failed. */
import type { SubscriptionStatus } from '../../../shared/domain';

export const STATUS_LABELS: Record<SubscriptionStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  completed: 'Completed',
  unsubscribed: 'Unsubscribed',
  stopped: 'Stopped',
  failed: 'Failed',
};

export function StatusBadge({ status, compact = false }: { status: SubscriptionStatus; compact?: boolean }) {
  return (
    <span className={`status-badge status-${status}${compact ? ' status-badge-compact' : ''}`} data-testid="status-badge" data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {STATUS_LABELS[status]}
    </span>
  );
}
