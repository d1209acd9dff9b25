/** "Delete “Welcome series”?" — asks before anything is destroyed, and says what will be lost. */
import { useState, type ReactNode } from 'react';
import { Dialog } from './Dialog';
import { errorMessage } from '../api';

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** The confirm button's text while the action runs (default "Deleting…"). */
  busyLabel?: string;
  /** Runs the action; the dialog stays open (busy) until it settles and shows a failure inline. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, children, confirmLabel, busyLabel = 'Deleting…', onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={title}
      onClose={onClose}
      size="small"
      role="alertdialog"
      busy={busy}
      testId="confirm-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose} disabled={busy} data-testid="dialog-cancel" data-autofocus>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => void confirm()} disabled={busy} data-testid="confirm-delete">
            {busy ? busyLabel : confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-text">{children}</div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
