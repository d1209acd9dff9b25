/**
 * A labelled form field with its hint, counter and error. The error carries `data-field` so a test
 * (and a screen reader via aria-describedby) finds the message next to the field it is about.
 */
import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';

interface FieldProps {
  label: ReactNode;
  /** Contract field name the server's `error.field` uses, e.g. "name" or "delayAmount". */
  name: string;
  error?: string | null;
  hint?: ReactNode;
  /** e.g. "12 / 100"; turns red past the limit. */
  count?: { value: number; max: number };
  /** Extra controls on the label line (e.g. the attribute picker button). */
  aside?: ReactNode;
  children: ReactElement<{ id?: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }>;
}

export function Field({ label, name, error, hint, count, aside, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = error ? errorId : hint ? hintId : undefined;
  const control = isValidElement(children)
    ? cloneElement(children, { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })
    : children;

  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <div className="field-label-row">
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {aside}
      </div>
      {control}
      <div className="field-meta">
        {error ? (
          <p id={errorId} className="field-error" data-testid="field-error" data-field={name}>
            {error}
          </p>
        ) : hint ? (
          <p id={hintId} className="field-hint">
            {hint}
          </p>
        ) : (
          <span />
        )}
        {count ? (
          <span className={`field-count${count.value > count.max ? ' field-count-over' : ''}`}>
            {count.value.toLocaleString('en-GB')} / {count.max.toLocaleString('en-GB')}
          </span>
        ) : null}
      </div>
    </div>
  );
}
