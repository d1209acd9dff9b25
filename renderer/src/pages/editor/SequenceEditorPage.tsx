/** `#/sequences/<id>`: a sequence's messages in order, their timing, and the resulting timeline. */
import { useEffect, useState } from 'react';
import type { Message } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { markAppReady } from '../../app-ready';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { Icon } from '../../components/Icon';
import { PageHeader } from '../../components/PageHeader';
import { Switch } from '../../components/Switch';
import { moveItem } from '../../lib/reorder';
import { hrefFor } from '../../router';
import { useSequenceEditor } from '../../stores/sequence-editor';
import { useSequences } from '../../stores/sequences';
import { toastError, toastSuccess } from '../../stores/toasts';
import { SequenceFormDialog } from '../sequences/SequenceFormDialog';
import { MessageFormDialog } from './MessageFormDialog';
import { MessageList } from './MessageList';
import { TimelinePanel } from './TimelinePanel';
import { ChannelBanner, ChannelPicker, StopOnReplyToggle } from './ChannelPicker';
import { smsDropsMedia } from '../../lib/channel-choice';

type OpenDialog =
  | { kind: 'new-message' }
  | { kind: 'edit-message'; message: Message }
  | { kind: 'delete-message'; message: Message }
  | { kind: 'edit-sequence' }
  | null;

/** The timeline says "today"/"tomorrow": refresh it now and then when the page stays open. */
const PREVIEW_REFRESH_MS = 60_000;

export function SequenceEditorPage({ id }: { id: number }) {
  const { status, error, notFound, detail, preview, previewError } = useSequenceEditor();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const editor = useSequenceEditor.getState;

  useEffect(() => {
    void useSequenceEditor.getState().open(id);
    const timer = window.setInterval(() => void useSequenceEditor.getState().reloadPreview(), PREVIEW_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [id]);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  const backLink = (
    <a className="back-link" href={hrefFor({ page: 'sequences' })} data-testid="back-to-sequences">
      <Icon name="back" />
      All sequences
    </a>
  );

  if (status === 'loading' || (status === 'ready' && !detail)) {
    return (
      <div className="page" aria-busy="true">
        <PageHeader before={backLink} title={<span className="skeleton skeleton-heading" />} />
        <div className="card">
          {[0, 1, 2].map((row) => (
            <div key={row} className="skeleton-message">
              <span className="skeleton skeleton-num" />
              <span className="skeleton skeleton-title" />
            </div>
          ))}
        </div>
      </div>
    );
  }

  if (status === 'error' || !detail) {
    return (
      <div className="page">
        <PageHeader before={backLink} title={notFound ? 'Sequence not found' : 'Sequence'} />
        <ErrorState
          title={notFound ? 'This sequence is gone' : 'The sequence could not be loaded'}
          message={error ?? ''}
          onRetry={notFound ? undefined : () => void editor().open(id)}
        />
      </div>
    );
  }

  const { sequence, messages } = detail;

  const move = (from: number, to: number) => {
    if (to < 0 || to >= messages.length || from === to) return;
    const orderedIds = moveItem(messages, from, to).map((m) => m.id);
    editor()
      .reorder(orderedIds)
      .catch((caught: unknown) => toastError(`The new order could not be saved: ${errorMessage(caught)}`));
  };

  const toggleMessage = (message: Message, enabled: boolean) => {
    editor()
      .setEnabled(message.id, enabled)
      .then(
        () => toastSuccess(enabled ? `“${message.name}” is on.` : `“${message.name}” is off: it stays in place and is skipped when sending.`),
        (caught: unknown) => toastError(`Could not turn “${message.name}” ${enabled ? 'on' : 'off'}: ${errorMessage(caught)}`),
      );
  };

  const toggleActive = (active: boolean) => {
    editor()
      .updateSequence({ active })
      .then(
        () => {
          toastSuccess(active ? 'The sequence is active.' : 'The sequence is paused: it sends nothing until you turn it on.');
          void useSequences.getState().load();
        },
        (caught: unknown) => toastError(`Could not ${active ? 'activate' : 'pause'} the sequence: ${errorMessage(caught)}`),
      );
  };

  const firstEnabledIndex = messages.findIndex((m) => m.enabled);
  const isFirstAt = (index: number) => firstEnabledIndex === -1 || index <= firstEnabledIndex;

  const addButton = (
    <button type="button" className="button button-primary" onClick={() => setDialog({ kind: 'new-message' })} data-testid="add-message">
      <Icon name="plus" />
      {messages.length === 0 ? 'Add your first message' : 'Add message'}
    </button>
  );

  return (
    <div className="page">
      <PageHeader
        before={backLink}
        title={<span data-testid="sequence-title">{sequence.name}</span>}
        subtitle={sequence.description || <span className="muted">No description</span>}
        actions={
          <>
            <ChannelPicker sequence={sequence} />
            <StopOnReplyToggle sequence={sequence} />
            <Switch
              checked={sequence.active}
              label={`Active: ${sequence.name}`}
              text={sequence.active ? 'Active' : 'Paused'}
              onChange={toggleActive}
              testId="sequence-toggle-active"
            />
            <button type="button" className="button" onClick={() => setDialog({ kind: 'edit-sequence' })} data-testid="sequence-edit">
              <Icon name="edit" />
              Edit details
            </button>
            {messages.length > 0 ? addButton : null}
          </>
        }
      />

      <ChannelBanner sequence={sequence} hasMedia={messages.some((m) => m.media !== null)} />

      <div className="editor-grid">
        <section className="card messages-card" aria-labelledby="messages-title">
          <div className="card-header">
            <h2 id="messages-title" className="card-title">
              Messages
            </h2>
            {messages.length > 1 ? <span className="muted small">Drag a number, or use the arrows, to change the order.</span> : null}
          </div>
          {messages.length === 0 ? (
            <EmptyState icon="send" title="Add your first message" action={addButton}>
              <p>
                Messages go out one after another. Give each a delay — e.g. “right away”, then “2 days later at 09:00” — and the app
                sends them on time to everyone who subscribes.
              </p>
            </EmptyState>
          ) : (
            <MessageList
              messages={messages}
              smsDropsMedia={smsDropsMedia(sequence)}
              onMove={move}
              onToggle={toggleMessage}
              onEdit={(message) => setDialog({ kind: 'edit-message', message })}
              onDelete={(message) => setDialog({ kind: 'delete-message', message })}
            />
          )}
        </section>

        <TimelinePanel preview={preview} error={previewError} active={sequence.active} hasDisabled={messages.some((m) => !m.enabled)} />
      </div>

      {dialog?.kind === 'new-message' ? (
        <MessageFormDialog
          message={null}
          isFirst={firstEnabledIndex === -1}
          onClose={() => setDialog(null)}
          onSave={async (draft) => {
            const created = await editor().createMessage(draft);
            toastSuccess(`Added “${created.name}”.`);
          }}
        />
      ) : null}
      {dialog?.kind === 'edit-message' ? (
        <MessageFormDialog
          message={dialog.message}
          isFirst={isFirstAt(messages.findIndex((m) => m.id === dialog.message.id))}
          onClose={() => setDialog(null)}
          onSave={async (draft) => {
            const saved = await editor().updateMessage(dialog.message.id, draft);
            toastSuccess(`Saved “${saved.name}”.`);
          }}
        />
      ) : null}
      {dialog?.kind === 'delete-message' ? (
        <ConfirmDialog
          title={`Delete “${dialog.message.name}”?`}
          confirmLabel="Delete message"
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await editor().deleteMessage(dialog.message.id);
            toastSuccess(`Deleted “${dialog.message.name}”.`);
          }}
        >
          <p>
            It is removed from “{sequence.name}”; the messages after it move up. If you only want to stop sending it for a while, turn it
            off instead. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
      {dialog?.kind === 'edit-sequence' ? (
        <SequenceFormDialog
          mode="edit"
          initial={sequence}
          onClose={() => setDialog(null)}
          onSubmit={async (values) => {
            await editor().updateSequence(values);
            void useSequences.getState().load();
            toastSuccess('Saved.');
          }}
        />
      ) : null}
    </div>
  );
}
