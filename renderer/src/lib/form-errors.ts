/**
 * Splits a failed save into "next to a field" and "for the whole form". The server names the field
 * at fault (`error.field`, the contract's input name); the form decides which fields it shows and
 * where an error for a field it does not show goes instead.
 */
import { ApiCallError, errorMessage } from '../api';

export type FieldErrors = Partial<Record<string, string>>;

export interface FormErrors {
  fields: FieldErrors;
  form: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

/** `aliases` maps server field names onto the form's own (e.g. `dataBase64` → `media`). */
export function formErrorsFrom(error: unknown, shownFields: readonly string[], aliases: Record<string, string> = {}): FormErrors {
  if (error instanceof ApiCallError && error.field) {
    const top = error.field.split('.')[0] ?? error.field;
    const field = aliases[top] ?? top;
    if (shownFields.includes(field)) return { fields: { [field]: error.message }, form: null };
  }
  return { fields: {}, form: errorMessage(error) };
}

/**
 * After a failed save, take the owner to the first field that needs fixing (it may be scrolled away).
 * `selector` finds the fields at fault; by default those of the open dialog.
 */
export function focusFirstInvalidField(selector = 'dialog[open] [aria-invalid="true"]'): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>(selector)?.focus();
  });
}
