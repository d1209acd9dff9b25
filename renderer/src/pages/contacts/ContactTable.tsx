/** Every contact, virtualised: name, number, the sequences they are in, opt-out, when added. */
import { useCallback } from 'react';
import type { ContactListItem } from '../../../../shared/domain';
import { Icon } from '../../components/Icon';
import { STATUS_LABELS } from '../../components/StatusBadge';
import { VirtualTable, type RowProps, type VirtualColumn } from '../../components/VirtualTable';
import { displayName, timeIn } from '../../lib/people-format';
import { hrefFor } from '../../router';
import type { ContactSort, SortDirection } from '../../stores/people-lists';

const COLUMNS: readonly VirtualColumn<ContactSort>[] = [
  { key: 'name', label: 'Name', sort: 'name', width: '22%' },
  { key: 'phone', label: 'Phone', sort: 'phone', width: '170px' },
  { key: 'sequences', label: 'Sequences' },
  { key: 'optedOut', label: 'Opted out', width: '110px' },
  { key: 'createdAt', label: 'Added', sort: 'createdAt', width: '130px' },
  { key: 'actions', label: '', width: '84px', className: 'actions-col' },
];

export const CONTACT_ROW_HEIGHT = 56;
/** Chips shown in the row; the rest is summed up as "+3". */
const SHOWN_MEMBERSHIPS = 2;

interface ContactTableProps {
  total: number;
  pages: ReadonlyMap<number, ContactListItem[]>;
  timeZone: string | null;
  nowMs: number;
  sort: ContactSort;
  direction: SortDirection;
  onSort: (sort: ContactSort) => void;
  onRangeChange: (first: number, last: number) => void;
  onEdit: (contact: ContactListItem) => void;
  onDelete: (contact: ContactListItem) => void;
  resetKey: string;
}

export function ContactTable({ total, pages, timeZone, nowMs, sort, direction, onSort, onRangeChange, onEdit, onDelete, resetKey }: ContactTableProps) {
  const renderRow = useCallback(
    (contact: ContactListItem, _index: number, rowProps: RowProps) => {
      const shown = contact.memberships.slice(0, SHOWN_MEMBERSHIPS);
      const more = contact.memberships.length - shown.length;
      const who = displayName(contact);
      return (
        <tr key={contact.id} {...rowProps} data-testid="contact-row" data-contact-id={contact.id} data-phone={contact.phone}>
          <td className="cell-person">
            <button type="button" className="row-link" onClick={() => onEdit(contact)} title="Edit this contact">
              {contact.name.trim() || <span className="muted">No name</span>}
            </button>
            {Object.keys(contact.attributes).length > 0 ? (
              <div className="row-sub">{Object.entries(contact.attributes).map(([key, value]) => `${key}: ${value}`).join(' · ')}</div>
            ) : null}
          </td>
          <td className="cell-phone">
            {contact.phone ?? (
              <span className="muted" title="They wrote on WhatsApp without sharing their number" data-testid="contact-whatsapp-only">
                WhatsApp only
              </span>
            )}
          </td>
          <td className="cell-chips">
            {contact.memberships.length === 0 ? (
              <span className="muted">None</span>
            ) : (
              <span className="chips" data-testid="contact-memberships">
                {shown.map((membership) => (
                  <a
                    key={membership.subscriptionId}
                    className={`chip status-${membership.status}`}
                    href={hrefFor({ page: 'subscribers', sequenceId: membership.sequenceId })}
                    title={`${membership.sequenceName}: ${STATUS_LABELS[membership.status]}`}
                    data-testid="membership-chip"
                    data-status={membership.status}
                  >
                    <span className="status-dot" aria-hidden="true" />
                    <span className="chip-text">{membership.sequenceName}</span>
                    <span className="visually-hidden">: {STATUS_LABELS[membership.status]}</span>
                  </a>
                ))}
                {more > 0 ? (
                  <span className="chip chip-more" title={contact.memberships.slice(SHOWN_MEMBERSHIPS).map((m) => `${m.sequenceName}: ${STATUS_LABELS[m.status]}`).join('\n')}>
                    +{more}
                  </span>
                ) : null}
              </span>
            )}
          </td>
          <td>
            {contact.optedOutAt !== null ? (
              <span className="badge badge-warning" title={`Opted out ${timeIn(contact.optedOutAt, timeZone, nowMs) ?? ''}`} data-testid="contact-opted-out">
                Opted out
              </span>
            ) : (
              <span className="muted">No</span>
            )}
          </td>
          <td className="cell-time">{timeIn(contact.createdAt, timeZone, nowMs) ?? '—'}</td>
          <td className="actions-col">
            <div className="row-actions">
              <button type="button" className="icon-button" onClick={() => onEdit(contact)} aria-label={`Edit ${who}`} title="Edit name and attributes" data-testid="contact-edit">
                <Icon name="edit" />
              </button>
              <button
                type="button"
                className="icon-button icon-button-danger"
                onClick={() => onDelete(contact)}
                aria-label={`Delete ${who}`}
                title="Delete"
                data-testid="contact-delete"
              >
                <Icon name="trash" />
              </button>
            </div>
          </td>
        </tr>
      );
    },
    [timeZone, nowMs, onEdit, onDelete],
  );

  return (
    <VirtualTable
      label="Contacts"
      columns={COLUMNS}
      total={total}
      pages={pages}
      rowHeight={CONTACT_ROW_HEIGHT}
      renderRow={renderRow}
      onRangeChange={onRangeChange}
      sort={{ key: sort, direction, onChange: onSort }}
      resetKey={resetKey}
      testId="contacts-table"
    />
  );
}
