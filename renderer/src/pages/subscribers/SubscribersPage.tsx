/**
 * `#/sequences/<id>/subscribers`: everyone in one sequence — search, filter by status, sort, read
 * page by page from the core into a virtualised table (a sequence may have 100,000 subscribers;
 * the renderer holds a few hundred at a time) — with add, import, export and a detail panel.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { subscriptionStatuses, type SubscriptionStatus } from '../../../../shared/contract';
import { call, errorMessage } from '../../api';
import { markAppReady } from '../../app-ready';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { SearchBox } from '../../components/SearchBox';
import { STATUS_LABELS } from '../../components/StatusBadge';
import { VirtualTableSkeleton } from '../../components/VirtualTable';
import { downloadText } from '../../lib/download';
import { plural } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { useNow } from '../../lib/use-now';
import { hrefFor } from '../../router';
import { useSubscriberList, type SubscriberSort, type SubscribersQuery } from '../../stores/people-lists';
import { useSequences } from '../../stores/sequences';
import { useSettings } from '../../stores/settings';
import { toastError, toastSuccess } from '../../stores/toasts';
import { LazyImportDialog as ImportDialog } from '../import/LazyImportDialog';
import { AddSubscriberDialog } from './AddSubscriberDialog';
import { SubscriberDetailPanel } from './SubscriberDetailPanel';
import { SubscriberTable } from './SubscriberTable';

const SEARCH_DEBOUNCE_MS = 250;
/** Newest first by default: the people the owner just added are the ones they look for. */
const DEFAULT_SORT: { sort: SubscriberSort; direction: 'asc' | 'desc' } = { sort: 'subscribedAt', direction: 'desc' };

type OpenDialog = { kind: 'add' } | { kind: 'import' } | { kind: 'detail'; id: number } | null;

export function SubscribersPage({ sequenceId }: { sequenceId: number }) {
  const { status, error, total, pages } = useSubscriberList();
  const sequencesStatus = useSequences((state) => state.status);
  const sequence = useSequences((state) => state.sequences.find((s) => s.id === sequenceId) ?? null);
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const [search, setSearch] = useState('');
  const [statusFilter, setStatusFilter] = useState<SubscriptionStatus | null>(null);
  const [sort, setSort] = useState(DEFAULT_SORT);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [exporting, setExporting] = useState(false);
  const nowMs = useNow();
  const debouncedSearch = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);

  const query = useMemo<SubscribersQuery>(
    () => ({ sequenceId, search: debouncedSearch, status: statusFilter, sort: sort.sort, direction: sort.direction }),
    [sequenceId, debouncedSearch, statusFilter, sort],
  );

  useEffect(() => {
    void useSequences.getState().load();
  }, []);

  useEffect(() => {
    useSubscriberList.getState().setQuery(query);
  }, [query]);

  // Leaving the page: forget the rows (and stop refreshing them on every change).
  useEffect(() => () => useSubscriberList.getState().reset(), []);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  const onRangeChange = useCallback((first: number, last: number) => useSubscriberList.getState().ensureRange(first, last), []);
  const onOpen = useCallback((subscriber: { id: number }) => setDialog({ kind: 'detail', id: subscriber.id }), []);
  const onSort = useCallback(
    (key: SubscriberSort) =>
      setSort((current) =>
        current.sort === key ? { sort: key, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { sort: key, direction: key === 'name' || key === 'phone' || key === 'status' ? 'asc' : 'desc' },
      ),
    [],
  );

  const exportCsv = async () => {
    setExporting(true);
    try {
      const file = await call('subscribers.export', { sequenceId });
      downloadText(file.fileName, file.csv);
      toastSuccess(`Exported ${plural(file.rowCount, 'subscriber', 'subscribers')} to ${file.fileName}.`);
    } catch (caught) {
      toastError(`Could not export the subscribers: ${errorMessage(caught)}`);
    } finally {
      setExporting(false);
    }
  };

  const filtered = debouncedSearch !== '' || statusFilter !== null;
  const sequenceName = sequence?.name ?? null;
  const notFound = sequencesStatus === 'ready' && sequence === null;

  const backLink = (
    <a className="back-link" href={hrefFor({ page: 'sequences' })} data-testid="back-to-sequences">
      <Icon name="back" />
      All sequences
    </a>
  );

  if (notFound) {
    return (
      <div className="page">
        <PageHeader before={backLink} title="Sequence not found" />
        <ErrorState title="This sequence is gone" message="It may have been deleted. Its subscribers went with it." />
      </div>
    );
  }

  const addButton = (primary: boolean) => (
    <button type="button" className={`button${primary ? ' button-primary' : ''}`} onClick={() => setDialog({ kind: 'add' })} disabled={!sequence} data-testid="subscribers-add">
      <Icon name="user-plus" />
      Add Subscriber
    </button>
  );
  const importButton = (
    <button type="button" className="button" onClick={() => setDialog({ kind: 'import' })} data-testid="subscribers-import">
      <Icon name="upload" />
      Import CSV
    </button>
  );

  return (
    <div className="page page-fill">
      <PageHeader
        before={backLink}
        title={<span data-testid="subscribers-title">{sequenceName ?? <span className="skeleton skeleton-heading" />}</span>}
        subtitle={
          sequence ? (
            <>
              <a href={hrefFor({ page: 'sequence', id: sequenceId })} className="subtle-link">
                {plural(sequence.messageCount, 'message', 'messages')}
              </a>
              {' · '}
              {plural(sequence.subscriberCount, 'subscriber', 'subscribers')}, {sequence.activeSubscriberCount.toLocaleString('en-GB')} active
              {sequence.active ? null : ' · the sequence is paused'}
            </>
          ) : undefined
        }
        actions={
          <>
            {importButton}
            <button type="button" className="button" onClick={() => void exportCsv()} disabled={exporting} data-testid="subscribers-export">
              <Icon name="download" />
              {exporting ? 'Exporting…' : 'Export CSV'}
            </button>
            {addButton(true)}
          </>
        }
      />

      <section className="card list-card" aria-label="Subscribers">
        <div className="list-toolbar">
          <SearchBox value={search} onChange={setSearch} label="Search subscribers" placeholder="Search by name or number" testId="subscribers-search" />
          <label className="toolbar-field">
            <span className="toolbar-label">Status</span>
            <select
              className="input toolbar-select"
              value={statusFilter ?? ''}
              onChange={(event) => setStatusFilter(event.target.value === '' ? null : (event.target.value as SubscriptionStatus))}
              data-testid="subscribers-status-filter"
            >
              <option value="">All</option>
              {subscriptionStatuses.map((value) => (
                <option key={value} value={value}>
                  {STATUS_LABELS[value]}
                </option>
              ))}
            </select>
          </label>
          <p className="list-count" aria-live="polite" data-testid="subscribers-total">
            {status === 'ready' ? (filtered ? `${plural(total, 'match', 'matches')}` : plural(total, 'subscriber', 'subscribers')) : ''}
          </p>
        </div>

        {status === 'loading' ? <VirtualTableSkeleton columns={6} label="Loading subscribers" /> : null}
        {status === 'error' ? (
          <div className="list-message">
            <ErrorState title="The subscribers could not be loaded" message={error ?? ''} onRetry={() => useSubscriberList.getState().retry()} />
          </div>
        ) : null}
        {status === 'ready' && total === 0 && !filtered ? (
          <EmptyState
            icon="users"
            title="No one has subscribed yet"
            action={
              <div className="button-row">
                {addButton(true)}
                {importButton}
              </div>
            }
          >
            <p>Add people by hand, import them from a CSV file, or let customers join when they first write to you.</p>
          </EmptyState>
        ) : null}
        {status === 'ready' && total === 0 && filtered ? (
          <EmptyState
            icon="search"
            title="No subscribers match"
            action={
              <button
                type="button"
                className="button"
                onClick={() => {
                  setSearch('');
                  setStatusFilter(null);
                }}
                data-testid="subscribers-clear-filters"
              >
                Clear search and filter
              </button>
            }
          >
            <p>
              {debouncedSearch !== '' ? `Nobody whose name or number contains “${debouncedSearch}”` : 'Nobody'}
              {statusFilter !== null ? ` with the status “${STATUS_LABELS[statusFilter]}”` : ''}.
            </p>
          </EmptyState>
        ) : null}
        {status === 'ready' && total > 0 ? (
          <SubscriberTable
            total={total}
            pages={pages}
            timeZone={timeZone}
            nowMs={nowMs}
            selectedId={dialog?.kind === 'detail' ? dialog.id : null}
            sort={sort.sort}
            direction={sort.direction}
            onSort={onSort}
            onRangeChange={onRangeChange}
            onOpen={onOpen}
            resetKey={JSON.stringify(query)}
          />
        ) : null}
      </section>

      {dialog?.kind === 'add' && sequence ? <AddSubscriberDialog sequence={sequence} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'import' ? <ImportDialog presetSequenceId={sequenceId} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'detail' ? <SubscriberDetailPanel id={dialog.id} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
