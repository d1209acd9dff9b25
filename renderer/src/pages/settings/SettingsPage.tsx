/** `#/settings`: the business time zone (and, for support, which app and data folder this is). */
import { useEffect, useId, useState } from 'react';
import { errorMessage } from '../../api';
import { markAppReady } from '../../app-ready';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSettings } from '../../stores/settings';
import { toastError, toastSuccess } from '../../stores/toasts';
import { readableZone, TimeZonePicker } from './TimeZonePicker';

export function SettingsPage() {
  const { status, error, settings, appInfo } = useSettings();

  useEffect(() => {
    void useSettings.getState().load();
  }, []);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  return (
    <div className="page">
      <PageHeader title="Settings" subtitle="How the app reckons time, and where it keeps its data." />
      {status === 'loading' ? (
        <div className="card" aria-busy="true">
          <span className="skeleton skeleton-title" />
          <span className="skeleton skeleton-block" />
        </div>
      ) : null}
      {status === 'error' ? (
        <ErrorState title="The settings could not be loaded" message={error ?? ''} onRetry={() => void useSettings.getState().load()} />
      ) : null}
      {status === 'ready' && settings ? (
        <>
          {/* Keyed by the stored value: after a save (here or in another window) the form starts from it. */}
          <TimeZoneCard key={settings.timeZone} saved={settings.timeZone} machineTimeZone={appInfo?.machineTimeZone ?? null} />
          {appInfo ? (
            <section className="card" aria-labelledby="about-title">
              <h2 id="about-title" className="card-title">
                About
              </h2>
              <dl className="facts">
                <dt>Version</dt>
                <dd>{appInfo.version}</dd>
                <dt>Running as</dt>
                <dd>{appInfo.shell === 'electron' ? 'Desktop app' : 'Headless server'}</dd>
                <dt>Data folder</dt>
                <dd>
                  <code>{appInfo.dataDir}</code>
                </dd>
              </dl>
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function TimeZoneCard({ saved, machineTimeZone }: { saved: string; machineTimeZone: string | null }) {
  const [zone, setZone] = useState(saved);
  const [busy, setBusy] = useState(false);
  const labelId = useId();
  const hintId = useId();
  const changed = zone !== saved;

  const save = async () => {
    setBusy(true);
    try {
      const result = await useSettings.getState().save({ timeZone: zone });
      toastSuccess(`Time zone saved: ${readableZone(result.timeZone)}.`);
    } catch (caught) {
      toastError(`Could not save the time zone: ${errorMessage(caught)}`);
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={labelId}>
      <form
        className="settings-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (changed) void save();
        }}
      >
        <h2 id={labelId} className="card-title">
          Business time zone
        </h2>
        <p id={hintId} className="card-text">
          Delays in days and exact times such as “at 09:00” are reckoned in this zone, wherever the computer is.
        </p>
        <TimeZonePicker value={zone} onChange={setZone} labelId={labelId} describedBy={hintId} />
        <div className="settings-status">
          <p>
            Selected: <strong data-testid="timezone-selected">{readableZone(zone)}</strong>
          </p>
          {machineTimeZone ? (
            <p className="muted">
              This computer is set to {readableZone(machineTimeZone)}.
              {machineTimeZone !== zone ? (
                <>
                  {' '}
                  <button type="button" className="link-button" onClick={() => setZone(machineTimeZone)} data-testid="timezone-use-machine">
                    Use it
                  </button>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
        <div className="form-actions">
          {changed ? (
            <button type="button" className="button" onClick={() => setZone(saved)} disabled={busy}>
              Undo changes
            </button>
          ) : null}
          <button type="submit" className="button button-primary" disabled={!changed || busy} data-testid="settings-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </section>
  );
}
