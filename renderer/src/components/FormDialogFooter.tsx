/**
 * The footer every form dialog shares: the form-level error (one not tied to a field), Cancel, and
 * the submit button, which says what is happening while the request runs.
 */
interface FormDialogFooterProps {
  error: string | null | undefined;
  busy: boolean;
  submitLabel: string;
  busyLabel: string;
  onCancel: () => void;
  /** Submit is also held back for reasons of the form's own (e.g. an upload still running). */
  submitDisabled?: boolean;
}

export function FormDialogFooter({ error, busy, submitLabel, busyLabel, onCancel, submitDisabled = false }: FormDialogFooterProps) {
  return (
    <>
      {error ? (
        <p className="form-error footer-error" role="alert">
          {error}
        </p>
      ) : null}
      <button type="button" className="button" onClick={onCancel} disabled={busy} data-testid="dialog-cancel">
        Cancel
      </button>
      <button type="submit" className="button button-primary" disabled={busy || submitDisabled} data-testid="dialog-submit">
        {busy ? busyLabel : submitLabel}
      </button>
    </>
  );
}
