/**
 * Settings → Sequence Auto Subscription: the sequences a new customer joins when they first write
 * to the shop (several allowed), and the STOP / START keywords with the one reply each gets.
 */
import { useEffect, useId, useState } from 'react';
import type { InboundSettings, SequenceSummary } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { ErrorState } from '../../components/ErrorState';
import { Field } from '../../components/Field';
import { CHANNEL_LABELS } from '../../lib/delivery-labels';
import { inboundChanged, inboundDraftFrom, inboundSettingsFrom, type InboundDraft, type InboundFormErrors } from '../../lib/inbound-form';
import { hrefFor } from '../../router';
import { useSequences } from '../../stores/sequences';
import { useSettings } from '../../stores/settings';
import { toastSuccess } from '../../stores/toasts';

export function AutoSubscriptionSettings({ saved }: { saved: InboundSettings }) {
  const { status, error, sequences } = useSequences();
  const [draft, setDraft] = useState<InboundDraft>(() => inboundDraftFrom(saved));
  const [errors, setErrors] = useState<InboundFormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const listId = useId();
  const changed = inboundChanged(draft, saved);

  useEffect(() => {
    void useSequences.getState().load();
  }, []);

  const edit = (patch: Partial<InboundDraft>, clear: (keyof InboundDraft)[]) => {
    setDraft((current) => ({ ...current, ...patch }));
    setErrors((current) => {
      const next = { ...current };
      for (const field of clear) delete next[field];
      return next;
    });
  };

  const toggle = (id: number, on: boolean) =>
    edit(
      { autoSubscribeSequenceIds: on ? [...draft.autoSubscribeSequenceIds, id] : draft.autoSubscribeSequenceIds.filter((chosen) => chosen !== id) },
      ['autoSubscribeSequenceIds'],
    );

  const save = async () => {
    setFormError(null);
    const result = inboundSettingsFrom(draft);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setBusy(true);
    try {
      await useSettings.getState().save({ inbound: result.settings });
      const count = result.settings.autoSubscribeSequenceIds.length;
      toastSuccess(count === 0 ? 'Saved. New customers are not subscribed to anything.' : `Saved. New customers join ${count === 1 ? '1 sequence' : `${count} sequences`}.`);
    } catch (caught) {
      setFormError(`Could not save: ${errorMessage(caught)}`);
      setBusy(false);
    }
  };

  const known = new Set(sequences.map((sequence) => sequence.id));
  const gone = draft.autoSubscribeSequenceIds.filter((id) => status === 'ready' && !known.has(id));

  return (
    <section className="card" aria-labelledby={titleId} data-testid="settings-auto-subscription">
      <form
        className="settings-form auto-sub-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (changed && !busy) void save();
        }}
      >
        <h2 id={titleId} className="card-title">
          Sequence Auto Subscription
        </h2>
        <p className="card-text">
          When someone writes to the shop for the first time — on WhatsApp, or by SMS through the receiver — they are added to your contacts
          and join the sequences ticked here, starting from the time of their message. Someone already in a sequence (or who finished it)
          does not join it again.
        </p>

        <fieldset className="field sending-group" aria-describedby={`${listId}-hint`}>
          <legend className="field-label">New customers join</legend>
          {status === 'loading' ? (
            <div aria-busy="true">
              <span className="skeleton skeleton-title" />
            </div>
          ) : null}
          {status === 'error' ? <ErrorState title="The sequences could not be loaded" message={error ?? ''} onRetry={() => void useSequences.getState().load()} /> : null}
          {status === 'ready' && sequences.length === 0 ? (
            <p className="muted" data-testid="auto-sub-no-sequences">
              No sequences yet. <a href={hrefFor({ page: 'sequences' })}>Create one</a>, then come back to choose it.
            </p>
          ) : null}
          {status === 'ready' && sequences.length > 0 ? (
            <ul className="auto-sub-list" data-testid="auto-sub-sequences">
              {sequences.map((sequence) => (
                <SequenceChoice
                  key={sequence.id}
                  sequence={sequence}
                  checked={draft.autoSubscribeSequenceIds.includes(sequence.id)}
                  onChange={(on) => toggle(sequence.id, on)}
                />
              ))}
              {gone.map((id) => (
                <li key={id} className="auto-sub-item">
                  <label className="checkbox">
                    <input type="checkbox" checked onChange={() => toggle(id, false)} data-testid="auto-sub-sequence" data-sequence-id={id} />
                    <span className="muted">A sequence that was deleted</span>
                  </label>
                </li>
              ))}
            </ul>
          ) : null}
          <div className="field-meta">
            {errors.autoSubscribeSequenceIds ? (
              <p className="field-error" data-testid="field-error" data-field="inbound.autoSubscribeSequenceIds">
                {errors.autoSubscribeSequenceIds}
              </p>
            ) : (
              <p id={`${listId}-hint`} className="field-hint">
                {draft.autoSubscribeSequenceIds.length === 0
                  ? 'None ticked: customers who write in are kept as contacts, nothing more.'
                  : 'Each ticked sequence starts for them on its own.'}
              </p>
            )}
          </div>
        </fieldset>

        <div className="settings-divider" />
        <h3 className="sending-heading">STOP and START</h3>
        <p className="card-text">
          A message that is exactly one of these words (any case, accents ignored) opts the customer out of every sequence — they get one
          reply, and nothing more ever, even if added again by hand — or back in.
        </p>
        <div className="sending-grid sending-grid-two">
          <Field label="STOP keywords" name="inbound.stopKeywords" error={errors.stopKeywords} hint="Separated by commas.">
            <input
              className="input"
              value={draft.stopKeywords}
              onChange={(event) => edit({ stopKeywords: event.target.value }, ['stopKeywords', 'startKeywords'])}
              spellCheck={false}
              data-testid="inbound-stop-keywords"
            />
          </Field>
          <Field label="START keywords" name="inbound.startKeywords" error={errors.startKeywords} hint="Separated by commas.">
            <input
              className="input"
              value={draft.startKeywords}
              onChange={(event) => edit({ startKeywords: event.target.value }, ['startKeywords'])}
              spellCheck={false}
              data-testid="inbound-start-keywords"
            />
          </Field>
          <Field
            label="Reply to STOP"
            name="inbound.stopConfirmation"
            error={errors.stopConfirmation}
            count={{ value: draft.stopConfirmation.trim().length, max: 500 }}
          >
            <textarea
              className="input textarea"
              rows={3}
              value={draft.stopConfirmation}
              onChange={(event) => edit({ stopConfirmation: event.target.value }, ['stopConfirmation'])}
              data-testid="inbound-stop-confirmation"
            />
          </Field>
          <Field
            label="Reply to START"
            name="inbound.startConfirmation"
            error={errors.startConfirmation}
            count={{ value: draft.startConfirmation.trim().length, max: 500 }}
          >
            <textarea
              className="input textarea"
              rows={3}
              value={draft.startConfirmation}
              onChange={(event) => edit({ startConfirmation: event.target.value }, ['startConfirmation'])}
              data-testid="inbound-start-confirmation"
            />
          </Field>
        </div>

        {formError ? (
          <p className="form-error" role="alert" data-testid="inbound-form-error">
            {formError}
          </p>
        ) : null}
        <div className="form-actions">
          {changed ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setDraft(inboundDraftFrom(saved));
                setErrors({});
                setFormError(null);
              }}
              disabled={busy}
            >
              Undo changes
            </button>
          ) : null}
          <button type="submit" className="button button-primary" disabled={!changed || busy} data-testid="inbound-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}

function SequenceChoice({ sequence, checked, onChange }: { sequence: SequenceSummary; checked: boolean; onChange: (on: boolean) => void }) {
  const notes = [
    sequence.active ? null : 'paused: sends nothing until turned on',
    sequence.channel === null ? 'no channel chosen yet: its messages wait' : `sends by ${CHANNEL_LABELS[sequence.channel]}${sequence.smsFallback ? ', else SMS' : ''}`,
    sequence.enabledMessageCount === 0 ? 'no messages yet' : null,
  ].filter((note) => note !== null);
  return (
    <li className="auto-sub-item">
      <label className="checkbox">
        <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} data-testid="auto-sub-sequence" data-sequence-id={sequence.id} />
        <span>
          <span className="auto-sub-name">{sequence.name}</span>
          <span className={`muted small auto-sub-note${sequence.active && sequence.channel !== null ? '' : ' auto-sub-note-warning'}`}> — {notes.join('; ')}</span>
        </span>
      </label>
    </li>
  );
}
