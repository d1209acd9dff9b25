/**
 * Add Subscriber: phone, name, attributes and when the sequence starts for them — now, or at a
 * date and time in the business time zone (converted here to the epoch ms the contract takes;
 * the browser's own zone may be another one).
 */
import { useId, useState } from 'react';
import { PEOPLE_LIMITS } from '../../../../shared/contract';
import { call } from '../../api';
import { AttributeRows, attributesFromRows, type AttributeRow } from '../../components/AttributeRows';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { focusFirstInvalidField, formErrorsFrom, NO_ERRORS, type FormErrors } from '../../lib/form-errors';
import { displayName } from '../../lib/people-format';
import { friendlyTime } from '../../lib/friendly-time';
import { useNow } from '../../lib/use-now';
import { epochToWallTime, wallTimeToEpoch } from '../../lib/zoned-time';
import { useSettings } from '../../stores/settings';
import { toastSuccess } from '../../stores/toasts';
import { readableZone } from '../settings/TimeZonePicker';
import { FormDialogFooter } from '../../components/FormDialogFooter';

const SHOWN_FIELDS = ['phone', 'name', 'attributes', 'startAt'] as const;

interface AddSubscriberDialogProps {
  sequence: { id: number; name: string };
  onClose: () => void;
}

/** The next full hour from now, as a sensible first pick for "start at". */
function nextHour(now: number): number {
  return Math.ceil((now + 1) / 3_600_000) * 3_600_000;
}

export function AddSubscriberDialog({ sequence, onClose }: AddSubscriberDialogProps) {
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [attributes, setAttributes] = useState<AttributeRow[]>([]);
  const [startMode, setStartMode] = useState<'now' | 'at'>('now');
  const [startAt, setStartAt] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [busy, setBusy] = useState(false);
  const startHintId = useId();
  const nowMs = useNow();

  const chooseAt = () => {
    setStartMode('at');
    if (startAt === '' && timeZone) setStartAt(epochToWallTime(nextHour(nowMs), timeZone));
  };

  const startEpoch = startMode === 'at' && timeZone ? wallTimeToEpoch(startAt, timeZone) : null;

  const validate = (): { fields: FormErrors['fields']; attributes: Record<string, string> } => {
    const fields: FormErrors['fields'] = {};
    if (phone.trim() === '') fields.phone = 'Enter their phone number, e.g. +49 151 1234567.';
    if (name.trim().length > PEOPLE_LIMITS.contactNameMax) fields.name = `Names can be at most ${PEOPLE_LIMITS.contactNameMax} characters.`;
    const parsed = attributesFromRows(attributes);
    if ('error' in parsed) fields.attributes = parsed.error;
    if (startMode === 'at' && startEpoch === null) fields.startAt = 'Pick a date and a time.';
    return { fields, attributes: 'attributes' in parsed ? parsed.attributes : {} };
  };

  const submit = async () => {
    if (busy) return;
    const checked = validate();
    if (Object.keys(checked.fields).length > 0) {
      setErrors({ fields: checked.fields, form: null });
      focusFirstInvalidField();
      return;
    }
    setBusy(true);
    setErrors(NO_ERRORS);
    try {
      const added = await call('subscribers.add', {
        sequenceId: sequence.id,
        phone: phone.trim(),
        name: name.trim() === '' ? undefined : name.trim(),
        attributes: Object.keys(checked.attributes).length > 0 ? checked.attributes : undefined,
        startAt: startMode === 'at' && startEpoch !== null ? startEpoch : undefined,
      });
      toastSuccess(`Added ${displayName(added)} to “${sequence.name}”.`);
      onClose();
    } catch (error) {
      // "Already subscribed" and bad numbers ("too short for Germany") come on the phone field:
      // shown there, the dialog stays open with everything typed.
      setErrors(formErrorsFrom(error, SHOWN_FIELDS));
      setBusy(false);
      focusFirstInvalidField();
    }
  };

  const inPast = startEpoch !== null && startEpoch < nowMs - 60_000;

  return (
    <Dialog
      title="Add subscriber"
      subtitle={`To “${sequence.name}”`}
      onClose={onClose}
      busy={busy}
      testId="add-subscriber-dialog"
      onSubmit={() => void submit()}
      footer={<FormDialogFooter error={errors.form} busy={busy} submitLabel="Add subscriber" busyLabel="Adding…" onCancel={onClose} />}
    >
      <Field
        label="Phone number"
        name="phone"
        error={errors.fields.phone}
        hint="With the country code (+49 …), or as dialled in your country (set in Settings)."
      >
        <input
          className="input"
          type="tel"
          value={phone}
          onChange={(event) => setPhone(event.target.value)}
          placeholder="+49 151 1234567"
          maxLength={PEOPLE_LIMITS.phoneInputMax}
          autoComplete="off"
          data-testid="subscriber-phone-input"
          data-autofocus
        />
      </Field>
      <Field
        label={
          <>
            Name <span className="optional">(optional)</span>
          </>
        }
        name="name"
        error={errors.fields.name}
      >
        <input
          className="input"
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="e.g. Anna Müller"
          maxLength={PEOPLE_LIMITS.contactNameMax + 10}
          autoComplete="off"
          data-testid="subscriber-name-input"
        />
      </Field>
      <AttributeRows rows={attributes} onChange={setAttributes} error={errors.fields.attributes} disabled={busy} />

      <fieldset className={`field start-fieldset${errors.fields.startAt ? ' field-invalid' : ''}`}>
        <legend className="field-label">When do they start?</legend>
        <div className="choice-row">
          <label className="checkbox">
            <input type="radio" name="start" checked={startMode === 'now'} onChange={() => setStartMode('now')} data-testid="subscriber-start-now" />
            Now
          </label>
          <label className="checkbox">
            <input type="radio" name="start" checked={startMode === 'at'} onChange={chooseAt} disabled={!timeZone} data-testid="subscriber-start-at-choice" />
            At
          </label>
          <input
            type="datetime-local"
            className="input start-at-input"
            value={startAt}
            onChange={(event) => {
              setStartAt(event.target.value);
              setStartMode('at');
            }}
            onFocus={() => startMode !== 'at' && chooseAt()}
            disabled={!timeZone}
            aria-label="Start date and time"
            aria-describedby={startHintId}
            aria-invalid={errors.fields.startAt ? true : undefined}
            data-testid="subscriber-start-at"
          />
        </div>
        <div className="field-meta">
          {errors.fields.startAt ? (
            <p className="field-error" data-testid="field-error" data-field="startAt">
              {errors.fields.startAt}
            </p>
          ) : (
            <p id={startHintId} className="field-hint">
              {!timeZone
                ? 'Loading the business time zone…'
                : startMode === 'at' && startEpoch !== null
                  ? `${friendlyTime(startEpoch, nowMs, timeZone)}, ${readableZone(timeZone)} time.${inPast ? ' This is in the past: messages already due go out right away.' : ''}`
                  : `The first message's delay counts from now. Times are in ${readableZone(timeZone)}.`}
            </p>
          )}
        </div>
      </fieldset>
    </Dialog>
  );
}
