/**
 * Settings → Sending: when messages may go out (quiet hours that may wrap midnight, weekdays,
 * closed days), how fast (a random gap between two messages, a daily cap), what happens to
 * messages that fell due while the computer was off, and what a permanent failure does.
 * Checked here first (sending-form.ts); the core's answer to anything else lands next to its field.
 */
import { useId, useState, type ReactNode } from 'react';
import type { SendingSettings as SendingSettingsValue } from '../../../../shared/domain';
import { ApiCallError, errorMessage } from '../../api';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Switch } from '../../components/Switch';
import { focusFirstInvalidField } from '../../lib/form-errors';
import { dayKey } from '../../lib/friendly-time';
import { useNow } from '../../lib/use-now';
import { useSettings } from '../../stores/settings';
import { toastSuccess } from '../../stores/toasts';
import { readableZone } from './TimeZonePicker';
import {
  draftFrom,
  SENDING_FIELDS,
  sendingFieldFor,
  sendingFrom,
  withClosedDate,
  type CatchUpKind,
  type FailurePolicy,
  type SendingDraft,
  type SendingErrors,
  type SendingField,
} from './sending-form';

const WEEKDAYS = [
  { day: 1, short: 'Mon', long: 'Monday' },
  { day: 2, short: 'Tue', long: 'Tuesday' },
  { day: 3, short: 'Wed', long: 'Wednesday' },
  { day: 4, short: 'Thu', long: 'Thursday' },
  { day: 5, short: 'Fri', long: 'Friday' },
  { day: 6, short: 'Sat', long: 'Saturday' },
  { day: 7, short: 'Sun', long: 'Sunday' },
] as const;

const dateLabel = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "Thu 25 Dec 2025" for a yyyy-MM-dd day (read as a calendar day, in no particular zone). */
function readableDate(date: string): string {
  return dateLabel.format(Date.parse(`${date}T00:00:00Z`));
}

interface SendingSettingsProps {
  saved: SendingSettingsValue;
  timeZone: string;
}

export function SendingSettings({ saved, timeZone }: SendingSettingsProps) {
  const [draft, setDraft] = useState<SendingDraft>(() => draftFrom(saved));
  const [errors, setErrors] = useState<SendingErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [newDate, setNewDate] = useState('');
  const nowMs = useNow();
  const titleId = useId();
  const quietId = useId();
  const weekdaysId = useId();
  const datesId = useId();

  const initial = JSON.stringify(draftFrom(saved));
  const changed = JSON.stringify(draft) !== initial;

  const edit = (patch: Partial<SendingDraft>, clears: SendingField[] = []) => {
    setDraft((current) => ({ ...current, ...patch }));
    if (clears.some((field) => errors[field])) {
      setErrors((current) => {
        const next = { ...current };
        for (const field of clears) delete next[field];
        return next;
      });
    }
  };

  const toggleWeekday = (day: number) =>
    edit({ weekdays: draft.weekdays.includes(day) ? draft.weekdays.filter((d) => d !== day) : [...draft.weekdays, day].sort((a, b) => a - b) }, ['weekdays']);

  const addDate = () => {
    const dates = withClosedDate(draft.closedDates, newDate);
    if (dates === null) {
      setErrors((current) => ({ ...current, closedDates: 'Pick a day first.' }));
      return;
    }
    edit({ closedDates: dates }, ['closedDates']);
    setNewDate('');
  };

  const save = async () => {
    const result = sendingFrom(draft);
    setFormError(null);
    if ('errors' in result) {
      setErrors(result.errors);
      focusFirstInvalid();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await useSettings.getState().save({ sending: result.value });
      // The stored settings now differ: the card is re-created from them (keyed by its parent).
      toastSuccess('Saved the sending settings.');
    } catch (caught) {
      const field = caught instanceof ApiCallError ? sendingFieldFor(caught.field) : null;
      if (field) {
        setErrors({ [field]: errorMessage(caught) });
        focusFirstInvalid();
      } else {
        setFormError(`Could not save: ${errorMessage(caught)}`);
      }
      setBusy(false);
    }
  };

  // Today in the business zone as yyyy-MM-dd, comparable with the closed days.
  const todayKey = dayKey(nowMs, timeZone);

  return (
    <section className="card" aria-labelledby={titleId} data-testid="settings-sending">
      <form
        className="sending-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (changed && !busy) void save();
        }}
      >
        <div>
          <h2 id={titleId} className="card-title">
            Sending
          </h2>
          <p className="card-text">
            When messages may go out, how fast, and what happens when something goes wrong. Times are in the business time zone,{' '}
            {readableZone(timeZone)}.
          </p>
        </div>

        <div className="sending-section">
          <h3 className="sending-heading">Sending hours</h3>
          <fieldset className={`field sending-group${errors.quietHours ? ' field-invalid' : ''}`} aria-describedby={`${quietId}-hint`}>
            <legend className="visually-hidden">Quiet hours</legend>
            <Switch
              checked={draft.quietOn}
              onChange={(quietOn) => edit({ quietOn }, ['quietHours'])}
              label="Quiet hours"
              text="Quiet hours"
              testId="quiet-hours-toggle"
            />
            {draft.quietOn ? (
              <div className="inline-inputs">
                <label htmlFor={`${quietId}-start`}>Nothing goes out from</label>
                <input
                  id={`${quietId}-start`}
                  type="time"
                  className="input time-input"
                  value={draft.quietStart}
                  onChange={(event) => edit({ quietStart: event.target.value }, ['quietHours'])}
                  aria-invalid={errors.quietHours ? true : undefined}
                  data-testid="quiet-start"
                />
                <label htmlFor={`${quietId}-end`}>to</label>
                <input
                  id={`${quietId}-end`}
                  type="time"
                  className="input time-input"
                  value={draft.quietEnd}
                  onChange={(event) => edit({ quietEnd: event.target.value }, ['quietHours'])}
                  aria-invalid={errors.quietHours ? true : undefined}
                  data-testid="quiet-end"
                />
              </div>
            ) : null}
            <FieldMessage field="quietHours" error={errors.quietHours} hintId={`${quietId}-hint`}>
              {draft.quietOn
                ? draft.quietEnd < draft.quietStart
                  ? `Overnight: from ${draft.quietStart} until ${draft.quietEnd} the next morning. A message due in that time goes out at ${draft.quietEnd}.`
                  : `A message due between ${draft.quietStart} and ${draft.quietEnd} goes out at ${draft.quietEnd}. Quiet hours may also wrap midnight, e.g. 21:00 to 09:00.`
                : 'Off: messages go out at any hour. Quiet hours may wrap midnight, e.g. 21:00 to 09:00.'}
            </FieldMessage>
          </fieldset>

          <fieldset className={`field sending-group${errors.weekdays ? ' field-invalid' : ''}`} aria-describedby={`${weekdaysId}-hint`}>
            <legend className="field-label">Days messages may go out</legend>
            <div className="weekday-toggles" role="group" aria-label="Days messages may go out">
              {WEEKDAYS.map(({ day, short, long }) => {
                const on = draft.weekdays.includes(day);
                return (
                  <button
                    key={day}
                    type="button"
                    className={`weekday-toggle${on ? ' weekday-toggle-on' : ''}`}
                    aria-pressed={on}
                    aria-label={long}
                    title={long}
                    onClick={() => toggleWeekday(day)}
                    data-testid={`weekday-${day}`}
                  >
                    {short}
                  </button>
                );
              })}
            </div>
            <FieldMessage field="weekdays" error={errors.weekdays} hintId={`${weekdaysId}-hint`}>
              A message due on a day that is off goes out on the next day that is on.
            </FieldMessage>
          </fieldset>

          <fieldset className={`field sending-group${errors.closedDates ? ' field-invalid' : ''}`} aria-describedby={`${datesId}-hint`}>
            <legend className="field-label">Closed days</legend>
            {draft.closedDates.length > 0 ? (
              <ul className="closed-dates" aria-label="Closed days">
                {draft.closedDates.map((date) => (
                  <li key={date} className={`closed-date${date < todayKey ? ' closed-date-past' : ''}`} data-testid="closed-date" data-date={date}>
                    <span>{readableDate(date)}</span>
                    <button
                      type="button"
                      className="icon-button closed-date-remove"
                      aria-label={`Remove ${readableDate(date)}`}
                      title="Remove"
                      onClick={() => edit({ closedDates: draft.closedDates.filter((d) => d !== date) }, ['closedDates'])}
                      data-testid="closed-date-remove"
                    >
                      <Icon name="close" />
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="inline-inputs">
              <label htmlFor={`${datesId}-input`} className="visually-hidden">
                A closed day to add
              </label>
              <input
                id={`${datesId}-input`}
                type="date"
                className="input date-input"
                value={newDate}
                min={todayKey}
                onChange={(event) => setNewDate(event.target.value)}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') {
                    event.preventDefault();
                    addDate();
                  }
                }}
                aria-invalid={errors.closedDates ? true : undefined}
                data-testid="closed-date-input"
              />
              <button type="button" className="button" onClick={addDate} data-testid="closed-date-add">
                <Icon name="plus" />
                Add day
              </button>
            </div>
            <FieldMessage field="closedDates" error={errors.closedDates} hintId={`${datesId}-hint`}>
              Holidays and other days the shop is closed: nothing goes out on them.
            </FieldMessage>
          </fieldset>
        </div>

        <div className="sending-section">
          <h3 className="sending-heading">Pacing</h3>
          <p className="card-text sending-intro">
            Messages never go out in a burst: between two messages on the same channel the app waits a random time between these two.
          </p>
          <div className="sending-grid">
            <Field label="Shortest gap (seconds)" name={SENDING_FIELDS.minGap} error={errors.minGap}>
              <input
                className="input"
                type="number"
                inputMode="numeric"
                min={0}
                max={3600}
                value={draft.minGap}
                onChange={(event) => edit({ minGap: event.target.value }, ['minGap', 'maxGap'])}
                data-testid="pacing-min"
              />
            </Field>
            <Field label="Longest gap (seconds)" name={SENDING_FIELDS.maxGap} error={errors.maxGap}>
              <input
                className="input"
                type="number"
                inputMode="numeric"
                min={0}
                max={3600}
                value={draft.maxGap}
                onChange={(event) => edit({ maxGap: event.target.value }, ['minGap', 'maxGap'])}
                data-testid="pacing-max"
              />
            </Field>
            <Field label="Daily limit per channel" name={SENDING_FIELDS.dailyCap} error={errors.dailyCap} hint="Empty: no limit. Above it, messages wait for the next day.">
              <input
                className="input"
                type="number"
                inputMode="numeric"
                min={1}
                max={100000}
                placeholder="No limit"
                value={draft.dailyCap}
                onChange={(event) => edit({ dailyCap: event.target.value }, ['dailyCap'])}
                data-testid="daily-cap"
              />
            </Field>
          </div>
        </div>

        <div className="sending-section">
          <h3 className="sending-heading">When things go wrong</h3>
          <div className="sending-grid sending-grid-two">
            <div>
              <Field
                label="Messages that are late"
                name={SENDING_FIELDS.catchUp}
                error={errors.catchUp}
                hint="Late means held up because the computer was off or asleep. Waiting for the sending hours, the daily limit or a pause never counts."
              >
                <select
                  className="input"
                  value={draft.catchUp}
                  onChange={(event) => edit({ catchUp: event.target.value as CatchUpKind }, ['catchUp', 'catchUpHours'])}
                  data-testid="catchup-policy"
                >
                  <option value="send-late">Send them anyway, paced</option>
                  <option value="skip-if-late">Skip them if they are too late</option>
                </select>
              </Field>
              {draft.catchUp === 'skip-if-late' ? (
                <Field label="Too late means more than (hours)" name={SENDING_FIELDS.catchUpHours} error={errors.catchUpHours} hint="A skipped message shows in Activity; the subscriber moves on to the next one.">
                  <input
                    className="input"
                    type="number"
                    inputMode="numeric"
                    min={1}
                    max={720}
                    value={draft.catchUpHours}
                    onChange={(event) => edit({ catchUpHours: event.target.value }, ['catchUpHours'])}
                    data-testid="catchup-hours"
                  />
                </Field>
              ) : null}
            </div>
            <Field
              label="A message that cannot be delivered"
              name={SENDING_FIELDS.failurePolicy}
              error={errors.failurePolicy}
              hint={
                draft.failurePolicy === 'move-on'
                  ? 'E.g. an invalid number. The failure shows in Activity; the next message goes out on schedule.'
                  : 'E.g. an invalid number. The failure shows in Activity; that subscriber gets nothing more from the sequence.'
              }
            >
              <select
                className="input"
                value={draft.failurePolicy}
                onChange={(event) => edit({ failurePolicy: event.target.value as FailurePolicy }, ['failurePolicy'])}
                data-testid="failure-policy"
              >
                <option value="move-on">Move on to the next message</option>
                <option value="stop-subscription">Stop the subscription</option>
              </select>
            </Field>
          </div>
        </div>

        {formError ? (
          <p className="form-error" role="alert" data-testid="sending-form-error">
            {formError}
          </p>
        ) : null}
        <div className="form-actions">
          {changed ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setDraft(draftFrom(saved));
                setErrors({});
                setFormError(null);
              }}
              disabled={busy}
            >
              Undo changes
            </button>
          ) : null}
          <button type="submit" className="button button-primary" disabled={!changed || busy} data-testid="sending-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The error (with `data-field`, like Field's) or the hint under a group of controls. */
function FieldMessage({ field, error, hintId, children }: { field: SendingField; error: string | undefined; hintId: string; children: ReactNode }) {
  return (
    <div className="field-meta">
      {error ? (
        <p id={hintId} className="field-error" role="alert" data-testid="field-error" data-field={SENDING_FIELDS[field]}>
          {error}
        </p>
      ) : (
        <p id={hintId} className="field-hint">
          {children}
        </p>
      )}
    </div>
  );
}

/** After a failed save, take the owner to the first field that needs fixing. */
function focusFirstInvalid(): void {
  focusFirstInvalidField('[data-testid="settings-sending"] [aria-invalid="true"], [data-testid="settings-sending"] .field-invalid button');
}
