/**
 * Settings → Channels → WhatsApp: the shop's own WhatsApp, linked like WhatsApp Web.
 *
 * The card follows the core's state machine (`whatsapp.status` and its pushes): not linked →
 * Link → the QR code, redrawn as WhatsApp issues new ones → linking → connected with the number
 * and profile name, Unlink (confirmed). It also says when the phone logged this device out, when
 * no browser was found (and takes a browser path), and holds the "fall back to SMS after N
 * minutes" setting and a test message.
 */
import { useId, useState } from 'react';
import type { WhatsAppSettings as WhatsAppOptions, WhatsAppStatus } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorState } from '../../components/ErrorState';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { QrCode } from '../../components/QrCode';
import { StatePill } from '../../components/StatePill';
import { canLink, linkedAccountLabel, whatsAppStateView } from '../../lib/whatsapp-labels';
import { useSettings } from '../../stores/settings';
import { toastError, toastSuccess } from '../../stores/toasts';
import { useWhatsApp } from '../../stores/whatsapp';
import { TestMessageForm } from './TestMessageForm';

export function WhatsAppSettings({ saved }: { saved: WhatsAppOptions }) {
  const { status, error, whatsapp } = useWhatsApp();
  const titleId = useId();
  const view = whatsapp ? whatsAppStateView(whatsapp) : null;

  return (
    <section className="card" aria-labelledby={titleId} data-testid="settings-whatsapp" data-state={whatsapp?.state ?? status}>
      <div className="card-heading-row">
        <div>
          <h2 id={titleId} className="card-title">
            WhatsApp
          </h2>
          <p className="card-text">
            Sends from the shop’s own WhatsApp number, linked to this computer like WhatsApp Web. The phone stays the shop’s phone; it only
            needs to be online now and then.
          </p>
        </div>
        {whatsapp && view ? <StatePill label={view.label} tone={view.tone} state={whatsapp.state} testId="whatsapp-state" /> : null}
      </div>

      {status === 'loading' ? (
        <div aria-busy="true">
          <span className="skeleton skeleton-title" />
          <span className="skeleton skeleton-sub" />
        </div>
      ) : null}
      {status === 'error' ? (
        <ErrorState title="The WhatsApp status could not be loaded" message={error ?? ''} onRetry={() => void useWhatsApp.getState().load()} />
      ) : null}
      {status === 'ready' && whatsapp ? <WhatsAppBody whatsapp={whatsapp} /> : null}

      <div className="settings-divider" />
      <WhatsAppOptionsForm key={JSON.stringify(saved)} saved={saved} whatsapp={whatsapp} />
    </section>
  );
}

function WhatsAppBody({ whatsapp }: { whatsapp: WhatsAppStatus }) {
  const [busy, setBusy] = useState(false);
  const [confirmUnlink, setConfirmUnlink] = useState(false);

  const link = () => {
    setBusy(true);
    useWhatsApp
      .getState()
      .link()
      .catch((caught: unknown) => toastError(`Could not start WhatsApp: ${errorMessage(caught)}`))
      .finally(() => setBusy(false));
  };

  const cancel = () => {
    setBusy(true);
    useWhatsApp
      .getState()
      .unlink()
      .catch((caught: unknown) => toastError(`Could not stop linking: ${errorMessage(caught)}`))
      .finally(() => setBusy(false));
  };

  const linkButton = (label: string) => (
    <button type="button" className="button button-primary" onClick={link} disabled={busy} data-testid="whatsapp-link">
      <Icon name="link" />
      {busy ? 'Starting…' : label}
    </button>
  );

  const account = linkedAccountLabel(whatsapp.account);

  return (
    <div className="whatsapp-body">
      {whatsapp.state === 'disconnected' && whatsapp.loggedOutByPhone ? (
        <div className="notice notice-warning" role="alert" data-testid="whatsapp-logged-out">
          <p className="notice-title">The phone logged this device out — link again</p>
          <p>{whatsapp.reason ?? 'This computer was removed from the phone’s linked devices, or the session expired.'}</p>
          <p>Messages that go by WhatsApp wait until you link again.</p>
        </div>
      ) : null}

      {whatsapp.state === 'disconnected' && !whatsapp.loggedOutByPhone ? (
        <p className="card-text" data-testid="whatsapp-disconnected">
          {whatsapp.hasSession
            ? 'Linked before, but not connected now. Connect to send again; no QR code is needed.'
            : 'Not linked yet. Press Link, then scan the QR code with the shop’s phone.'}
          {/* Never linked: the core's reason only says so again. */}
          {whatsapp.reason && whatsapp.hasSession ? <span className="muted"> {whatsapp.reason}</span> : null}
        </p>
      ) : null}

      {whatsapp.state === 'starting' ? (
        <p className="whatsapp-progress" aria-live="polite" data-testid="whatsapp-starting">
          <span className="spinner" aria-hidden="true" />
          Starting WhatsApp… this takes a few seconds.
        </p>
      ) : null}

      {whatsapp.state === 'qr' ? (
        <div className="whatsapp-qr-step">
          <div className="whatsapp-qr-frame">
            {whatsapp.qr ? (
              <QrCode text={whatsapp.qr} label="QR code to link the shop’s WhatsApp" testId="whatsapp-qr" />
            ) : (
              <span className="skeleton whatsapp-qr-skeleton" aria-label="Waiting for the QR code" data-testid="whatsapp-qr-waiting" />
            )}
          </div>
          <div>
            <h3 className="sending-heading">Scan this code with the shop’s phone</h3>
            <ol className="whatsapp-steps" data-testid="whatsapp-instructions">
              <li>Open WhatsApp on the phone.</li>
              <li>
                Go to <strong>Settings → Linked devices → Link a device</strong> (on Android the Settings are under the ⋮ menu).
              </li>
              <li>Point the phone at this code.</li>
            </ol>
            <p className="muted small">The code changes every few seconds; the one shown here is always the current one.</p>
            <button type="button" className="button" onClick={cancel} disabled={busy} data-testid="whatsapp-cancel">
              Cancel
            </button>
          </div>
        </div>
      ) : null}

      {whatsapp.state === 'authenticating' ? (
        <p className="whatsapp-progress" aria-live="polite" data-testid="whatsapp-authenticating">
          <span className="spinner" aria-hidden="true" />
          Scanned. Linking… keep the phone online; this can take a minute the first time.
        </p>
      ) : null}

      {whatsapp.state === 'ready' ? (
        <dl className="facts" data-testid="whatsapp-account">
          <dt>Number</dt>
          <dd data-testid="whatsapp-account-phone">{whatsapp.account?.phone ?? <span className="muted">Not known</span>}</dd>
          <dt>Profile name</dt>
          <dd data-testid="whatsapp-account-name">{whatsapp.account?.name ?? <span className="muted">Not known</span>}</dd>
        </dl>
      ) : null}

      {whatsapp.state === 'failed' ? (
        <div className="form-error" role="alert" data-testid="whatsapp-failed">
          <p className="notice-title">{whatsapp.browser === null ? 'No Chrome, Chromium or Edge was found on this computer' : 'WhatsApp is not working'}</p>
          <p data-testid="whatsapp-reason">{whatsapp.reason ?? 'It stopped for a reason it did not say.'}</p>
          {whatsapp.browser === null ? <p>Install Google Chrome (or Chromium or Microsoft Edge), or enter where it is below, then try again.</p> : null}
        </div>
      ) : null}

      {whatsapp.state !== 'ready' && whatsapp.state !== 'qr' && account !== null ? (
        <p className="muted small" data-testid="whatsapp-last-account">
          Last linked: {account}
        </p>
      ) : null}

      <div className="form-actions form-actions-start">
        {canLink(whatsapp)
          ? linkButton(whatsapp.loggedOutByPhone ? 'Link again' : whatsapp.state === 'failed' ? 'Try again' : whatsapp.hasSession ? 'Connect' : 'Link WhatsApp')
          : null}
        {whatsapp.state === 'ready' || (whatsapp.hasSession && whatsapp.state !== 'qr') ? (
          <button
            type="button"
            className="button button-ghost button-ghost-danger"
            onClick={() => setConfirmUnlink(true)}
            disabled={busy}
            data-testid="whatsapp-unlink"
          >
            <Icon name="trash" />
            Unlink
          </button>
        ) : null}
      </div>

      {whatsapp.state === 'ready' ? <TestMessageForm channel="whatsapp" /> : null}

      {confirmUnlink ? (
        <ConfirmDialog
          title="Unlink WhatsApp?"
          confirmLabel="Unlink"
          busyLabel="Unlinking…"
          onClose={() => setConfirmUnlink(false)}
          onConfirm={async () => {
            await useWhatsApp.getState().unlink();
            toastSuccess('WhatsApp is unlinked from this computer.');
          }}
        >
          <p>
            This computer is logged out of the shop’s WhatsApp{account ? ` (${account})` : ''} and the saved session is deleted. Messages that go
            by WhatsApp wait until you link again — or go by SMS, in sequences set to “WhatsApp, else SMS”.
          </p>
          <p>Nothing changes on the phone: its chats stay as they are.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

type OptionsField = 'browserPath' | 'smsFallbackAfterMinutes';

/** Which browser drives WhatsApp, and when "WhatsApp, else SMS" sequences switch to SMS. */
function WhatsAppOptionsForm({ saved, whatsapp }: { saved: WhatsAppOptions; whatsapp: WhatsAppStatus | null }) {
  const [browserPath, setBrowserPath] = useState(saved.browserPath ?? '');
  const [minutes, setMinutes] = useState(String(saved.smsFallbackAfterMinutes));
  const [errors, setErrors] = useState<Partial<Record<OptionsField, string>>>({});
  const [busy, setBusy] = useState(false);
  const noBrowser = whatsapp?.state === 'failed' && whatsapp.browser === null;
  const changed = browserPath.trim() !== (saved.browserPath ?? '') || minutes.trim() !== String(saved.smsFallbackAfterMinutes);

  const save = async () => {
    const found: Partial<Record<OptionsField, string>> = {};
    const parsedMinutes = Number(minutes.trim());
    if (!/^\d+$/.test(minutes.trim()) || parsedMinutes < 1 || parsedMinutes > 7 * 24 * 60) {
      found.smsFallbackAfterMinutes = 'Enter a whole number of minutes from 1 to 10080 (a week).';
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await useSettings.getState().save({ whatsapp: { browserPath: browserPath.trim() === '' ? null : browserPath.trim(), smsFallbackAfterMinutes: parsedMinutes } });
      toastSuccess('Saved the WhatsApp options.');
    } catch (caught) {
      toastError(`Could not save the WhatsApp options: ${errorMessage(caught)}`);
      setBusy(false);
    }
  };

  const browserHint =
    whatsapp !== null && whatsapp.browser !== null
      ? `Now using ${whatsapp.browser.path} (${whatsapp.browser.source === 'settings' ? 'set here' : 'found on this computer'}). Leave empty to find one automatically.`
      : 'Leave empty to find Chrome, Chromium or Edge in the usual places. E.g. C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe or /usr/bin/chromium.';

  return (
    <form
      className="settings-form whatsapp-options"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (changed && !busy) void save();
      }}
      data-testid="whatsapp-options"
    >
      <h3 className="sending-heading">Options</h3>
      <div className={noBrowser ? 'field-highlight' : undefined}>
        <Field label="Browser (Chrome, Chromium or Edge)" name="whatsapp.browserPath" error={errors.browserPath} hint={browserHint}>
          <input
            className="input"
            value={browserPath}
            onChange={(event) => setBrowserPath(event.target.value)}
            placeholder="Found automatically"
            autoComplete="off"
            spellCheck={false}
            maxLength={1000}
            data-testid="whatsapp-browser-path"
          />
        </Field>
      </div>
      <Field
        label="“WhatsApp, else SMS”: switch to SMS after (minutes)"
        name="whatsapp.smsFallbackAfterMinutes"
        error={errors.smsFallbackAfterMinutes}
        hint="Sequences set to “WhatsApp, else SMS” send by SMS once WhatsApp has been down this long — and right away to numbers that are not on WhatsApp."
      >
        <input
          className="input number-input"
          type="number"
          inputMode="numeric"
          min={1}
          max={10080}
          value={minutes}
          onChange={(event) => setMinutes(event.target.value)}
          data-testid="whatsapp-fallback-minutes"
        />
      </Field>
      <div className="form-actions">
        <button type="submit" className="button" disabled={!changed || busy} data-testid="whatsapp-options-save">
          {busy ? 'Saving…' : 'Save options'}
        </button>
      </div>
    </form>
  );
}
