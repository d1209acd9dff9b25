/** The sequences as a table: what each one is, how far it got, and what you can do with it. */
import type { SequenceSummary } from '../../../../shared/domain';
import { ChannelChip } from '../../components/ChannelChip';
import { Icon } from '../../components/Icon';
import { Switch } from '../../components/Switch';
import { plural } from '../../lib/format';
import { hrefFor } from '../../router';

interface SequenceTableProps {
  sequences: SequenceSummary[];
  pendingActive: ReadonlySet<number>;
  duplicating: number | null;
  onToggleActive: (sequence: SequenceSummary, active: boolean) => void;
  onAddSubscriber: (sequence: SequenceSummary) => void;
  onDuplicate: (sequence: SequenceSummary) => void;
  /** Downloads the sequence as one file (SequenceFileActions.tsx). */
  onExport?: (sequence: SequenceSummary) => void;
  onEdit: (sequence: SequenceSummary) => void;
  onDelete: (sequence: SequenceSummary) => void;
}

export function SequenceTable({ sequences, pendingActive, duplicating, onToggleActive, onAddSubscriber, onDuplicate, onExport, onEdit, onDelete }: SequenceTableProps) {
  return (
    <div className="card table-card">
      <table className="table sequence-table">
        <thead>
          <tr>
            <th scope="col">Sequence</th>
            <th scope="col" className="num col-messages">
              Messages
            </th>
            <th scope="col" className="num">
              Subscribers
            </th>
            <th scope="col">Status</th>
            <th scope="col" className="actions-col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sequences.map((sequence) => {
            const href = hrefFor({ page: 'sequence', id: sequence.id });
            const disabledCount = sequence.messageCount - sequence.enabledMessageCount;
            return (
              <tr key={sequence.id} data-testid="sequence-row" data-sequence-name={sequence.name} data-sequence-id={sequence.id}>
                <td className="cell-main">
                  <div className="row-title-line">
                    <a className="row-title" href={href} data-testid="sequence-open">
                      {sequence.name}
                    </a>
                    <ChannelChip channel={sequence.channel} smsFallback={sequence.smsFallback} />
                  </div>
                  {sequence.description ? <div className="row-sub">{sequence.description}</div> : null}
                </td>
                <td className="num col-messages">
                  <span data-testid="sequence-message-count">
                    {sequence.messageCount}
                    {disabledCount > 0 ? <span className="muted small"> ({disabledCount} off)</span> : null}
                  </span>
                  {/* Under the count rather than a column of its own: four actions need the room. */}
                  <span className="count-sub" data-testid="sequence-sent-count" data-count={sequence.sentCount}>
                    {sequence.sentCount.toLocaleString('en-GB')} sent
                  </span>
                </td>
                <td className="num">
                  <a
                    className="count-link"
                    href={hrefFor({ page: 'subscribers', sequenceId: sequence.id })}
                    aria-label={`${plural(sequence.subscriberCount, 'subscriber', 'subscribers')}, ${sequence.activeSubscriberCount.toLocaleString('en-GB')} active: show the subscribers of ${sequence.name}`}
                    title="Show the subscribers"
                    data-testid="sequence-subscribers"
                    data-count={sequence.subscriberCount}
                    data-active-count={sequence.activeSubscriberCount}
                  >
                    <span className="count-total">
                      <Icon name="users" />
                      {sequence.subscriberCount.toLocaleString('en-GB')}
                    </span>
                    {/* Stacked under the total: "12 · 9 active" on one line does not fit beside four actions. */}
                    {sequence.subscriberCount > 0 ? (
                      <span className="count-sub" data-testid="sequence-active-count">
                        {sequence.activeSubscriberCount.toLocaleString('en-GB')} active
                      </span>
                    ) : null}
                  </a>
                </td>
                <td>
                  <Switch
                    checked={sequence.active}
                    label={`Active: ${sequence.name}`}
                    text={sequence.active ? 'Active' : 'Paused'}
                    onChange={(active) => onToggleActive(sequence, active)}
                    disabled={pendingActive.has(sequence.id)}
                    testId="row-toggle-active"
                  />
                </td>
                <td className="actions-col">
                  <div className="row-actions">
                    <button
                      type="button"
                      className="button button-small button-ghost"
                      onClick={() => onAddSubscriber(sequence)}
                      aria-label={`Add a subscriber to ${sequence.name}`}
                      title="Add a subscriber: someone who should receive this sequence"
                      data-testid="row-add-subscriber"
                    >
                      <Icon name="user-plus" />
                      <span className="button-label">Add Subscriber</span>
                    </button>
                    <button
                      type="button"
                      className="button button-small button-ghost"
                      onClick={() => onDuplicate(sequence)}
                      disabled={duplicating === sequence.id}
                      aria-label={`Make a duplicate of ${sequence.name}`}
                      title="Make a duplicate: a copy with all its messages, without subscribers"
                      data-testid="row-duplicate"
                    >
                      <Icon name="copy" />
                      <span className="button-label">{duplicating === sequence.id ? 'Copying…' : 'Make Duplicate'}</span>
                    </button>
                    {/* Edit and Delete are icons only: four labelled buttons do not fit a 1280-pixel window. */}
                    {onExport ? (
                      <button
                        type="button"
                        className="icon-button"
                        onClick={() => onExport(sequence)}
                        aria-label={`Export ${sequence.name} as a file`}
                        title="Export as a file (with its messages and attachments)"
                        data-testid="row-export"
                      >
                        <Icon name="download" />
                      </button>
                    ) : null}
                    <button
                      type="button"
                      className="icon-button"
                      onClick={() => onEdit(sequence)}
                      aria-label={`Edit name and description of ${sequence.name}`}
                      title="Edit name and description"
                      data-testid="row-edit"
                    >
                      <Icon name="edit" />
                    </button>
                    <button
                      type="button"
                      className="icon-button icon-button-danger"
                      onClick={() => onDelete(sequence)}
                      aria-label={`Delete ${sequence.name}`}
                      title="Delete"
                      data-testid="row-delete"
                    >
                      <Icon name="trash" />
                    </button>
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Grey placeholder rows while the first load runs, so the page does not jump when data arrives. */
export function SequenceTableSkeleton() {
  return (
    <div className="card table-card" aria-busy="true" aria-label="Loading sequences">
      <table className="table">
        <tbody>
          {[0, 1, 2].map((row) => (
            <tr key={row} className="skeleton-row">
              <td className="cell-main">
                <span className="skeleton skeleton-title" />
                <span className="skeleton skeleton-sub" />
              </td>
              <td>
                <span className="skeleton skeleton-num" />
              </td>
              <td>
                <span className="skeleton skeleton-num" />
              </td>
              <td>
                <span className="skeleton skeleton-switch" />
              </td>
              <td />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
