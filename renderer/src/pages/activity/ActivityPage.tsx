/**
 * `#/activity`: the activity log — every delivery, newest first, with its state, channel, the text
 * as it went out and any error — filtered by status (kept in the address, so the status bar can
 * link to "the ones that need a decision"), channel, sequence and a search; paged and virtualised
 * like a sequence's subscribers, and refreshed (throttled) while the engine sends.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { channelIds, deliveryStatuses, type TableName } from '../../../../shared/contract';
import type { ChannelIdName, Delivery } from '../../../../shared/domain';
import { errorMessage, subscribe } from '../../api';
import { markAppReady } from '../../app-ready';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { SearchBox } from '../../components/SearchBox';
import { VirtualTableSkeleton } from '../../components/VirtualTable';
import { CHANNEL_LABELS, DELIVERY_STATUS_LABELS, type DeliveryStatus } from '../../lib/delivery-labels';
import { plural } from '../../lib/format';
import { displayName } from '../../lib/people-format';
import { throttle } from '../../lib/throttle';
import { useDebounced } from '../../lib/use-debounced';
import { useNow } from '../../lib/use-now';
import { hrefFor } from '../../router';
import { resolveDelivery, useDeliveryList, type DeliveriesQuery } from '../../stores/activity';
import { useSequences } from '../../stores/sequences';
import { useSettings } from '../../stores/settings';
import { toastError, toastSuccess } from '../../stores/toasts';
import { DeliveryDetailPanel } from './DeliveryDetailPanel';
import { DeliveryTable } from './DeliveryTable';

const SEARCH_DEBOUNCE_MS = 250;
/** While sending, deliveries change many times a second; the log re-reads at most this often. */
const LIVE_REFRESH_MS = 1000;
/** Tables whose changes show in the rows: their states, and the names they carry. */
const SHOWN_TABLES: readonly TableName[] = ['deliveries', 'sequences', 'messages', 'contacts'];

/** Filters change the address in place: no history entry per click. */
function showStatus(status: DeliveryStatus | null): void {
  window.location.replace(hrefFor({ page: 'activity', status }));
}

export function ActivityPage({ status: statusFilter }: { status: DeliveryStatus | null }) {
  const { status, error, total, pages } = useDeliveryList();
  const sequences = useSequences((state) => state.sequences);
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const [search, setSearch] = useState('');
  const [channel, setChannel] = useState<ChannelIdName | null>(null);
  const [sequenceId, setSequenceId] = useState<number | null>(null);
  const [opened, setOpened] = useState<Delivery | null>(null);
  const openId = opened?.id ?? null;
  const [confirmResend, setConfirmResend] = useState<Delivery | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const nowMs = useNow();
  const debouncedSearch = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);

  const query = useMemo<DeliveriesQuery>(
    () => ({ status: statusFilter, channel, sequenceId, search: debouncedSearch }),
    [statusFilter, channel, sequenceId, debouncedSearch],
  );

  useEffect(() => {
    void useSequences.getState().load();
  }, []);

  useEffect(() => {
    useDeliveryList.getState().setQuery(query);
  }, [query]);

  useEffect(() => {
    const refresh = throttle(() => void useDeliveryList.getState().refresh(), LIVE_REFRESH_MS);
    const stop = subscribe('data.changed', ({ tables }) => {
      if (tables.some((table) => SHOWN_TABLES.includes(table))) refresh();
    });
    return () => {
      stop();
      refresh.cancel();
      // Leaving the page: forget the rows.
      useDeliveryList.getState().reset();
    };
  }, []);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  const onRangeChange = useCallback((first: number, last: number) => useDeliveryList.getState().ensureRange(first, last), []);
  const onOpen = useCallback((delivery: Delivery) => {
    setOpened(delivery);
  }, []);
  const onSendAgain = useCallback((delivery: Delivery) => setConfirmResend(delivery), []);
  const onMarkSent = useCallback((delivery: Delivery) => {
    setBusyId(delivery.id);
    resolveDelivery(delivery.id, 'mark-as-sent')
      .then(
        (saved) => {
          setOpened((current) => (current?.id === saved.id ? saved : current));
          toastSuccess(`Marked “${delivery.messageName}” to ${displayName({ name: delivery.contactName, phone: delivery.phone })} as sent.`);
        },
        (caught: unknown) => toastError(`Could not mark it as sent: ${errorMessage(caught)}`),
      )
      .finally(() => setBusyId(null));
  }, []);

  // The open delivery as the list now has it (it may have changed since it was opened).
  const current = useMemo(() => {
    if (openId === null) return null;
    for (const rows of pages.values()) {
      const found = rows.find((row) => row.id === openId);
      if (found) return found;
    }
    return opened;
  }, [openId, opened, pages]);

  const filtered = statusFilter !== null || channel !== null || sequenceId !== null || debouncedSearch !== '';
  const clearFilters = () => {
    setSearch('');
    setChannel(null);
    setSequenceId(null);
    if (statusFilter !== null) showStatus(null);
  };

  return (
    <div className="page page-fill">
      <PageHeader
        title="Activity"
        subtitle="Every message the app sent or tried to send: to whom, through which channel, the text as it went out, and what happened."
      />

      <section className="card list-card" aria-label="Activity">
        <div className="list-toolbar activity-toolbar">
          <SearchBox value={search} onChange={setSearch} label="Search the activity" placeholder="Name, number, text" testId="activity-search" />
          <label className="toolbar-field">
            <span className="toolbar-label">Status</span>
            <select
              className="input toolbar-select"
              value={statusFilter ?? ''}
              onChange={(event) => showStatus(event.target.value === '' ? null : (event.target.value as DeliveryStatus))}
              data-testid="activity-status-filter"
            >
              <option value="">All</option>
              {deliveryStatuses.map((value) => (
                <option key={value} value={value}>
                  {DELIVERY_STATUS_LABELS[value]}
                </option>
              ))}
            </select>
          </label>
          <label className="toolbar-field">
            <span className="toolbar-label">Channel</span>
            <select
              className="input toolbar-select"
              value={channel ?? ''}
              onChange={(event) => setChannel(event.target.value === '' ? null : (event.target.value as ChannelIdName))}
              data-testid="activity-channel-filter"
            >
              <option value="">All</option>
              {channelIds.map((value) => (
                <option key={value} value={value}>
                  {CHANNEL_LABELS[value]}
                </option>
              ))}
            </select>
          </label>
          <label className="toolbar-field">
            <span className="toolbar-label">Sequence</span>
            <select
              className="input toolbar-select"
              value={sequenceId ?? ''}
              onChange={(event) => setSequenceId(event.target.value === '' ? null : Number(event.target.value))}
              data-testid="activity-sequence-filter"
            >
              <option value="">All</option>
              {sequences.map((sequence) => (
                <option key={sequence.id} value={sequence.id}>
                  {sequence.name}
                </option>
              ))}
            </select>
          </label>
          <p className="list-count" aria-live="polite" data-testid="activity-total">
            {status === 'ready' ? (filtered ? plural(total, 'match', 'matches') : plural(total, 'delivery', 'deliveries')) : ''}
          </p>
        </div>

        {status === 'loading' ? <VirtualTableSkeleton columns={5} label="Loading the activity" /> : null}
        {status === 'error' ? (
          <div className="list-message">
            <ErrorState title="The activity could not be loaded" message={error ?? ''} onRetry={() => useDeliveryList.getState().retry()} />
          </div>
        ) : null}
        {status === 'ready' && total === 0 && !filtered ? (
          <EmptyState
            icon="activity"
            title="Nothing sent yet"
            action={
              <a className="button" href={hrefFor({ page: 'sequences' })}>
                Go to your sequences
              </a>
            }
          >
            <p>
              Every message the app sends — or tries to — appears here as it happens: to whom, the text as it went out, and whether the
              channel took it.
            </p>
            <p>Messages go out once a sequence has a way of sending (Test mode or SMS, chosen in its editor) and someone is subscribed.</p>
          </EmptyState>
        ) : null}
        {status === 'ready' && total === 0 && filtered ? (
          statusFilter === 'unknown' && channel === null && sequenceId === null && debouncedSearch === '' ? (
            <EmptyState icon="check" title="Nothing needs your decision">
              <p>Deliveries the app could not be sure about (it stopped while sending them) appear here, for you to send again or mark as sent.</p>
            </EmptyState>
          ) : (
            <EmptyState
              icon="search"
              title="No deliveries match"
              action={
                <button type="button" className="button" onClick={clearFilters} data-testid="activity-clear-filters">
                  Clear search and filters
                </button>
              }
            >
              <p>Try another status, channel or sequence, or a shorter search.</p>
            </EmptyState>
          )
        ) : null}
        {status === 'ready' && total > 0 ? (
          <DeliveryTable
            total={total}
            pages={pages}
            timeZone={timeZone}
            nowMs={nowMs}
            selectedId={openId}
            busyId={busyId}
            onRangeChange={onRangeChange}
            onOpen={onOpen}
            onSendAgain={onSendAgain}
            onMarkSent={onMarkSent}
            resetKey={JSON.stringify(query)}
          />
        ) : null}
      </section>

      {current ? (
        <DeliveryDetailPanel
          delivery={current}
          busy={busyId === current.id}
          onSendAgain={onSendAgain}
          onMarkSent={onMarkSent}
          onClose={() => {
            setOpened(null);
          }}
        />
      ) : null}
      {confirmResend ? (
        <ConfirmDialog
          title="Send it again?"
          confirmLabel="Send again"
          busyLabel="Sending…"
          onClose={() => setConfirmResend(null)}
          onConfirm={async () => {
            const saved = await resolveDelivery(confirmResend.id, 'send-again');
            setOpened((currentOpen) => (currentOpen?.id === saved.id ? saved : currentOpen));
            toastSuccess(`“${confirmResend.messageName}” goes out again to ${displayName({ name: confirmResend.contactName, phone: confirmResend.phone })}.`);
          }}
        >
          <p>
            The app stopped while sending “{confirmResend.messageName}” to {displayName({ name: confirmResend.contactName, phone: confirmResend.phone })}, so
            it cannot tell whether it went out.
          </p>
          <p>
            <strong>It may arrive twice if it did go out.</strong> If you know it arrived (ask, or check the phone), choose “Mark as sent” instead.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
