/**
 * `#/contacts`: everyone the shop has a number for — search by name or number, the sequences each
 * is in and how far, opt-outs — paged and virtualised like a sequence's subscribers; edit, delete,
 * import and export.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ContactListItem } from '../../../../shared/domain';
import { call, errorMessage } from '../../api';
import { markAppReady } from '../../app-ready';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { SearchBox } from '../../components/SearchBox';
import { VirtualTableSkeleton } from '../../components/VirtualTable';
import { downloadText } from '../../lib/download';
import { plural } from '../../lib/format';
import { displayName } from '../../lib/people-format';
import { useDebounced } from '../../lib/use-debounced';
import { useNow } from '../../lib/use-now';
import { useContactList, type ContactSort, type ContactsQuery } from '../../stores/people-lists';
import { useSettings } from '../../stores/settings';
import { toastError, toastSuccess } from '../../stores/toasts';
import { LazyImportDialog as ImportDialog } from '../import/LazyImportDialog';
import { ContactEditDialog } from './ContactEditDialog';
import { ContactTable } from './ContactTable';

const SEARCH_DEBOUNCE_MS = 250;

type OpenDialog = { kind: 'edit'; contact: ContactListItem } | { kind: 'delete'; contact: ContactListItem } | { kind: 'import' } | null;

export function ContactsPage() {
  const { status, error, total, pages } = useContactList();
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<{ sort: ContactSort; direction: 'asc' | 'desc' }>({ sort: 'name', direction: 'asc' });
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [exporting, setExporting] = useState(false);
  const nowMs = useNow();
  const debouncedSearch = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);

  const query = useMemo<ContactsQuery>(() => ({ search: debouncedSearch, sort: sort.sort, direction: sort.direction }), [debouncedSearch, sort]);

  useEffect(() => {
    useContactList.getState().setQuery(query);
  }, [query]);

  useEffect(() => () => useContactList.getState().reset(), []);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  const onRangeChange = useCallback((first: number, last: number) => useContactList.getState().ensureRange(first, last), []);
  const onEdit = useCallback((contact: ContactListItem) => setDialog({ kind: 'edit', contact }), []);
  const onDelete = useCallback((contact: ContactListItem) => setDialog({ kind: 'delete', contact }), []);
  const onSort = useCallback(
    (key: ContactSort) =>
      setSort((current) =>
        current.sort === key ? { sort: key, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { sort: key, direction: key === 'createdAt' ? 'desc' : 'asc' },
      ),
    [],
  );

  const exportCsv = async () => {
    setExporting(true);
    try {
      const file = await call('contacts.export', { search: debouncedSearch });
      downloadText(file.fileName, file.csv);
      toastSuccess(`Exported ${plural(file.rowCount, 'contact', 'contacts')} to ${file.fileName}.`);
    } catch (caught) {
      toastError(`Could not export the contacts: ${errorMessage(caught)}`);
    } finally {
      setExporting(false);
    }
  };

  const importButton = (primary: boolean) => (
    <button type="button" className={`button${primary ? ' button-primary' : ''}`} onClick={() => setDialog({ kind: 'import' })} data-testid="contacts-import">
      <Icon name="upload" />
      Import CSV
    </button>
  );

  const searching = debouncedSearch !== '';

  return (
    <div className="page page-fill">
      <PageHeader
        title="Contacts"
        subtitle="Everyone the shop can send to, with their attributes and the sequences they are in."
        actions={
          <>
            <button type="button" className="button" onClick={() => void exportCsv()} disabled={exporting || (status === 'ready' && total === 0)} data-testid="contacts-export">
              <Icon name="download" />
              {exporting ? 'Exporting…' : searching ? 'Export matches' : 'Export CSV'}
            </button>
            {importButton(true)}
          </>
        }
      />

      <section className="card list-card" aria-label="Contacts">
        <div className="list-toolbar">
          <SearchBox value={search} onChange={setSearch} label="Search contacts" placeholder="Search by name or number" testId="contacts-search" />
          <p className="list-count" aria-live="polite" data-testid="contacts-total">
            {status === 'ready' ? (searching ? plural(total, 'match', 'matches') : plural(total, 'contact', 'contacts')) : ''}
          </p>
        </div>

        {status === 'loading' ? <VirtualTableSkeleton columns={6} label="Loading contacts" /> : null}
        {status === 'error' ? (
          <div className="list-message">
            <ErrorState title="The contacts could not be loaded" message={error ?? ''} onRetry={() => useContactList.getState().retry()} />
          </div>
        ) : null}
        {status === 'ready' && total === 0 && !searching ? (
          <EmptyState icon="users" title="No contacts yet" action={importButton(true)}>
            <p>Contacts arrive when you add a subscriber to a sequence, import a CSV file, or when a customer first writes to you.</p>
          </EmptyState>
        ) : null}
        {status === 'ready' && total === 0 && searching ? (
          <EmptyState
            icon="search"
            title="No contacts match"
            action={
              <button type="button" className="button" onClick={() => setSearch('')}>
                Clear search
              </button>
            }
          >
            <p>Nobody whose name or number contains “{debouncedSearch}”.</p>
          </EmptyState>
        ) : null}
        {status === 'ready' && total > 0 ? (
          <ContactTable
            total={total}
            pages={pages}
            timeZone={timeZone}
            nowMs={nowMs}
            sort={sort.sort}
            direction={sort.direction}
            onSort={onSort}
            onRangeChange={onRangeChange}
            onEdit={onEdit}
            onDelete={onDelete}
            resetKey={JSON.stringify(query)}
          />
        ) : null}
      </section>

      {dialog?.kind === 'edit' ? <ContactEditDialog contact={dialog.contact} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'import' ? <ImportDialog onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${displayName(dialog.contact)}?`}
          confirmLabel="Delete contact"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await call('contacts.delete', { id: dialog.contact.id });
            toastSuccess(`Deleted ${displayName(dialog.contact)}.`);
          }}
        >
          <p>
            {displayName(dialog.contact)} is removed from your contacts
            {dialog.contact.memberships.length > 0 ? ` and from ${plural(dialog.contact.memberships.length, 'sequence', 'sequences')}` : ''}. Their pending
            messages are cancelled; what was already sent stays sent. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
