/** A delivery's state as a coloured word (sent, retrying, sending, failed, unknown, skipped), styled like StatusBadge. */
import { DELIVERY_STATUS_HINTS, DELIVERY_STATUS_LABELS, type DeliveryStatus } from '../lib/delivery-labels';

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <span className={`status-badge delivery-${status}`} title={DELIVERY_STATUS_HINTS[status]} data-testid="delivery-status" data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {DELIVERY_STATUS_LABELS[status]}
    </span>
  );
}
