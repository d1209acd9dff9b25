/**
 * How a sequence's messages go out (editor header: Send by, and Stop when the customer replies),
 * and what that means right now (the banners under the header). A sequence never sends by a
 * channel the owner did not pick: with none, due messages wait, and the banner says so calmly.
 */
import { useId, useState } from 'react';
import type { SequenceSummary } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { Icon } from '../../components/Icon';
import { Switch } from '../../components/Switch';
import { choiceOf, smsDropsMedia, updateFor, usesChannel, type ChannelChoice } from '../../lib/channel-choice';
import { whatsAppStateView } from '../../lib/whatsapp-labels';
import { hrefFor } from '../../router';
import { useEngine } from '../../stores/engine-status';
import { useSequenceEditor } from '../../stores/sequence-editor';
import { useSequences } from '../../stores/sequences';
import { useSettings } from '../../stores/settings';
import { toastError, toastSuccess } from '../../stores/toasts';
import { useWhatsApp } from '../../stores/whatsapp';

const CHOSEN_TOASTS: Record<ChannelChoice, string> = {
  none: 'No channel: due messages wait until you choose one.',
  test: 'Test mode is on: nothing is really sent.',
  sms: 'Messages now go out through your SMS gateway.',
  whatsapp: 'Messages now go out on WhatsApp.',
  'whatsapp-sms': 'Messages now go out on WhatsApp, or by SMS to numbers not on WhatsApp and while WhatsApp is down.',
};

const CHANNELS_HREF = hrefFor({ page: 'settings', section: 'channels' });

export function ChannelPicker({ sequence }: { sequence: SequenceSummary }) {
  const [saving, setSaving] = useState(false);
  const whatsapp = useWhatsApp((state) => state.whatsapp);
  const id = useId();
  const choice = choiceOf(sequence);
  const whatsappView = whatsapp ? whatsAppStateView(whatsapp) : null;

  const choose = (next: ChannelChoice) => {
    setSaving(true);
    useSequenceEditor
      .getState()
      .updateSequence(updateFor(next))
      .then(
        () => {
          toastSuccess(CHOSEN_TOASTS[next]);
          void useSequences.getState().load();
        },
        (caught: unknown) => toastError(`Could not change how “${sequence.name}” is sent: ${errorMessage(caught)}`),
      )
      .finally(() => setSaving(false));
  };

  const whatsappSuffix = whatsappView ? ` (${whatsappView.short})` : '';

  return (
    <div className="channel-picker">
      <label htmlFor={id} className="toolbar-label">
        Send by
      </label>
      <select
        id={id}
        className={`input channel-select${choice === 'none' ? ' channel-select-empty' : ''}`}
        // "No channel" keeps the empty value it always had (tests and the old picker chose '').
        value={choice === 'none' ? '' : choice}
        onChange={(event) => choose(event.target.value === '' ? 'none' : (event.target.value as ChannelChoice))}
        disabled={saving}
        data-testid="sequence-channel"
        data-choice={choice}
        data-whatsapp-state={whatsapp?.state}
        title={whatsappView ? `WhatsApp: ${whatsappView.label}` : undefined}
      >
        <option value="">Choose how to send…</option>
        <option value="test">Test mode — nothing is really sent</option>
        <option value="whatsapp">WhatsApp{whatsappSuffix}</option>
        <option value="whatsapp-sms">WhatsApp, else SMS{whatsappSuffix}</option>
        <option value="sms">SMS</option>
      </select>
    </div>
  );
}

/** Per sequence: any reply from the customer (other than STOP/START) ends their subscription. */
export function StopOnReplyToggle({ sequence }: { sequence: SequenceSummary }) {
  const [saving, setSaving] = useState(false);
  const change = (stopOnReply: boolean) => {
    setSaving(true);
    useSequenceEditor
      .getState()
      .updateSequence({ stopOnReply })
      .then(
        () =>
          toastSuccess(
            stopOnReply
              ? `A customer who replies gets nothing more from “${sequence.name}”.`
              : `Replies no longer stop “${sequence.name}”: the messages keep coming until the end.`,
          ),
        (caught: unknown) => toastError(`Could not change it: ${errorMessage(caught)}`),
      )
      .finally(() => setSaving(false));
  };
  return (
    <span className="stop-on-reply" title="Any message from the customer, other than STOP or START, ends their subscription; the timeline says why.">
      <Switch
        checked={sequence.stopOnReply}
        label={`Stop when the customer replies: ${sequence.name}`}
        text="Stop on reply"
        onChange={change}
        disabled={saving}
        testId="sequence-stop-on-reply"
      />
    </span>
  );
}

/** What the chosen channel means for this sequence right now; nothing when all is well. */
export function ChannelBanner({ sequence, hasMedia }: { sequence: SequenceSummary; hasMedia: boolean }) {
  const sms = useEngine((state) => state.channels.sms ?? null);
  const whatsapp = useWhatsApp((state) => state.whatsapp);
  const fallbackMinutes = useSettings((state) => state.settings?.whatsapp.smsFallbackAfterMinutes ?? null);
  const { channel } = sequence;
  const dropsMedia = hasMedia ? smsDropsMedia(sequence) : null;

  if (channel === null) {
    return (
      <div className="channel-banner channel-banner-warning" role="status" data-testid="channel-missing-banner">
        <Icon name="clock" />
        <div>
          <p className="channel-banner-title">Messages will wait until you choose how to send them</p>
          <p>
            Pick <strong>Test mode</strong> under “Send by” to try the sequence safely — each message is recorded in Activity, nothing
            really goes out — or <strong>WhatsApp</strong> or <strong>SMS</strong> to send for real.
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

  const banners = [];

  if (channel === 'whatsapp' && whatsapp !== null && whatsapp.state !== 'ready') {
    const view = whatsAppStateView(whatsapp);
    const linking = whatsapp.state === 'starting' || whatsapp.state === 'qr' || whatsapp.state === 'authenticating';
    const title = linking ? 'WhatsApp is being linked' : whatsapp.loggedOutByPhone ? 'The phone logged WhatsApp out on this computer' : `WhatsApp: ${view.label.toLowerCase()}`;
    banners.push(
      <div key="whatsapp" className="channel-banner channel-banner-warning" role="status" data-testid="channel-whatsapp-banner" data-state={whatsapp.state}>
        <Icon name="alert" />
        <div>
          <p className="channel-banner-title">{title}</p>
          <p>
            Messages wait and go out by themselves once it is connected.
            {sequence.smsFallback ? ` After ${fallbackMinutes ?? 'a few'} minutes they go by SMS instead.` : ''}{' '}
            <a href={CHANNELS_HREF} data-testid="channel-settings-link">
              {linking ? 'Follow it in Settings' : 'Link it in Settings'}
            </a>
          </p>
        </div>
      </div>,
    );
  }

  if (usesChannel(sequence, 'sms') && sms !== null && sms.state !== 'ready') {
    const notConfigured = sms.state === 'not-configured';
    const fallbackOnly = channel === 'whatsapp';
    banners.push(
      <div key="sms" className="channel-banner channel-banner-warning" role="status" data-testid="channel-sms-banner" data-state={sms.state}>
        <Icon name="alert" />
        <div>
          <p className="channel-banner-title">
            {notConfigured ? 'The SMS gateway is not set up yet' : sms.state === 'connecting' ? 'Connecting to the SMS gateway…' : 'The SMS gateway is not reachable'}
          </p>
          <p>
            {fallbackOnly
              ? 'Messages that would go by SMS (numbers not on WhatsApp, or WhatsApp down too long) wait until it is. '
              : notConfigured
                ? 'Messages wait until it is. '
                : `${sms.reason ?? ''} Messages wait and go out by themselves when it is back. `}
            <a href={CHANNELS_HREF} data-testid={channel === 'sms' ? 'channel-settings-link' : 'channel-sms-settings-link'}>
              {notConfigured ? 'Set it up in Settings' : 'Check it in Settings'}
            </a>
          </p>
        </div>
      </div>,
    );
  }

  if (dropsMedia !== null) {
    banners.push(
      <div key="media" className="channel-banner channel-banner-info" role="status" data-testid="channel-sms-media-banner" data-when={dropsMedia}>
        <Icon name="paperclip" />
        <p>
          <strong>SMS carries text only: the attachment is not sent.</strong>{' '}
          {dropsMedia === 'always'
            ? 'Messages with an attachment go out as their text alone.'
            : 'A message that goes by SMS instead of WhatsApp goes out as its text alone.'}
        </p>
      </div>,
    );
  }

  return banners.length > 0 ? <>{banners}</> : null;
}
