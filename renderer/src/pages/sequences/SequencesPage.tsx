/** `#/sequences`: every sequence, its numbers, and create / add subscriber / duplicate / edit / delete. */
import { useEffect, useState } from 'react';
import type { SequenceSummary } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { markAppReady } from '../../app-ready';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { navigate } from '../../router';
import { useSequences } from '../../stores/sequences';
import { toastError, toastSuccess } from '../../stores/toasts';
import { AddSubscriberDialog } from '../subscribers/AddSubscriberDialog';
import { exportSequence, ImportSequenceButton } from './SequenceFileActions';
import { SequenceFormDialog } from './SequenceFormDialog';
import { SequenceTable, SequenceTableSkeleton } from './SequenceTable';

type OpenDialog =
  | { kind: 'create' }
  | { kind: 'edit'; sequence: SequenceSummary }
  | { kind: 'delete'; sequence: SequenceSummary }
  | { kind: 'add-subscriber'; sequence: SequenceSummary }
  | null;

export function SequencesPage() {
  const { status, error, sequences, pendingActive } = useSequences();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [duplicating, setDuplicating] = useState<number | null>(null);

  useEffect(() => {
    void useSequences.getState().load();
  }, []);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  const store = useSequences.getState;

  const toggleActive = (sequence: SequenceSummary, active: boolean) => {
    store()
      .setActive(sequence.id, active)
      .then(
        () => toastSuccess(active ? `“${sequence.name}” is active again.` : `“${sequence.name}” is paused: it sends nothing until you turn it on.`),
        (caught: unknown) => toastError(`Could not ${active ? 'activate' : 'pause'} “${sequence.name}”: ${errorMessage(caught)}`),
      );
  };

  const duplicate = (sequence: SequenceSummary) => {
    setDuplicating(sequence.id);
    store()
      .duplicate(sequence.id)
      .then(
        (copy) => toastSuccess(`Made a duplicate: “${copy.name}”.`),
        (caught: unknown) => toastError(`Could not duplicate “${sequence.name}”: ${errorMessage(caught)}`),
      )
      .finally(() => setDuplicating(null));
  };

  const newButton = (
    <button type="button" className="button button-primary" onClick={() => setDialog({ kind: 'create' })} data-testid="new-sequence">
      <Icon name="plus" />
      New sequence
    </button>
  );

  return (
    <div className="page">
      <PageHeader
        title="Sequences"
        subtitle="Each sequence sends its messages one after another, on the schedule you set, to everyone who subscribes."
        actions={
          status === 'ready' ? (
            <>
              <ImportSequenceButton />
              {sequences.length > 0 ? newButton : null}
            </>
          ) : undefined
        }
      />

      {status === 'loading' ? <SequenceTableSkeleton /> : null}
      {status === 'error' ? (
        <ErrorState title="The sequences could not be loaded" message={error ?? ''} onRetry={() => void store().load()} />
      ) : null}
      {status === 'ready' && sequences.length === 0 ? (
        <EmptyState icon="sequences" title="No sequences yet" action={newButton}>
          <p>
            A sequence is a series of follow-up messages — for example a welcome right away, your brochure two days later and an
            offer after a week.
          </p>
          <p>Create one, add its messages, and the app sends them on time to every customer who subscribes.</p>
        </EmptyState>
      ) : null}
      {status === 'ready' && sequences.length > 0 ? (
        <SequenceTable
          sequences={sequences}
          pendingActive={pendingActive}
          duplicating={duplicating}
          onToggleActive={toggleActive}
          onAddSubscriber={(sequence) => setDialog({ kind: 'add-subscriber', sequence })}
          onDuplicate={duplicate}
          onExport={(sequence) => void exportSequence(sequence)}
          onEdit={(sequence) => setDialog({ kind: 'edit', sequence })}
          onDelete={(sequence) => setDialog({ kind: 'delete', sequence })}
        />
      ) : null}

      {dialog?.kind === 'create' ? (
        <SequenceFormDialog
          mode="create"
          onClose={() => setDialog(null)}
          onSubmit={async (values) => {
            const created = await store().create(values);
            toastSuccess(`Created “${created.name}”. Now add its messages.`);
            navigate({ page: 'sequence', id: created.id });
          }}
        />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <SequenceFormDialog
          mode="edit"
          initial={dialog.sequence}
          onClose={() => setDialog(null)}
          onSubmit={async (values) => {
            await store().update({ id: dialog.sequence.id, ...values });
            toastSuccess('Saved.');
          }}
        />
      ) : null}
      {dialog?.kind === 'add-subscriber' ? <AddSubscriberDialog sequence={dialog.sequence} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete “${dialog.sequence.name}”?`}
          confirmLabel="Delete sequence"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await store().remove(dialog.sequence.id);
            toastSuccess(`Deleted “${dialog.sequence.name}”.`);
          }}
        >
          <p>
            {dialog.sequence.messageCount === 0
              ? 'It has no messages yet.'
              : `Its ${dialog.sequence.messageCount === 1 ? 'message' : `${dialog.sequence.messageCount} messages`} will be deleted too.`}
            {dialog.sequence.subscriberCount > 0 ? ' Its subscribers will receive nothing more from it.' : ''} This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
