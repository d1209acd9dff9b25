/**
 * Settings → Channels → Receiving SMS: the small web server SMS gateways call with the texts
 * customers send (SMSGate's sms:received, Twilio's incoming message). On/off, where it listens,
 * the address the gateway should call, SMSGate's signing key (write-only), its state and counts,
 * the URL to give each gateway, and *Register with SMSGate*. Kept current by `inbound.receiver`.
 */
import { useEffect, useId, useState } from 'react';
import type { WebhookReceiverStatus } from '../../../../shared/domain';
import { ApiCallError, call, errorMessage, subscribe } from '../../api';
import { ErrorState } from '../../components/ErrorState';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { StatePill } from '../../components/StatePill';
import { Switch } from '../../components/Switch';
import type { Tone } from '../../lib/delivery-labels';
import { toastError, toastSuccess } from '../../stores/toasts';

const STATE_VIEWS: Record<WebhookReceiverStatus['state'], { label: string; tone: Tone }> = {
  off: { label: 'Off', tone: 'neutral' },
  listening: { label: 'Receiving', tone: 'success' },
  failed: { label: 'Not running', tone: 'danger' },
};

type Load = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; receiver: WebhookReceiverStatus };

export function WebhookReceiverSettings() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const titleId = useId();

  useEffect(() => {
    let current = true;
    call('inbound.getReceiver', {}).then(
      (receiver) => current && setLoad({ status: 'ready', receiver }),
      (caught: unknown) => current && setLoad({ status: 'error', error: errorMessage(caught) }),
    );
    const stop = subscribe('inbound.receiver', (receiver) => {
      if (current) setLoad({ status: 'ready', receiver });
    });
    return () => {
      current = false;
      stop();
    };
  }, [attempt]);

  const receiver = load.status === 'ready' ? load.receiver : null;
  const view = receiver ? STATE_VIEWS[receiver.state] : null;

  return (
    <section className="card" aria-labelledby={titleId} data-testid="settings-receiver">
      <div className="card-heading-row">
        <div>
          <h2 id={titleId} className="card-title">
            Receiving SMS
          </h2>
          <p className="card-text">
            So that customers who <em>text</em> the shop are subscribed, opted out (STOP) or stopped on reply, the SMS gateway passes each
            incoming text on to this computer. WhatsApp messages need none of this.
          </p>
        </div>
        {receiver && view ? <StatePill label={view.label} tone={view.tone} state={receiver.state} testId="receiver-state" /> : null}
      </div>
      {load.status === 'loading' ? (
        <div aria-busy="true">
          <span className="skeleton skeleton-title" />
          <span className="skeleton skeleton-sub" />
        </div>
      ) : null}
      {load.status === 'error' ? (
        <ErrorState
          title="The receiver settings could not be loaded"
          message={load.error}
          onRetry={() => {
            setLoad({ status: 'loading' });
            setAttempt((n) => n + 1);
          }}
        />
      ) : null}
      {receiver ? (
        <>
          {receiver.state === 'failed' ? (
            <p className="form-error card-alert" role="alert" data-testid="receiver-reason">
              {receiver.reason ?? 'It stopped for a reason it did not say.'}
            </p>
          ) : null}
          {receiver.state === 'listening' ? <ReceiverFacts receiver={receiver} /> : null}
          <ReceiverForm
            key={JSON.stringify([receiver.enabled, receiver.host, receiver.port, receiver.path, receiver.publicUrl, receiver.hasSmsGateSigningKey])}
            saved={receiver}
            onSaved={(saved) => setLoad({ status: 'ready', receiver: saved })}
          />
        </>
      ) : null}
    </section>
  );
}

function ReceiverFacts({ receiver }: { receiver: WebhookReceiverStatus }) {
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState<{ ok: boolean; message: string } | null>(null);

  const register = () => {
    setRegistering(true);
    setRegistered(null);
    call('inbound.registerSmsGateWebhook', {})
      .then(
        (result) => setRegistered(result),
        (caught: unknown) => setRegistered({ ok: false, message: errorMessage(caught) }),
      )
      .finally(() => setRegistering(false));
  };

  return (
    <div className="receiver-facts">
      <dl className="facts">
        <dt>SMSGate calls</dt>
        <dd>
          <UrlValue url={receiver.urls.smsgate} testId="receiver-url-smsgate" />
        </dd>
        <dt>Twilio calls</dt>
        <dd>
          <UrlValue url={receiver.urls.twilio} testId="receiver-url-twilio" />
        </dd>
        <dt>Received</dt>
        <dd>
          <span data-testid="receiver-received-count">{receiver.receivedCount.toLocaleString('en-GB')}</span>
          {receiver.rejectedCount > 0 ? (
            <span className="muted">
              {' '}
              · <span data-testid="receiver-rejected-count">{receiver.rejectedCount.toLocaleString('en-GB')}</span> refused (bad signature, too old
              or repeated)
            </span>
          ) : null}
        </dd>
      </dl>
      <p className="muted small">
        In Twilio: Phone Numbers → your number → Messaging → “A message comes in”: Webhook, HTTP POST, the address above. For SMSGate, press
        the button: the app registers the address with your gateway.
      </p>
      <div className="form-actions form-actions-start">
        <button type="button" className="button" onClick={register} disabled={registering || receiver.urls.smsgate === null} data-testid="receiver-register-smsgate">
          <Icon name="link" />
          {registering ? 'Registering…' : 'Register with SMSGate'}
        </button>
      </div>
      {registered ? (
        <p className={registered.ok ? 'notice' : 'form-error'} role={registered.ok ? 'status' : 'alert'} data-testid="receiver-register-result" data-ok={registered.ok}>
          {registered.message}
        </p>
      ) : null}
      <div className="settings-divider" />
    </div>
  );
}

function UrlValue({ url, testId }: { url: string | null; testId: string }) {
  if (url === null) return <span className="muted">Set the address gateways call (below) first.</span>;
  const copy = () => {
    navigator.clipboard.writeText(url).then(
      () => toastSuccess('Copied the address.'),
      (caught: unknown) => {
        console.warn('Copying failed', caught);
        toastError('Could not copy: select the address and copy it by hand.');
      },
    );
  };
  return (
    <span className="url-value">
      <code data-testid={testId}>{url}</code>
      <button type="button" className="icon-button" onClick={copy} aria-label="Copy the address" title="Copy">
        <Icon name="copy" />
      </button>
    </span>
  );
}

const FIELDS = ['host', 'port', 'path', 'publicUrl', 'smsGateSigningKey'] as const;
type ReceiverField = (typeof FIELDS)[number];

function ReceiverForm({ saved, onSaved }: { saved: WebhookReceiverStatus; onSaved: (saved: WebhookReceiverStatus) => void }) {
  const [enabled, setEnabled] = useState(saved.enabled);
  const [host, setHost] = useState(saved.host);
  const [port, setPort] = useState(String(saved.port));
  const [path, setPath] = useState(saved.path);
  const [publicUrl, setPublicUrl] = useState(saved.publicUrl ?? '');
  const [signingKey, setSigningKey] = useState('');
  const [errors, setErrors] = useState<Partial<Record<ReceiverField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const changed =
    enabled !== saved.enabled ||
    host.trim() !== saved.host ||
    port.trim() !== String(saved.port) ||
    path.trim() !== saved.path ||
    publicUrl.trim() !== (saved.publicUrl ?? '') ||
    signingKey !== '';

  const save = async () => {
    const found: Partial<Record<ReceiverField, string>> = {};
    const portNumber = Number(port.trim());
    if (!/^\d+$/.test(port.trim()) || portNumber < 1024 || portNumber > 65535) found.port = 'Use a port from 1024 to 65535, e.g. 8787.';
    if (host.trim() === '') found.host = 'Enter 0.0.0.0 (reachable on your network) or 127.0.0.1 (this computer only).';
    setErrors(found);
    setFormError(null);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const status = await call('inbound.configureReceiver', {
        config: {
          enabled,
          host: host.trim(),
          port: portNumber,
          path: path.trim(),
          publicUrl: publicUrl.trim() === '' ? null : publicUrl.trim(),
          ...(signingKey === '' ? {} : { smsGateSigningKey: signingKey }),
        },
      });
      if (!status.enabled) toastSuccess('Saved. The receiver is off.');
      else if (status.state === 'listening') toastSuccess('Saved. The receiver is running.');
      else toastError(`Saved, but the receiver is not running${status.reason ? `: ${status.reason}` : '.'}`);
      onSaved(status);
    } catch (caught) {
      const field = caught instanceof ApiCallError ? caught.field?.replace(/^config\./, '') : undefined;
      const known = FIELDS.find((name) => name === field);
      if (known !== undefined) setErrors({ [known]: errorMessage(caught) });
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
        if (changed && !busy) void save();
      }}
    >
      <div className="switch-row">
        <Switch checked={enabled} onChange={setEnabled} label="Receive SMS from the gateway" text={enabled ? 'On' : 'Off'} testId="receiver-enabled" />
        <span className="muted small">{enabled ? 'Listens for the gateway while the app runs.' : 'Incoming texts are not passed on to the app.'}</span>
      </div>
      <div className="sending-grid">
        <Field
          label="Listen on"
          name="config.host"
          error={errors.host}
          hint={
            <>
              <button type="button" className="link-button" onClick={() => setHost('0.0.0.0')}>
                0.0.0.0
              </button>{' '}
              for a phone on your Wi-Fi;{' '}
              <button type="button" className="link-button" onClick={() => setHost('127.0.0.1')}>
                127.0.0.1
              </button>{' '}
              for this computer only.
            </>
          }
        >
          <input className="input" value={host} onChange={(event) => setHost(event.target.value)} autoComplete="off" spellCheck={false} maxLength={255} data-testid="receiver-host" />
        </Field>
        <Field label="Port" name="config.port" error={errors.port}>
          <input
            className="input"
            type="number"
            inputMode="numeric"
            min={1024}
            max={65535}
            value={port}
            onChange={(event) => setPort(event.target.value)}
            data-testid="receiver-port"
          />
        </Field>
        <Field label="Path" name="config.path" error={errors.path} hint="SMSGate posts to <path>/smsgate, Twilio to <path>/twilio.">
          <input className="input" value={path} onChange={(event) => setPath(event.target.value)} autoComplete="off" spellCheck={false} maxLength={101} data-testid="receiver-path" />
        </Field>
      </div>
      <Field
        label="Address the gateway calls"
        name="config.publicUrl"
        error={errors.publicUrl}
        hint="This computer as the phone (or Twilio) reaches it, e.g. http://192.168.1.10:8787 on your Wi-Fi, or a public address that forwards here."
      >
        <input
          className="input"
          type="url"
          value={publicUrl}
          onChange={(event) => setPublicUrl(event.target.value)}
          placeholder="http://192.168.1.10:8787"
          autoComplete="off"
          spellCheck={false}
          maxLength={1000}
          data-testid="receiver-public-url"
        />
      </Field>
      <Field
        label={
          <>
            SMSGate signing key{' '}
            {saved.hasSmsGateSigningKey ? (
              <span className="saved-mark" data-testid="receiver-signing-key-saved">
                <Icon name="check" />
                saved
              </span>
            ) : null}
          </>
        }
        name="config.smsGateSigningKey"
        error={errors.smsGateSigningKey}
        hint={
          saved.hasSmsGateSigningKey
            ? 'Stored encrypted, never shown. Leave empty to keep it, or type a new one.'
            : 'In the SMS Gateway app: Settings → Webhooks → Signing key. Proves a text really comes from your gateway.'
        }
      >
        <input
          className="input"
          type="password"
          value={signingKey}
          onChange={(event) => setSigningKey(event.target.value)}
          placeholder={saved.hasSmsGateSigningKey ? '•••••• (unchanged)' : ''}
          autoComplete="new-password"
          maxLength={200}
          data-testid="receiver-signing-key"
        />
      </Field>
      {formError ? (
        <p className="form-error" role="alert" data-testid="receiver-form-error">
          {formError}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={!changed || busy} data-testid="receiver-save">
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
