/**
 * A modal dialog on the native <dialog> element: the browser makes the rest of the page inert
 * (which traps focus) and turns Escape into a `cancel` event, which we route to `onClose` so React
 * stays in charge of whether the dialog is shown. Focus goes to the element marked `data-autofocus`
 * (else the first field) on open and back to where it was on close.
 */
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { Icon } from './Icon';

interface DialogProps {
  title: string;
  /** One line under the title, e.g. what is being edited. */
  subtitle?: string;
  onClose: () => void;
  children: ReactNode;
  /** Buttons, shown right-aligned in the footer. */
  footer?: ReactNode;
  /** `side`: a full-height panel on the right (a record's details beside the list it came from). */
  size?: 'small' | 'medium' | 'large' | 'side';
  /** While true, Escape and the close button do nothing (e.g. an upload is running). */
  busy?: boolean;
  role?: 'dialog' | 'alertdialog';
  testId?: string;
  /** When given, body and footer form one <form>: Enter in a field submits, footer buttons may be type=submit. */
  onSubmit?: () => void;
}

const FOCUSABLE = 'input:not([disabled]):not([type="hidden"]), textarea:not([disabled]), select:not([disabled]), button:not([disabled])';

export function Dialog({ title, subtitle, onClose, children, footer, size = 'medium', busy = false, role = 'dialog', testId, onSubmit }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  const busyRef = useRef(busy);

  useEffect(() => {
    onCloseRef.current = onClose;
    busyRef.current = busy;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const returnFocusTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const body = dialog.querySelector<HTMLElement>('.dialog-body');
    const target =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ?? body?.querySelector<HTMLElement>(FOCUSABLE) ?? dialog.querySelector<HTMLElement>(FOCUSABLE);
    target?.focus();

    const onCancel = (event: Event) => {
      event.preventDefault();
      if (!busyRef.current) onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      // The opener may have been re-rendered away (e.g. a deleted row); only refocus if it is still there.
      if (returnFocusTo?.isConnected) returnFocusTo.focus();
    };
  }, []);

  const content = (
    <>
      <div className="dialog-body">{children}</div>
      {footer ? <footer className="dialog-footer">{footer}</footer> : null}
    </>
  );

  return (
    <dialog ref={ref} className={`dialog dialog-${size}`} role={role} aria-modal="true" aria-labelledby={titleId} data-testid={testId}>
      <header className="dialog-header">
        <div>
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          {subtitle ? <p className="dialog-subtitle">{subtitle}</p> : null}
        </div>
        <button type="button" className="icon-button" aria-label="Close" onClick={() => !busy && onClose()} disabled={busy}>
          <Icon name="close" />
        </button>
      </header>
      {onSubmit ? (
        <form className="dialog-form" noValidate onSubmit={(event: FormEvent) => {
          event.preventDefault();
          onSubmit();
        }}>
          {content}
        </form>
      ) : (
        content
      )}
    </dialog>
  );
}
