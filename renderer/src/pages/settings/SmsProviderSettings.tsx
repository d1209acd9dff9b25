/**
 * Settings → Channels → SMS: the provider the app sends text messages through — SMS Gateway for
 * Android (SMSGate), Twilio, or any gateway reached by an HTTP request (a template) — saved and
 * checked in one go, with the channel's live state, a test message, and Remove (confirmed).
 *
 * Secrets (password, auth token, header values) are write-only: the core says only that one is
 * stored ("saved"); leaving the field empty keeps it, typing replaces it (lib/sms-provider-form.ts).
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { ChannelStatusInfo, SmsProviderStatus } from '../../../../shared/domain';
import { ApiCallError, call, errorMessage } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorState } from '../../components/ErrorState';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { StatePill } from '../../components/StatePill';
import type { Tone } from '../../lib/delivery-labels';
import {
  configFrom,
  draftFrom,
  hasStoredSecret,
  HTTP_CONTENT_TYPES,
  SMS_PROVIDER_LABELS,
  statusAfterSave,
  type HttpContentType,
  type HttpMethod,
  type SmsFormErrors,
  type SmsProvider,
  type SmsProviderDraft,
} from '../../lib/sms-provider-form';
import { useEngine } from '../../stores/engine-status';
import { toastError, toastSuccess } from '../../stores/toasts';
import { TestMessageForm } from './TestMessageForm';

const CLOUD_URL = 'https://api.sms-gate.app/3rdparty/v1';
const UNCHANGED = '•••••• (unchanged)';

const STATE_LABELS: Record<ChannelStatusInfo['state'], string> = {
  ready: 'Connected',
  connecting: 'Connecting…',
  down: 'Not reachable',
  'not-configured': 'Not set up',
};

const STATE_TONES: Record<ChannelStatusInfo['state'], Tone> = {
  ready: 'success',
  connecting: 'warning',
  down: 'danger',
  'not-configured': 'neutral',
};

const PROVIDER_HINTS: Record<SmsProvider, ReactNode> = {
  smsgate: (
    <>
      An Android phone running <strong>SMS Gateway for Android</strong> (sms-gate.app) sends the texts: its local server on your network, or
      its cloud server.
    </>
  ),
  twilio: <>Texts go out through your Twilio account, from your Twilio number or Messaging Service.</>,
  http: (
    <>
      For other gateways: the app calls an address of your choice for each text. Use <code>{'{{to}}'}</code> and <code>{'{{text}}'}</code>{' '}
      where the number and the message go. Any answer 200–299 counts as sent.
    </>
  ),
};

type Load = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; saved: SmsProviderStatus | null };

export function SmsProviderSettings() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const titleId = useId();

  useEffect(() => {
    let current = true;
    call('channels.getSmsProvider', {}).then(
      (saved) => current && setLoad({ status: 'ready', saved }),
      (caught: unknown) => current && setLoad({ status: 'error', error: errorMessage(caught) }),
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  return (
    <section className="card" aria-labelledby={titleId} data-testid="settings-sms">
      <div className="card-heading-row">
        <div>
          <h2 id={titleId} className="card-title">
            SMS
          </h2>
          <p className="card-text">Text messages, for sequences that send by SMS and for “WhatsApp, else SMS”.</p>
        </div>
        <SmsStatus />
      </div>
      {load.status === 'loading' ? (
        <div aria-busy="true">
          <span className="skeleton skeleton-title" />
          <span className="skeleton skeleton-sub" />
        </div>
      ) : null}
      {load.status === 'error' ? (
        <ErrorState
          title="The SMS settings could not be loaded"
          message={load.error}
          onRetry={() => {
            setLoad({ status: 'loading' });
            setAttempt((n) => n + 1);
          }}
        />
      ) : null}
      {load.status === 'ready' ? (
        <>
          <SmsProviderForm
            key={JSON.stringify(load.saved)}
            saved={load.saved}
            onSaved={(saved) => {
              setLoad({ status: 'ready', saved });
              // Read back what the core stored (it is the truth); the form already shows it.
              setAttempt((n) => n + 1);
            }}
          />
          {load.saved !== null ? <SmsTest /> : null}
        </>
      ) : null}
    </section>
  );
}

/** The channel's live state, from `channels.list` and `channel.status` pushes. */
function SmsStatus() {
  const sms = useEngine((state) => state.channels.sms ?? null);
  if (sms === null) return null;
  const reason = sms.reason && (sms.state === 'down' || sms.state === 'connecting') ? sms.reason : null;
  return <StatePill label={STATE_LABELS[sms.state]} tone={STATE_TONES[sms.state]} state={sms.state} reason={reason} testId="sms-status" />;
}

function SmsTest() {
  const sms = useEngine((state) => state.channels.sms ?? null);
  return <TestMessageForm channel="sms" disabledReason={sms?.state === 'not-configured' ? 'Save the gateway first.' : null} />;
}

/** Field paths the form shows for a provider (anything else the server names goes above the buttons). */
function shownFields(draft: SmsProviderDraft): string[] {
  switch (draft.provider) {
    case 'smsgate':
      return ['config.baseUrl', 'config.username', 'config.password'];
    case 'twilio':
      return ['config.accountSid', 'config.authToken', 'config.from', 'config.baseUrl'];
    case 'http':
      return [
        'config.url',
        'config.method',
        'config.body',
        'config.contentType',
        ...draft.http.headers.flatMap((_, i) => [`config.headers.${i}.name`, `config.headers.${i}.value`]),
      ];
  }
}

function SmsProviderForm({ saved, onSaved }: { saved: SmsProviderStatus | null; onSaved: (saved: SmsProviderStatus | null) => void }) {
  const [draft, setDraft] = useState<SmsProviderDraft>(() => draftFrom(saved));
  const [errors, setErrors] = useState<SmsFormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const providerId = useId();
  const stored = hasStoredSecret(saved, draft.provider);
  const switching = saved !== null && saved.provider !== draft.provider;

  const edit = <P extends SmsProvider>(provider: P, patch: Partial<SmsProviderDraft[P]>) =>
    setDraft((current) => ({ ...current, [provider]: { ...current[provider], ...patch } }));

  const save = async () => {
    setFormError(null);
    const result = configFrom(draft, saved);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const status = await call('channels.configureSmsProvider', { config: result.config });
      useEngine.getState().receiveChannel(status);
      if (status.state === 'ready') toastSuccess('Saved. The gateway answered: it is ready to send.');
      else toastError(`Saved, but the gateway is ${STATE_LABELS[status.state].toLowerCase()}${status.reason ? `: ${status.reason}` : '.'}`);
      onSaved(statusAfterSave(result.config, saved));
    } catch (caught) {
      const field = caught instanceof ApiCallError ? caught.field : undefined;
      if (field !== undefined && shownFields(draft).includes(field)) setErrors({ [field]: errorMessage(caught) });
      else setFormError(`Could not save: ${errorMessage(caught)}`);
      setBusy(false);
    }
  };

  const secretLabel = (label: string, testId: string) => (
    <>
      {label}{' '}
      {stored ? (
        <span className="saved-mark" data-testid={testId}>
          <Icon name="check" />
          saved
        </span>
      ) : null}
    </>
  );

  return (
    <form
      className="settings-form sms-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void save();
      }}
    >
      <div className="field">
        <label htmlFor={providerId} className="field-label">
          Provider
        </label>
        <select
          id={providerId}
          className="input provider-select"
          value={draft.provider}
          onChange={(event) => {
            setDraft((current) => ({ ...current, provider: event.target.value as SmsProvider }));
            setErrors({});
            setFormError(null);
          }}
          data-testid="sms-provider"
        >
          {(Object.keys(SMS_PROVIDER_LABELS) as SmsProvider[]).map((provider) => (
            <option key={provider} value={provider}>
              {SMS_PROVIDER_LABELS[provider]}
            </option>
          ))}
        </select>
        <p className="field-hint">{PROVIDER_HINTS[draft.provider]}</p>
        {switching ? (
          <p className="notice notice-warning small" data-testid="sms-provider-switch">
            Saving replaces your {SMS_PROVIDER_LABELS[saved.provider]} settings, secrets included.
          </p>
        ) : null}
      </div>

      {draft.provider === 'smsgate' ? (
        <>
          <Field
            label="Gateway address"
            name="config.baseUrl"
            error={errors['config.baseUrl']}
            hint={
              <>
                Local server: <code>http://&lt;phone-ip&gt;:8080</code> (phone and computer on the same network). Cloud server:{' '}
                <button type="button" className="link-button" onClick={() => edit('smsgate', { baseUrl: CLOUD_URL })} data-testid="sms-use-cloud">
                  {CLOUD_URL}
                </button>
              </>
            }
          >
            <input
              className="input"
              type="url"
              value={draft.smsgate.baseUrl}
              onChange={(event) => edit('smsgate', { baseUrl: event.target.value })}
              placeholder="http://192.168.1.20:8080"
              autoComplete="off"
              spellCheck={false}
              maxLength={1000}
              data-testid="sms-base-url"
            />
          </Field>
          <div className="sending-grid sending-grid-two">
            <Field label="User name" name="config.username" error={errors['config.username']}>
              <input
                className="input"
                value={draft.smsgate.username}
                onChange={(event) => edit('smsgate', { username: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                maxLength={200}
                data-testid="sms-username"
              />
            </Field>
            <Field
              label={secretLabel('Password', 'sms-password-saved')}
              name="config.password"
              error={errors['config.password']}
              hint={stored ? 'Stored encrypted, never shown. Leave empty to keep it, or type a new one.' : 'As shown in the SMS Gateway app.'}
            >
              <input
                className="input"
                type="password"
                value={draft.smsgate.password}
                onChange={(event) => edit('smsgate', { password: event.target.value })}
                placeholder={stored ? UNCHANGED : ''}
                autoComplete="new-password"
                maxLength={500}
                data-testid="sms-password"
              />
            </Field>
          </div>
        </>
      ) : null}

      {draft.provider === 'twilio' ? (
        <>
          <div className="sending-grid sending-grid-two">
            <Field label="Account SID" name="config.accountSid" error={errors['config.accountSid']} hint="On your Twilio console’s start page: AC…">
              <input
                className="input"
                value={draft.twilio.accountSid}
                onChange={(event) => edit('twilio', { accountSid: event.target.value })}
                placeholder="AC…"
                autoComplete="off"
                spellCheck={false}
                maxLength={34}
                data-testid="sms-twilio-sid"
              />
            </Field>
            <Field
              label={secretLabel('Auth token', 'sms-twilio-token-saved')}
              name="config.authToken"
              error={errors['config.authToken']}
              hint={stored ? 'Stored encrypted, never shown. Leave empty to keep it, or type a new one.' : 'Next to the Account SID in the console.'}
            >
              <input
                className="input"
                type="password"
                value={draft.twilio.authToken}
                onChange={(event) => edit('twilio', { authToken: event.target.value })}
                placeholder={stored ? UNCHANGED : ''}
                autoComplete="new-password"
                maxLength={200}
                data-testid="sms-twilio-token"
              />
            </Field>
          </div>
          <div className="sending-grid sending-grid-two">
            <Field label="Send from" name="config.from" error={errors['config.from']} hint="Your Twilio number, e.g. +15017122661, or a Messaging Service SID (MG…).">
              <input
                className="input"
                value={draft.twilio.from}
                onChange={(event) => edit('twilio', { from: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                maxLength={34}
                data-testid="sms-twilio-from"
              />
            </Field>
            <Field label="API address" name="config.baseUrl" error={errors['config.baseUrl']} hint="Leave as it is unless Twilio support tells you otherwise.">
              <input
                className="input"
                type="url"
                value={draft.twilio.baseUrl}
                onChange={(event) => edit('twilio', { baseUrl: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                maxLength={1000}
                data-testid="sms-twilio-base-url"
              />
            </Field>
          </div>
        </>
      ) : null}

      {draft.provider === 'http' ? (
        <HttpTemplateFields draft={draft.http} errors={errors} stored={stored} onEdit={(patch) => edit('http', patch)} />
      ) : null}

      {formError ? (
        <p className="form-error" role="alert" data-testid="sms-form-error">
          {formError}
        </p>
      ) : null}
      <div className="form-actions">
        {saved ? (
          <button type="button" className="button button-ghost button-ghost-danger" onClick={() => setConfirmRemove(true)} disabled={busy} data-testid="sms-remove">
            <Icon name="trash" />
            Remove
          </button>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy} data-testid="sms-save">
          {busy ? 'Testing…' : 'Save & test'}
        </button>
      </div>

      {confirmRemove && saved ? (
        <ConfirmDialog
          title="Remove the SMS gateway?"
          confirmLabel="Remove"
          busyLabel="Removing…"
          onClose={() => setConfirmRemove(false)}
          onConfirm={async () => {
            const status = await call('channels.configureSmsProvider', { config: null });
            useEngine.getState().receiveChannel(status);
            toastSuccess('Removed the SMS gateway.');
            onSaved(null);
          }}
        >
          <p>
            Your {SMS_PROVIDER_LABELS[saved.provider]} settings are deleted, secrets included. Sequences that send by SMS wait until you set
            a gateway up again.
          </p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

interface HttpFieldsProps {
  draft: SmsProviderDraft['http'];
  errors: SmsFormErrors;
  stored: boolean;
  onEdit: (patch: Partial<SmsProviderDraft['http']>) => void;
}

function HttpTemplateFields({ draft, errors, stored, onEdit }: HttpFieldsProps) {
  const setHeader = (index: number, patch: { name?: string; value?: string }) =>
    onEdit({ headers: draft.headers.map((header, i) => (i === index ? { ...header, ...patch } : header)) });

  return (
    <>
      <div className="http-template-top">
        <Field label="Method" name="config.method" error={errors['config.method']}>
          <select className="input" value={draft.method} onChange={(event) => onEdit({ method: event.target.value as HttpMethod })} data-testid="sms-http-method">
            <option value="POST">POST</option>
            <option value="GET">GET</option>
          </select>
        </Field>
        <Field label="Address" name="config.url" error={errors['config.url']} hint="May contain {{to}} and {{text}}; they are URL-encoded there.">
          <input
            className="input"
            type="url"
            value={draft.url}
            onChange={(event) => onEdit({ url: event.target.value })}
            placeholder="http://192.168.1.30/send?to={{to}}&text={{text}}"
            autoComplete="off"
            spellCheck={false}
            maxLength={1000}
            data-testid="sms-http-url"
          />
        </Field>
      </div>
      {draft.method === 'POST' ? (
        <>
          <Field label="Body type" name="config.contentType" error={errors['config.contentType']}>
            <select
              className="input provider-select"
              value={draft.contentType}
              onChange={(event) => onEdit({ contentType: event.target.value as HttpContentType })}
              data-testid="sms-http-content-type"
            >
              {HTTP_CONTENT_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Body"
            name="config.body"
            error={errors['config.body']}
            hint={
              draft.contentType === 'application/json'
                ? '{{to}} and {{text}} are JSON-escaped: write them inside quotes, e.g. "text": "{{text}}".'
                : draft.contentType === 'application/x-www-form-urlencoded'
                  ? 'e.g. to={{to}}&message={{text}} — the values are form-encoded.'
                  : 'Sent as it is, with {{to}} and {{text}} filled in.'
            }
          >
            <textarea
              className="input textarea mono-input"
              rows={4}
              value={draft.body}
              onChange={(event) => onEdit({ body: event.target.value })}
              spellCheck={false}
              maxLength={10000}
              data-testid="sms-http-body"
            />
          </Field>
        </>
      ) : null}
      <fieldset className="field sending-group">
        <legend className="field-label">Headers</legend>
        {draft.headers.length === 0 ? <p className="muted small">None. Add one for an API key, e.g. Authorization.</p> : null}
        {draft.headers.map((header, index) => (
          <div key={index} className="http-header-row" data-testid="sms-http-header">
            <Field label="Name" name={`config.headers.${index}.name`} error={errors[`config.headers.${index}.name`]}>
              <input
                className="input"
                value={header.name}
                onChange={(event) => setHeader(index, { name: event.target.value })}
                placeholder="Authorization"
                autoComplete="off"
                spellCheck={false}
                maxLength={100}
                data-testid="sms-http-header-name"
              />
            </Field>
            <Field
              label={
                <>
                  Value{' '}
                  {header.saved ? (
                    <span className="saved-mark" data-testid="sms-http-header-saved">
                      <Icon name="check" />
                      saved
                    </span>
                  ) : null}
                </>
              }
              name={`config.headers.${index}.value`}
              error={errors[`config.headers.${index}.value`]}
            >
              <input
                className="input"
                type="password"
                value={header.value}
                onChange={(event) => setHeader(index, { value: event.target.value })}
                placeholder={header.saved ? UNCHANGED : ''}
                autoComplete="new-password"
                maxLength={2000}
                data-testid="sms-http-header-value"
              />
            </Field>
            <button
              type="button"
              className="icon-button icon-button-danger http-header-remove"
              onClick={() => onEdit({ headers: draft.headers.filter((_, i) => i !== index) })}
              aria-label={`Remove header ${header.name || index + 1}`}
              title="Remove"
              data-testid="sms-http-header-remove"
            >
              <Icon name="close" />
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="button button-small"
            onClick={() => onEdit({ headers: [...draft.headers, { name: '', value: '', saved: false }] })}
            disabled={draft.headers.length >= 20}
            data-testid="sms-http-header-add"
          >
            <Icon name="plus" />
            Add header
          </button>
        </div>
        <p className="field-hint">
          Header values are stored encrypted and never shown.
          {stored ? ' Left as they are, they are kept; change any header and type every value again.' : ''}
        </p>
      </fieldset>
    </>
  );
}
