/**
 * The strip at the top of every page: is the app sending (and if not, why), when the next message
 * goes out, how many went out today against the cap, the linked WhatsApp's state, deliveries
 * waiting for the owner's decision, and Pause all / Resume. Kept current by `engine.status` pushes (see stores/engine-status.ts).
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../api';
import { engineStateView, sentTodayLabel } from '../lib/delivery-labels';
import { friendlyTime } from '../lib/friendly-time';
import { useNow } from '../lib/use-now';
import { hrefFor } from '../router';
import { whatsAppStateView } from '../lib/whatsapp-labels';
import { startEngineSync, useEngine } from '../stores/engine-status';
import { useWhatsApp } from '../stores/whatsapp';
import { useSettings } from '../stores/settings';
import { toastError, toastSuccess } from '../stores/toasts';
import { ConfirmDialog } from './ConfirmDialog';
import { Icon } from './Icon';

export function EngineStatusBar() {
  const { status, engine } = useEngine();
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const [confirmPause, setConfirmPause] = useState(false);
  const [resuming, setResuming] = useState(false);
  const nowMs = useNow(30_000);

  useEffect(() => startEngineSync(), []);

  const resume = () => {
    setResuming(true);
    useEngine
      .getState()
      .resumeAll()
      .then(
        () => toastSuccess('Sending again. Messages that fell due while paused go out now, paced.'),
        (caught: unknown) => toastError(`Could not resume sending: ${errorMessage(caught)}`),
      )
      .finally(() => setResuming(false));
  };

  if (status === 'loading' || (status === 'ready' && !engine)) {
    return (
      <div className="engine-bar" aria-busy="true" data-testid="engine-status-bar" data-state="loading">
        <span className="skeleton engine-skeleton" />
      </div>
    );
  }

  if (status === 'error' || !engine) {
    return (
      <div className="engine-bar" data-testid="engine-status-bar" data-state="error">
        <span className="engine-state engine-tone-neutral">
          <span className="engine-dot" aria-hidden="true" />
          Sending status unavailable
        </span>
        <button type="button" className="link-button engine-retry" onClick={() => void useEngine.getState().load()}>
          Try again
        </button>
      </div>
    );
  }

  const view = engineStateView(engine);
  const nextSend = engine.nextSendAt !== null && timeZone !== null ? friendlyTime(engine.nextSendAt, nowMs, timeZone) : null;

  return (
    <div className="engine-bar" data-testid="engine-status-bar" data-state={engine.state} data-paused-by-owner={engine.pausedByOwner}>
      <span className={`engine-state engine-tone-${view.tone}`} aria-live="polite" data-testid="engine-state">
        <span className="engine-dot" aria-hidden="true" />
        {view.label}
      </span>
      {engine.detail ? (
        <span className="engine-detail" title={engine.detail} data-testid="engine-detail">
          {engine.detail}
        </span>
      ) : null}
      <span className="engine-facts">
        <WhatsAppFact />
        {nextSend !== null && engine.state !== 'paused' ? (
          <span className="engine-fact" data-testid="engine-next-send">
            <Icon name="clock" />
            Next send {nextSend}
          </span>
        ) : null}
        <span className="engine-fact" data-testid="engine-sent-today">
          <Icon name="send" />
          {sentTodayLabel(engine.sentToday, engine.dailyCap)}
        </span>
      </span>
      {engine.unknownDeliveries > 0 ? (
        <a className="engine-alert" href={hrefFor({ page: 'activity', status: 'unknown' })} data-testid="engine-unknown-link">
          <Icon name="alert" />
          {engine.unknownDeliveries === 1 ? '1 delivery needs your decision' : `${engine.unknownDeliveries.toLocaleString('en-GB')} deliveries need your decision`}
        </a>
      ) : null}
      <span className="engine-actions">
        {engine.pausedByOwner ? (
          <button type="button" className="button button-small button-primary" onClick={resume} disabled={resuming} data-testid="engine-resume-all">
            <Icon name="play" />
            {resuming ? 'Resuming…' : 'Resume'}
          </button>
        ) : (
          <button type="button" className="button button-small" onClick={() => setConfirmPause(true)} data-testid="engine-pause-all">
            <Icon name="pause" />
            Pause all
          </button>
        )}
      </span>

      {confirmPause ? (
        <ConfirmDialog
          title="Pause all sending?"
          confirmLabel="Pause all"
          busyLabel="Pausing…"
          onClose={() => setConfirmPause(false)}
          onConfirm={async () => {
            await useEngine.getState().pauseAll();
            toastSuccess('Sending is paused. Nothing goes out until you resume.');
          }}
        >
          <p>Nothing is sent on any channel until you press Resume. Your sequences and subscribers stay as they are.</p>
          <p>Messages that fall due meanwhile wait, and go out paced when you resume — unless they are later than your catch-up setting allows.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

/** The linked WhatsApp's state in a word, linking to its settings; nothing while unknown. */
function WhatsAppFact() {
  const whatsapp = useWhatsApp((state) => state.whatsapp);
  if (whatsapp === null) return null;
  const view = whatsAppStateView(whatsapp);
  return (
    <a
      className={`engine-fact engine-whatsapp engine-tone-${view.tone}`}
      href={hrefFor({ page: 'settings', section: 'channels' })}
      title={whatsapp.reason ?? `WhatsApp: ${view.label}`}
      data-testid="engine-whatsapp"
      data-state={whatsapp.state}
    >
      <span className="engine-dot" aria-hidden="true" />
      WhatsApp: {view.short}
    </a>
  );
}
