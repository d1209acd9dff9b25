/** A sequence's subscribers, virtualised: who, where they are, what comes next. */
import { useCallback } from 'react';
import type { Subscriber } from '../../../../shared/domain';
import { StatusBadge } from '../../components/StatusBadge';
import { VirtualTable, type RowProps, type VirtualColumn } from '../../components/VirtualTable';
import { displayName, messageLabel, noNextReason, timeIn } from '../../lib/people-format';
import type { SortDirection, SubscriberSort } from '../../stores/people-lists';

const COLUMNS: readonly VirtualColumn<SubscriberSort>[] = [
  { key: 'name', label: 'Subscriber', sort: 'name', width: '23%' },
  { key: 'status', label: 'Status', sort: 'status', width: '132px' },
  { key: 'subscribedAt', label: 'Subscribed', sort: 'subscribedAt', width: '150px' },
  { key: 'lastSentAt', label: 'Last sent', sort: 'lastSentAt', width: '22%' },
  { key: 'nextDueAt', label: 'Next message', sort: 'nextDueAt', width: '22%' },
  { key: 'sentCount', label: 'Sent', width: '72px', className: 'num' },
];

export const SUBSCRIBER_ROW_HEIGHT = 60;

interface SubscriberTableProps {
  total: number;
  pages: ReadonlyMap<number, Subscriber[]>;
  timeZone: string | null;
  nowMs: number;
  selectedId: number | null;
  sort: SubscriberSort;
  direction: SortDirection;
  onSort: (sort: SubscriberSort) => void;
  onRangeChange: (first: number, last: number) => void;
  onOpen: (subscriber: Subscriber) => void;
  resetKey: string;
}

export function SubscriberTable({ total, pages, timeZone, nowMs, selectedId, sort, direction, onSort, onRangeChange, onOpen, resetKey }: SubscriberTableProps) {
  const renderRow = useCallback(
    (subscriber: Subscriber, _index: number, rowProps: RowProps) => {
      const subscribed = timeIn(subscriber.subscribedAt, timeZone, nowMs);
      const lastSent = timeIn(subscriber.lastSentAt, timeZone, nowMs);
      const nextDue = timeIn(subscriber.nextDueAt, timeZone, nowMs);
      const onHold = subscriber.status !== 'active';
      return (
        <tr
          key={subscriber.id}
          {...rowProps}
          className={`clickable-row${selectedId === subscriber.id ? ' row-selected' : ''}`}
          onClick={(event) => {
            // The name is a button for keyboards; a click anywhere else in the row opens it too.
            if (!(event.target instanceof HTMLElement && event.target.closest('button'))) onOpen(subscriber);
          }}
          data-testid="subscriber-row"
          data-subscriber-id={subscriber.id}
          data-status={subscriber.status}
        >
          <td className="cell-person">
            <button type="button" className="row-link" onClick={() => onOpen(subscriber)} data-testid="subscriber-open">
              {displayName(subscriber)}
            </button>
            <div className="row-sub mono-sub">{subscriber.phone ?? 'WhatsApp only'}</div>
          </td>
          <td>
            <StatusBadge status={subscriber.status} />
          </td>
          <td className="cell-time">{subscribed ?? '—'}</td>
          <td className="cell-progress">
            {subscriber.lastSentMessage ? (
              <>
                <div className="cell-line">{messageLabel(subscriber.lastSentMessage)}</div>
                <div className="row-sub">{lastSent ?? ''}</div>
              </>
            ) : (
              <span className="muted">Nothing sent yet</span>
            )}
          </td>
          <td className="cell-progress" data-testid="subscriber-next">
            {subscriber.nextMessage ? (
              <>
                <div className="cell-line">{messageLabel(subscriber.nextMessage)}</div>
                <div className={`row-sub${onHold ? ' row-sub-hold' : ''}`} data-testid="subscriber-next-when">
                  {/* Only active subscriptions have a due time; a paused one gets it back when resumed. */}
                  {onHold ? noNextReason(subscriber.status) : (nextDue ?? '')}
                </div>
              </>
            ) : (
              <>
                <span className="muted">{noNextReason(subscriber.status)}</span>
                {subscriber.endReason !== null && subscriber.status !== 'active' && subscriber.status !== 'paused' ? (
                  <div className="row-sub" title={subscriber.endReason} data-testid="subscriber-end-reason">
                    {subscriber.endReason}
                  </div>
                ) : null}
              </>
            )}
          </td>
          <td className="num">{subscriber.sentCount.toLocaleString('en-GB')}</td>
        </tr>
      );
    },
    [timeZone, nowMs, selectedId, onOpen],
  );

  return (
    <VirtualTable
      label="Subscribers"
      columns={COLUMNS}
      total={total}
      pages={pages}
      rowHeight={SUBSCRIBER_ROW_HEIGHT}
      renderRow={renderRow}
      onRangeChange={onRangeChange}
      sort={{ key: sort, direction, onChange: onSort }}
      resetKey={resetKey}
      testId="subscribers-table"
    />
  );
}
