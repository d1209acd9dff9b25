/** Add or edit one message: name, text with attributes, attachment, and when it goes out. */
import { useEffect, useRef, useState } from 'react';
import { LIMITS, TimeOfDaySchema, delayUnits, type DelayUnit } from '../../../../shared/contract';
import { describeDelay } from '../../../../shared/delay-summary';
import type { Media, Message } from '../../../../shared/domain';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { focusFirstInvalidField, formErrorsFrom, NO_ERRORS, type FormErrors } from '../../lib/form-errors';
import type { MessageDraft } from '../../stores/sequence-editor';
import { AttributePicker } from './AttributePicker';
import { MediaField } from './MediaField';
import { MessagePreview } from './MessagePreview';
import { FormDialogFooter } from '../../components/FormDialogFooter';

const UNIT_LABELS: Record<DelayUnit, string> = { minutes: 'minutes', hours: 'hours', days: 'days' };
const MAX_AMOUNT: Record<DelayUnit, number> = { minutes: 365 * 24 * 60, hours: 365 * 24, days: 365 };
const SHOWN_FIELDS = ['name', 'body', 'media', 'delayAmount', 'sendAt'] as const;
const FIELD_ALIASES = { mediaId: 'media', fileName: 'media', dataBase64: 'media', delayUnit: 'delayAmount' };

interface MessageFormDialogProps {
  /** The message being edited, or null to add one. */
  message: Message | null;
  /** Whether this message's delay counts from subscribing (it is the first one sent). */
  isFirst: boolean;
  onSave: (draft: MessageDraft) => Promise<void>;
  onClose: () => void;
}

export function MessageFormDialog({ message, isFirst, onSave, onClose }: MessageFormDialogProps) {
  const [name, setName] = useState(message?.name ?? '');
  const [body, setBody] = useState(message?.body ?? '');
  const [media, setMedia] = useState<Media | null>(message?.media ?? null);
  const [delayAmount, setDelayAmount] = useState(String(message?.delayAmount ?? (isFirst ? 0 : 1)));
  const [delayUnit, setDelayUnit] = useState<DelayUnit>(message?.delayUnit ?? (isFirst ? 'minutes' : 'days'));
  const [exact, setExact] = useState((message?.sendAt ?? null) !== null);
  const [sendAt, setSendAt] = useState(message?.sendAt ?? '09:00');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [saving, setSaving] = useState(false);
  const [uploading, setUploading] = useState(false);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  // A thumbnail for an image picked in this dialog (the core keeps the bytes; we only have the file).
  const [thumbnail, setThumbnail] = useState<{ mediaId: number; url: string } | null>(null);

  useEffect(() => {
    if (!thumbnail) return;
    return () => URL.revokeObjectURL(thumbnail.url);
  }, [thumbnail]);

  const changeMedia = (next: Media | null, file?: File) => {
    setMedia(next);
    setThumbnail(next && file && next.kind === 'image' ? { mediaId: next.id, url: URL.createObjectURL(file) } : null);
  };

  const amount = Number(delayAmount);
  const amountValid = delayAmount.trim() !== '' && Number.isInteger(amount) && amount >= 0;
  const summary = amountValid
    ? describeDelay({ delayAmount: amount, delayUnit, sendAt: exact && sendAt ? sendAt : null }, isFirst)
    : null;

  const insertAtCursor = (text: string) => {
    const textarea = bodyRef.current;
    const start = textarea?.selectionStart ?? body.length;
    const end = textarea?.selectionEnd ?? body.length;
    setBody(body.slice(0, start) + text + body.slice(end));
    requestAnimationFrame(() => {
      if (!textarea) return;
      textarea.focus();
      textarea.setSelectionRange(start + text.length, start + text.length);
    });
  };

  const validate = (): FormErrors['fields'] => {
    const fields: FormErrors['fields'] = {};
    if (name.trim() === '') fields.name = 'Give the message a name, e.g. “Welcome”.';
    else if (name.trim().length > LIMITS.messageNameMax) fields.name = `Name must be at most ${LIMITS.messageNameMax} characters.`;
    if (body.length > LIMITS.messageBodyMax) fields.body = `The message is ${body.length - LIMITS.messageBodyMax} characters too long.`;
    if (body.trim() === '' && media === null) fields.body = 'Write a message or attach a file.';
    if (!amountValid) fields.delayAmount = 'Enter a whole number of minutes, hours or days (0 = right away).';
    else if (amount > MAX_AMOUNT[delayUnit])
      fields.delayAmount =
        delayUnit === 'days' ? 'At most 365 days.' : `At most 365 days (${MAX_AMOUNT[delayUnit].toLocaleString('en-GB')} ${delayUnit}).`;
    if (exact && !TimeOfDaySchema.safeParse(sendAt).success) fields.sendAt = 'Pick a time of day, e.g. 09:00.';
    return fields;
  };

  const submit = async () => {
    if (uploading || saving) return;
    const fields = validate();
    if (Object.keys(fields).length > 0) {
      setErrors({ fields, form: null });
      focusFirstInvalidField();
      return;
    }
    setSaving(true);
    setErrors(NO_ERRORS);
    try {
      await onSave({
        name: name.trim(),
        body,
        mediaId: media?.id ?? null,
        delayAmount: amount,
        delayUnit,
        sendAt: exact ? sendAt : null,
      });
      onClose();
    } catch (error) {
      setErrors(formErrorsFrom(error, SHOWN_FIELDS, FIELD_ALIASES));
      setSaving(false);
      focusFirstInvalidField();
    }
  };

  return (
    <Dialog
      title={message ? `Edit “${message.name}”` : 'New message'}
      onClose={onClose}
      busy={saving}
      size="large"
      testId="message-dialog"
      onSubmit={() => void submit()}
      footer={
        <FormDialogFooter
          error={errors.form}
          busy={saving}
          submitDisabled={uploading}
          submitLabel={message ? 'Save message' : 'Add message'}
          busyLabel="Saving…"
          onCancel={onClose}
        />
      }
    >
      <div className="message-form">
        <div className="message-form-fields">
          <Field
            label="Name"
            name="name"
            error={errors.fields.name}
            hint="Only you see this, in the list."
            count={{ value: name.length, max: LIMITS.messageNameMax }}
          >
            <input
              className="input"
              value={name}
              onChange={(event) => setName(event.target.value)}
              placeholder="e.g. Welcome"
              autoComplete="off"
              data-testid="message-name-input"
              data-autofocus
            />
          </Field>

          <Field
            label="Message"
            name="body"
            error={errors.fields.body}
            hint="Ctrl+Enter saves. Attributes such as {{first_name}} are filled in for each customer."
            count={{ value: body.length, max: LIMITS.messageBodyMax }}
            aside={<AttributePicker onInsert={insertAtCursor} />}
          >
            <textarea
              ref={bodyRef}
              className="input textarea message-body"
              rows={7}
              value={body}
              onChange={(event) => setBody(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                  event.preventDefault();
                  event.currentTarget.form?.requestSubmit();
                }
              }}
              placeholder="Hi {{first_name|there}}, thanks for your message! …"
              data-testid="message-body-input"
            />
          </Field>

          <MediaField media={media} onChange={changeMedia} onBusyChange={setUploading} error={errors.fields.media} />

          <fieldset className="field delay-fieldset">
            <legend className="field-label">When to send</legend>
            <div className="delay-row">
              <input
                className="input delay-amount"
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_AMOUNT[delayUnit]}
                step={1}
                value={delayAmount}
                onChange={(event) => setDelayAmount(event.target.value)}
                aria-label="Delay amount"
                aria-invalid={errors.fields.delayAmount ? true : undefined}
                data-testid="message-delay-amount"
              />
              <select
                className="input delay-unit"
                value={delayUnit}
                onChange={(event) => setDelayUnit(event.target.value as DelayUnit)}
                aria-label="Delay unit"
                data-testid="message-delay-unit"
              >
                {delayUnits.map((unit) => (
                  <option key={unit} value={unit}>
                    {UNIT_LABELS[unit]}
                  </option>
                ))}
              </select>
              <span className="delay-anchor">after {isFirst ? 'subscribing' : 'the previous message'}</span>
            </div>
            {errors.fields.delayAmount ? (
              <p className="field-error" data-testid="field-error" data-field="delayAmount">
                {errors.fields.delayAmount}
              </p>
            ) : (
              <p className="field-hint">0 means right away. At most 365 days.</p>
            )}

            <div className="exact-row">
              <label className="checkbox">
                <input type="checkbox" checked={exact} onChange={(event) => setExact(event.target.checked)} data-testid="message-exact-time-toggle" />
                At an exact time of day
              </label>
              {exact ? (
                <input
                  className="input exact-time"
                  type="time"
                  value={sendAt}
                  onChange={(event) => setSendAt(event.target.value)}
                  aria-label="Time of day"
                  aria-invalid={errors.fields.sendAt ? true : undefined}
                  data-testid="message-exact-time"
                />
              ) : null}
            </div>
            {errors.fields.sendAt ? (
              <p className="field-error" data-testid="field-error" data-field="sendAt">
                {errors.fields.sendAt}
              </p>
            ) : null}

            {summary ? (
              <p className="delay-summary" data-testid="message-delay-summary">
                {summary}
              </p>
            ) : null}
          </fieldset>
        </div>

        <div className="message-form-preview">
          <MessagePreview body={body} media={media} imageUrl={thumbnail && media && thumbnail.mediaId === media.id ? thumbnail.url : null} />
        </div>
      </div>
    </Dialog>
  );
}
