/**
 * How a sequence's messages go out (editor header), and what that means right now (the banner
 * under the header). A sequence never sends by a channel the owner did not pick: with none, due
 * messages wait, and the banner says so calmly.
 */
import { useId, useState } from 'react';
import type { ChannelIdName, SequenceSummary } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { Icon } from '../../components/Icon';
import { hrefFor } from '../../router';
import { useEngine } from '../../stores/engine-status';
import { useSequenceEditor } from '../../stores/sequence-editor';
import { useSequences } from '../../stores/sequences';
import { toastError, toastSuccess } from '../../stores/toasts';

const CHOSEN_TOASTS: Record<ChannelIdName, string> = {
  test: 'Test mode is on: nothing is really sent.',
  sms: 'Messages now go out through your SMS gateway.',
  whatsapp: 'Messages now go out on WhatsApp.',
};

export function ChannelPicker({ sequence }: { sequence: SequenceSummary }) {
  const [saving, setSaving] = useState(false);
  const id = useId();

  const choose = (channel: ChannelIdName | null) => {
    setSaving(true);
    useSequenceEditor
      .getState()
      .updateSequence({ channel })
      .then(
        () => {
          toastSuccess(channel === null ? 'No channel: due messages wait until you choose one.' : CHOSEN_TOASTS[channel]);
          void useSequences.getState().load();
        },
        (caught: unknown) => toastError(`Could not change how “${sequence.name}” is sent: ${errorMessage(caught)}`),
      )
      .finally(() => setSaving(false));
  };

  return (
    <div className="channel-picker">
      <label htmlFor={id} className="toolbar-label">
        Send by
      </label>
      <select
        id={id}
        className={`input channel-select${sequence.channel === null ? ' channel-select-empty' : ''}`}
        value={sequence.channel ?? ''}
        onChange={(event) => choose(event.target.value === '' ? null : (event.target.value as ChannelIdName))}
        disabled={saving}
        data-testid="sequence-channel"
      >
        <option value="">Choose how to send…</option>
        <option value="test">Test mode — nothing is really sent</option>
        <option value="sms">SMS gateway</option>
        <option value="whatsapp" disabled>
          WhatsApp (coming soon)
        </option>
      </select>
    </div>
  );
}

/** What the chosen channel means for this sequence right now; nothing when all is well. */
export function ChannelBanner({ channel }: { channel: ChannelIdName | null }) {
  const sms = useEngine((state) => state.channels.sms ?? null);

  if (channel === null) {
    return (
      <div className="channel-banner channel-banner-warning" role="status" data-testid="channel-missing-banner">
        <Icon name="clock" />
        <div>
          <p className="channel-banner-title">Messages will wait until you choose how to send them</p>
          <p>
            Pick <strong>Test mode</strong> under “Send by” to try the sequence safely — each message is recorded in Activity, nothing
            really goes out — or <strong>SMS gateway</strong> to send for real.
          </p>
        </div>
      </div>
    );
  }

  if (channel === 'test') {
    return (
      <div className="channel-banner channel-banner-info" role="status" data-testid="channel-test-banner">
        <Icon name="check" />
        <p>
          <strong>Test mode:</strong> nothing is really sent. Each message is recorded in{' '}
          <a href={hrefFor({ page: 'activity', status: null })}>Activity</a> with the text it would have had.
        </p>
      </div>
    );
  }

  if (channel === 'sms' && sms !== null && sms.state !== 'ready') {
    const notConfigured = sms.state === 'not-configured';
    return (
      <div className="channel-banner channel-banner-warning" role="status" data-testid="channel-sms-banner" data-state={sms.state}>
        <Icon name="alert" />
        <div>
          <p className="channel-banner-title">
            {notConfigured ? 'The SMS gateway is not set up yet' : sms.state === 'connecting' ? 'Connecting to the SMS gateway…' : 'The SMS gateway is not reachable'}
          </p>
          <p>
            {notConfigured ? 'Messages wait until it is. ' : `${sms.reason ?? ''} Messages wait and go out by themselves when it is back. `}
            <a href={hrefFor({ page: 'settings' })} data-testid="channel-settings-link">
              {notConfigured ? 'Set it up in Settings' : 'Check it in Settings'}
            </a>
          </p>
        </div>
      </div>
    );
  }

  return null;
}
