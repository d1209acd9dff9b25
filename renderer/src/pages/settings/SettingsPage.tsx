/**
 * `#/settings`: the business time zone and the default country for phone numbers, when and how
 * fast messages go out (Sending); the channels (`#/settings/channels`: WhatsApp, SMS, receiving
 * SMS); Sequence Auto Subscription (`#/settings/auto-subscription`); and, for support, which app
 * and data folder this is. One page, in sections: a section's address scrolls to it.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { Settings } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { markAppReady } from '../../app-ready';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSettings } from '../../stores/settings';
import { toastError, toastSuccess } from '../../stores/toasts';
import { countries, countryName } from '../../lib/countries';
import { readableZone, TimeZonePicker } from './TimeZonePicker';
import { SendingSettings } from './SendingSettings';
import { SmsProviderSettings } from './SmsProviderSettings';
import { WhatsAppSettings } from './WhatsAppSettings';
import { WebhookReceiverSettings } from './WebhookReceiverSettings';
import { AutoSubscriptionSettings } from './AutoSubscriptionSettings';
import { DataSafetySettings } from './DataSafetySettings';
import { hrefFor, type SettingsSection } from '../../router';

const SECTIONS: readonly { section: SettingsSection | undefined; label: string; testId: string }[] = [
  { section: undefined, label: 'General', testId: 'settings-tab-general' },
  { section: 'channels', label: 'Channels', testId: 'settings-tab-channels' },
  { section: 'auto-subscription', label: 'Sequence Auto Subscription', testId: 'settings-tab-auto-subscription' },
];

function sectionElementId(section: SettingsSection | undefined): string {
  return `settings-section-${section ?? 'general'}`;
}

function scrollToSection(section: SettingsSection | undefined): void {
  document.getElementById(sectionElementId(section))?.scrollIntoView({ block: 'start' });
}

export function SettingsPage({ section }: { section?: SettingsSection }) {
  const { status, error, settings, appInfo } = useSettings();

  useEffect(() => {
    void useSettings.getState().load();
  }, []);

  useEffect(() => {
    if (status !== 'loading') markAppReady();
  }, [status]);

  useEffect(() => {
    if (status === 'ready' && section !== undefined) scrollToSection(section);
  }, [status, section]);

  return (
    <div className="page">
      <PageHeader title="Settings" subtitle="How the app reckons time and reads phone numbers, when and how it sends, who joins which sequence, and where it keeps its data." />
      <nav className="section-tabs" aria-label="Settings sections">
        {SECTIONS.map((item) => (
          <a
            key={item.testId}
            className={`section-tab${item.section === section ? ' section-tab-current' : ''}`}
            href={hrefFor({ page: 'settings', section: item.section })}
            aria-current={item.section === section ? 'location' : undefined}
            // The same address again does not change the hash: scroll anyway.
            onClick={() => item.section === section && scrollToSection(item.section)}
            data-testid={item.testId}
          >
            {item.label}
          </a>
        ))}
      </nav>
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
          <span id={sectionElementId(undefined)} className="settings-anchor" aria-hidden="true" />
          {/* Keyed by the stored values: after a save (here or in another window) the form starts from them. */}
          <RegionCard
            key={`${settings.timeZone} ${settings.defaultCountry}`}
            saved={settings}
            machineTimeZone={appInfo?.machineTimeZone ?? null}
          />
          <SendingSettings key={JSON.stringify(settings.sending)} saved={settings.sending} timeZone={settings.timeZone} />

          <h2 id={sectionElementId('channels')} className="settings-section-title" data-testid="settings-section-channels">
            Channels
          </h2>
          <WhatsAppSettings saved={settings.whatsapp} />
          <SmsProviderSettings />
          <WebhookReceiverSettings />

          <h2 id={sectionElementId('auto-subscription')} className="settings-section-title" data-testid="settings-section-auto-subscription">
            Customers who write in
          </h2>
          <AutoSubscriptionSettings key={JSON.stringify(settings.inbound)} saved={settings.inbound} />
          <DataSafetySettings />

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

function RegionCard({ saved, machineTimeZone }: { saved: Settings; machineTimeZone: string | null }) {
  const [zone, setZone] = useState(saved.timeZone);
  const [country, setCountry] = useState(saved.defaultCountry);
  const [busy, setBusy] = useState(false);
  const labelId = useId();
  const hintId = useId();
  const countryId = useId();
  const countryHintId = useId();
  const changed = zone !== saved.timeZone || country !== saved.defaultCountry;
  const countryList = useMemo(() => countries(saved.defaultCountry), [saved.defaultCountry]);

  const save = async () => {
    setBusy(true);
    const patch: Partial<Settings> = {};
    if (zone !== saved.timeZone) patch.timeZone = zone;
    if (country !== saved.defaultCountry) patch.defaultCountry = country;
    try {
      const result = await useSettings.getState().save(patch);
      const parts = [
        patch.timeZone ? `time zone ${readableZone(result.timeZone)}` : null,
        patch.defaultCountry ? `default country ${countryName(result.defaultCountry)}` : null,
      ].filter((part) => part !== null);
      toastSuccess(`Saved: ${parts.join(', ')}.`);
    } catch (caught) {
      toastError(`Could not save the settings: ${errorMessage(caught)}`);
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

        <div className="settings-divider" />
        <h2 className="card-title">
          <label htmlFor={countryId}>Default country for phone numbers</label>
        </h2>
        <p id={countryHintId} className="card-text">
          A number typed or imported without “+” and a country code, such as 0151 1234567, is read as a number of this country.
        </p>
        <select
          id={countryId}
          className="input country-select"
          value={country}
          onChange={(event) => setCountry(event.target.value)}
          aria-describedby={countryHintId}
          data-testid="country-select"
        >
          {countryList.map((item) => (
            <option key={item.code} value={item.code}>
              {item.name} ({item.code})
            </option>
          ))}
        </select>

        <div className="form-actions">
          {changed ? (
            <button
              type="button"
              className="button"
              onClick={() => {
                setZone(saved.timeZone);
                setCountry(saved.defaultCountry);
              }}
              disabled={busy}
            >
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
