/**
 * The activity log as a virtualised table: when, state and channel, which message, to whom, and
 * the text as it went out (one line; the row opens the full delivery). An `unknown` row carries
 * its two ways out, "Send again" and "Mark as sent", where the error line would be.
 */
import { useCallback } from 'react';
import type { Delivery } from '../../../../shared/domain';
import { DeliveryStatusBadge } from '../../components/DeliveryStatusBadge';
import { VirtualTable, type RowProps, type VirtualColumn } from '../../components/VirtualTable';
import { CHANNEL_LABELS, receiptView } from '../../lib/delivery-labels';
import { displayName } from '../../lib/people-format';
import { deliveryTimes } from './delivery-times';

const COLUMNS: readonly VirtualColumn<never>[] = [
  { key: 'when', label: 'When', width: '156px' },
  { key: 'status', label: 'Status', width: '164px' },
  { key: 'message', label: 'Message', width: '20%' },
  { key: 'to', label: 'To', width: '17%' },
  { key: 'text', label: 'Text' },
];

export const DELIVERY_ROW_HEIGHT = 64;

interface DeliveryTableProps {
  total: number;
  pages: ReadonlyMap<number, Delivery[]>;
  timeZone: string | null;
  nowMs: number;
  selectedId: number | null;
  busyId: number | null;
  onRangeChange: (first: number, last: number) => void;
  onOpen: (delivery: Delivery) => void;
  onSendAgain: (delivery: Delivery) => void;
  onMarkSent: (delivery: Delivery) => void;
  resetKey: string;
}

export function DeliveryTable({ total, pages, timeZone, nowMs, selectedId, busyId, onRangeChange, onOpen, onSendAgain, onMarkSent, resetKey }: DeliveryTableProps) {
  const renderRow = useCallback(
    (delivery: Delivery, _index: number, rowProps: RowProps) => {
      const times = timeZone === null ? null : deliveryTimes(delivery, nowMs, timeZone);
      const busy = busyId === delivery.id;
      const receipt = delivery.status === 'sent' ? receiptView(delivery.receipt) : null;
      return (
        <tr
          key={delivery.id}
          {...rowProps}
          className={`clickable-row delivery-row${selectedId === delivery.id ? ' row-selected' : ''}`}
          onClick={(event) => {
            // Buttons in the row do their own thing; a click anywhere else opens the delivery.
            if (!(event.target instanceof HTMLElement && event.target.closest('button'))) onOpen(delivery);
          }}
          data-testid="delivery-row"
          data-delivery-id={delivery.id}
          data-status={delivery.status}
          data-channel={delivery.channel}
        >
          <td className="cell-time">
            <div className="cell-line delivery-when">{times?.main ?? '—'}</div>
            {times?.sub ? <div className="row-sub">{times.sub}</div> : null}
          </td>
          <td>
            <DeliveryStatusBadge status={delivery.status} />
            <div className="row-sub delivery-channel">
              <span className={`delivery-channel-${delivery.channel}`} data-testid="delivery-channel">
                {CHANNEL_LABELS[delivery.channel]}
              </span>
              {receipt ? (
                <span className={`receipt receipt-${delivery.receipt ?? 'none'}`} title={`${receipt.label}: ${receipt.hint}`} data-testid="delivery-receipt" data-receipt={delivery.receipt}>
                  {' · '}
                  {receipt.label}
                </span>
              ) : null}
            </div>
          </td>
          <td>
            <div className="cell-line delivery-message" data-testid="delivery-message">
              {delivery.messageName}
            </div>
            <div className="row-sub" data-testid="delivery-sequence">
              {delivery.sequenceName}
            </div>
          </td>
          <td className="cell-person">
            <button type="button" className="row-link" onClick={() => onOpen(delivery)} data-testid="delivery-open">
              {displayName({ name: delivery.contactName, phone: delivery.phone })}
            </button>
            <div className="row-sub mono-sub">{delivery.phone ?? 'WhatsApp only'}</div>
          </td>
          <td>
            <div className="cell-line delivery-text" title={delivery.renderedText} data-testid="delivery-text">
              {delivery.renderedText || <span className="muted">(no text)</span>}
            </div>
            {delivery.status === 'unknown' ? (
              <div className="delivery-decide">
                <button type="button" className="button button-small" onClick={() => onSendAgain(delivery)} disabled={busy} data-testid="delivery-send-again">
                  Send again
                </button>
                <button type="button" className="button button-small" onClick={() => onMarkSent(delivery)} disabled={busy} data-testid="delivery-mark-sent">
                  {busy ? 'Saving…' : 'Mark as sent'}
                </button>
              </div>
            ) : delivery.error ? (
              <div className="row-sub delivery-error" title={delivery.error} data-testid="delivery-error">
                {delivery.error}
              </div>
            ) : null}
          </td>
        </tr>
      );
    },
    [timeZone, nowMs, selectedId, busyId, onOpen, onSendAgain, onMarkSent],
  );

  return (
    <VirtualTable
      label="Deliveries, newest first"
      columns={COLUMNS}
      total={total}
      pages={pages}
      rowHeight={DELIVERY_ROW_HEIGHT}
      renderRow={renderRow}
      onRangeChange={onRangeChange}
      resetKey={resetKey}
      testId="activity-table"
    />
  );
}
