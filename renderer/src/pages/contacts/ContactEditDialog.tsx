/** Edit a contact: number, name and attributes (all of them are sent; a removed row is deleted). */
import { useState } from 'react';
import { PEOPLE_LIMITS } from '../../../../shared/contract';
import type { ContactListItem } from '../../../../shared/domain';
import { call } from '../../api';
import { AttributeRows, attributesFromRows, rowsFromAttributes, type AttributeRow } from '../../components/AttributeRows';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { focusFirstInvalidField, formErrorsFrom, NO_ERRORS, type FormErrors } from '../../lib/form-errors';
import { displayName } from '../../lib/people-format';
import { toastSuccess } from '../../stores/toasts';
import { FormDialogFooter } from '../../components/FormDialogFooter';

const SHOWN_FIELDS = ['phone', 'name', 'attributes'] as const;

export function ContactEditDialog({ contact, onClose }: { contact: ContactListItem; onClose: () => void }) {
  const [phone, setPhone] = useState(contact.phone ?? '');
  const [name, setName] = useState(contact.name);
  const [attributes, setAttributes] = useState<AttributeRow[]>(() => rowsFromAttributes(contact.attributes));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (busy) return;
    const fields: FormErrors['fields'] = {};
    // A customer known only by their WhatsApp id may stay without a number; anyone else needs one.
    if (phone.trim() === '' && contact.phone !== null) fields.phone = 'A contact needs a phone number.';
    if (name.trim().length > PEOPLE_LIMITS.contactNameMax) fields.name = `Names can be at most ${PEOPLE_LIMITS.contactNameMax} characters.`;
    const parsed = attributesFromRows(attributes);
    if ('error' in parsed) fields.attributes = parsed.error;
    if (Object.keys(fields).length > 0 || !('attributes' in parsed)) {
      setErrors({ fields, form: null });
      focusFirstInvalidField();
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const saved = await call('contacts.upsert', {
        id: contact.id,
        ...(phone.trim() === '' ? {} : { phone: phone.trim() }),
        name: name.trim(),
        attributes: parsed.attributes,
      });
      toastSuccess(`Saved ${displayName(saved)}.`);
      onClose();
    } catch (error) {
      setErrors(formErrorsFrom(error, SHOWN_FIELDS));
      setBusy(false);
      focusFirstInvalidField();
    }
  };

  return (
    <Dialog
      title="Edit contact"
      subtitle={displayName(contact)}
      onClose={onClose}
      busy={busy}
      testId="contact-dialog"
      onSubmit={() => void submit()}
      footer={<FormDialogFooter error={errors.form} busy={busy} submitLabel="Save" busyLabel="Saving…" onCancel={onClose} />}
    >
      <Field label="Name" name="name" error={errors.fields.name}>
        <input
          className="input"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={PEOPLE_LIMITS.contactNameMax + 10}
          autoComplete="off"
          data-testid="contact-name-input"
          data-autofocus
        />
      </Field>
      {contact.optedOutAt !== null ? (
        <p className="notice notice-warning" data-testid="contact-opted-out-notice">
          {displayName(contact)} opted out (wrote STOP): the shop sends them nothing, in any sequence, until they write START.
        </p>
      ) : null}
      <Field
        label="Phone number"
        name="phone"
        error={errors.fields.phone}
        hint={contact.phone === null ? 'Not known: they wrote on WhatsApp without sharing their number.' : 'Changing it moves their subscriptions to the new number.'}
      >
        <input
          className="input"
          type="tel"
          value={phone}
          onChange={(event) => setPhone(event.target.value)}
          maxLength={PEOPLE_LIMITS.phoneInputMax}
          autoComplete="off"
          data-testid="contact-phone-input"
        />
      </Field>
      <AttributeRows rows={attributes} onChange={setAttributes} error={errors.fields.attributes} disabled={busy} />
    </Dialog>
  );
}
