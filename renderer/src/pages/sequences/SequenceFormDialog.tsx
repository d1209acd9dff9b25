/** Create a sequence, or rename it / change its description. */
import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { LIMITS } from '../../../../shared/contract';
import { FormDialogFooter } from '../../components/FormDialogFooter';
import { focusFirstInvalidField, formErrorsFrom, NO_ERRORS, type FormErrors } from '../../lib/form-errors';

interface SequenceFormDialogProps {
  mode: 'create' | 'edit';
  initial?: { name: string; description: string };
  onSubmit: (values: { name: string; description: string }) => Promise<void>;
  onClose: () => void;
}

export function SequenceFormDialog({ mode, initial, onSubmit, onClose }: SequenceFormDialogProps) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const trimmed = name.trim();
    // Check what we can here so the owner gets the answer without a round trip; the server checks again.
    const nameError =
      trimmed === '' ? 'Give the sequence a name.' : trimmed.length > LIMITS.sequenceNameMax ? `Name must be at most ${LIMITS.sequenceNameMax} characters.` : null;
    if (nameError) {
      setErrors({ fields: { name: nameError }, form: null });
      focusFirstInvalidField();
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      await onSubmit({ name: trimmed, description: description.trim() });
      onClose();
    } catch (error) {
      setErrors(formErrorsFrom(error, ['name', 'description']));
      setBusy(false);
      focusFirstInvalidField();
    }
  };

  return (
    <Dialog
      title={mode === 'create' ? 'New sequence' : 'Edit sequence'}
      subtitle={mode === 'create' ? 'Name it after what it does, e.g. “New customer welcome”.' : undefined}
      onClose={onClose}
      busy={busy}
      size="small"
      testId="sequence-dialog"
      onSubmit={() => void submit()}
      footer={
        // This small dialog shows its form-level error in its body, under the fields.
        <FormDialogFooter error={null} busy={busy} submitLabel={mode === 'create' ? 'Create sequence' : 'Save'} busyLabel="Saving…" onCancel={onClose} />
      }
    >
      <Field label="Name" name="name" error={errors.fields.name} count={{ value: name.length, max: LIMITS.sequenceNameMax }}>
        <input
          className="input"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={LIMITS.sequenceNameMax + 20}
          autoComplete="off"
          data-testid="sequence-name-input"
          data-autofocus
        />
      </Field>
      <Field
        label={
          <>
            Description <span className="optional">(optional)</span>
          </>
        }
        name="description"
        error={errors.fields.description}
        hint="A note for yourself: who this sequence is for."
      >
        <textarea
          className="input textarea"
          rows={3}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          maxLength={LIMITS.sequenceDescriptionMax}
          data-testid="sequence-description-input"
        />
      </Field>
      {errors.form ? (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
    </Dialog>
  );
}
