/**
 * Settings → SMS gateway: the address, user name and password of "SMS Gateway for Android"
 * (local server on the phone, or its cloud server), saved and tested in one go, and the channel's
 * live state. The password is write-only: the core never returns it, only whether one is stored;
 * since every save sends the whole configuration, it has to be typed again to change anything.
 */
import { useEffect, useId, useState } from 'react';
import type { ChannelStatusInfo, SmsGateStatus } from '../../../../shared/domain';
import { ApiCallError, call, errorMessage } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorState } from '../../components/ErrorState';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { useEngine } from '../../stores/engine-status';
import { toastError, toastSuccess } from '../../stores/toasts';

const CLOUD_URL = 'https://api.sms-gate.app/3rdparty/v1';
const FIELDS = ['baseUrl', 'username', 'password'] as const;
type SmsField = (typeof FIELDS)[number];

const STATE_LABELS: Record<ChannelStatusInfo['state'], string> = {
  ready: 'Connected',
  connecting: 'Connecting…',
  down: 'Not reachable',
  'not-configured': 'Not set up',
};

const STATE_TONES: Record<ChannelStatusInfo['state'], string> = {
  ready: 'success',
  connecting: 'warning',
  down: 'danger',
  'not-configured': 'neutral',
};

type Load = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; config: SmsGateStatus | null };

export function SmsGatewaySettings() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const titleId = useId();

  useEffect(() => {
    let current = true;
    call('channels.getSmsProvider', {}).then(
      (config) => current && setLoad({ status: 'ready', config: config?.provider === 'smsgate' ? config : null }),
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
            SMS gateway
          </h2>
          <p className="card-text">
            Sends text messages through an Android phone running <strong>SMS Gateway for Android</strong> (sms-gate.app): its local
            server on your network, or its cloud server.
          </p>
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
        <ErrorState title="The SMS gateway settings could not be loaded" message={load.error} onRetry={() => setAttempt((n) => n + 1)} />
      ) : null}
      {load.status === 'ready' ? (
        <SmsGatewayForm
          key={JSON.stringify(load.config)}
          saved={load.config}
          onSaved={(config) => setLoad({ status: 'ready', config })}
        />
      ) : null}
    </section>
  );
}

/** The channel's live state, from `channels.list` and `channel.status` pushes. */
function SmsStatus() {
  const sms = useEngine((state) => state.channels.sms ?? null);
  if (sms === null) return null;
  return (
    <p className={`channel-status channel-status-${STATE_TONES[sms.state]}`} role="status" data-testid="sms-status" data-state={sms.state}>
      <span className="status-dot" aria-hidden="true" />
      <span>
        {STATE_LABELS[sms.state]}
        {sms.reason && (sms.state === 'down' || sms.state === 'connecting') ? <span className="channel-status-reason">: {sms.reason}</span> : null}
      </span>
    </p>
  );
}

function SmsGatewayForm({ saved, onSaved }: { saved: SmsGateStatus | null; onSaved: (config: SmsGateStatus | null) => void }) {
  const [baseUrl, setBaseUrl] = useState(saved?.baseUrl ?? '');
  const [username, setUsername] = useState(saved?.username ?? '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Partial<Record<SmsField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const hasPassword = saved?.hasPassword ?? false;

  const validate = (): Partial<Record<SmsField, string>> => {
    const found: Partial<Record<SmsField, string>> = {};
    if (!/^https?:\/\/\S+$/i.test(baseUrl.trim())) found.baseUrl = 'Enter the gateway address, e.g. http://192.168.1.20:8080';
    if (username.trim() === '') found.username = 'Enter the user name shown in the SMS Gateway app.';
    if (password === '') {
      found.password = hasPassword
        ? 'Type the password again to save: it is stored encrypted and never shown, so each save needs it.'
        : 'Enter the password shown in the SMS Gateway app.';
    }
    return found;
  };

  const save = async () => {
    const found = validate();
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const status = await call('channels.configureSmsProvider', { config: { provider: 'smsgate', baseUrl: baseUrl.trim(), username: username.trim(), password } });
      useEngine.getState().receiveChannel(status);
      if (status.state === 'ready') toastSuccess('Saved. The SMS gateway answered: it is ready to send.');
      else toastError(`Saved, but the gateway is ${STATE_LABELS[status.state].toLowerCase()}${status.reason ? `: ${status.reason}` : '.'}`);
      onSaved({ baseUrl: baseUrl.trim(), username: username.trim(), hasPassword: true });
    } catch (caught) {
      const field = caught instanceof ApiCallError ? caught.field?.replace(/^config\./, '') : undefined;
      if (field !== undefined && (FIELDS as readonly string[]).includes(field)) setErrors({ [field]: errorMessage(caught) });
      else setFormError(`Could not save: ${errorMessage(caught)}`);
      setBusy(false);
    }
  };

  return (
    <form
      className="settings-form sms-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void save();
      }}
    >
      <Field
        label="Gateway address"
        name="config.baseUrl"
        error={errors.baseUrl}
        hint={
          <>
            Local server: <code>http://&lt;phone-ip&gt;:8080</code> (phone and computer on the same network). Cloud server:{' '}
            <button type="button" className="link-button" onClick={() => setBaseUrl(CLOUD_URL)} data-testid="sms-use-cloud">
              {CLOUD_URL}
            </button>
          </>
        }
      >
        <input
          className="input"
          type="url"
          value={baseUrl}
          onChange={(event) => setBaseUrl(event.target.value)}
          placeholder="http://192.168.1.20:8080"
          autoComplete="off"
          spellCheck={false}
          maxLength={500}
          data-testid="sms-base-url"
        />
      </Field>
      <div className="sending-grid sending-grid-two">
        <Field label="User name" name="config.username" error={errors.username}>
          <input
            className="input"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            maxLength={200}
            data-testid="sms-username"
          />
        </Field>
        <Field
          label={
            <>
              Password{' '}
              {hasPassword ? (
                <span className="saved-mark" data-testid="sms-password-saved">
                  <Icon name="check" />
                  saved
                </span>
              ) : null}
            </>
          }
          name="config.password"
          error={errors.password}
          hint={hasPassword ? 'Stored encrypted, never shown. Type it again to save a change.' : 'As shown in the SMS Gateway app.'}
        >
          <input
            className="input"
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            placeholder={hasPassword ? '•••••• (unchanged)' : ''}
            autoComplete="new-password"
            maxLength={500}
            data-testid="sms-password"
          />
        </Field>
      </div>
      {formError ? (
        <p className="form-error" role="alert">
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

      {confirmRemove ? (
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
          <p>Its address, user name and password are deleted. Sequences that send by SMS wait until you set a gateway up again.</p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}
