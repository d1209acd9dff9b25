/**
 * One subscriber, in a panel beside the list: who they are, their attributes, where they are in
 * the sequence (the timeline: what was sent, skipped or failed, and what is planned when, in the
 * business time zone), and pause / resume / unsubscribe / remove.
 */
import { useEffect, useState } from 'react';
import type { TimelineEntry } from '../../../../shared/domain';
import { errorMessage } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Dialog } from '../../components/Dialog';
import { ErrorState } from '../../components/ErrorState';
import { Icon } from '../../components/Icon';
import { StatusBadge } from '../../components/StatusBadge';
import { CHANNEL_LABELS, receiptView } from '../../lib/delivery-labels';
import { displayName, timeIn } from '../../lib/people-format';
import { useNow } from '../../lib/use-now';
import { useSettings } from '../../stores/settings';
import { useSubscriberDetail } from '../../stores/subscriber-detail';
import { toastError, toastSuccess } from '../../stores/toasts';
import { readableZone } from '../settings/TimeZonePicker';

const ENTRY_LABELS: Record<TimelineEntry['status'], string> = {
  sent: 'Sent',
  scheduled: 'Scheduled',
  pending: 'Waiting — paused',
  skipped: 'Skipped',
  failed: 'Failed',
  unknown: 'Outcome unknown',
  disabled: 'Turned off',
  cancelled: 'Will not be sent',
};

const SOURCE_LABELS = { manual: 'added by hand', auto: 'subscribed when they wrote to you', import: 'imported from a CSV file' } as const;

type Confirm = 'unsubscribe' | 'remove' | null;

export function SubscriberDetailPanel({ id, onClose }: { id: number; onClose: () => void }) {
  const { status, error, detail } = useSubscriberDetail();
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [acting, setActing] = useState(false);
  const nowMs = useNow();

  useEffect(() => {
    void useSubscriberDetail.getState().open(id);
    return () => useSubscriberDetail.getState().close();
  }, [id]);

  const store = useSubscriberDetail.getState;
  const who = detail ? displayName(detail.subscriber) : 'This subscriber';

  const act = (action: 'pause' | 'resume', done: string) => {
    setActing(true);
    const run = action === 'pause' ? store().pause : store().resume;
    run()
      .then(
        () => toastSuccess(done),
        (caught: unknown) => toastError(`Could not ${action} ${who}: ${errorMessage(caught)}`),
      )
      .finally(() => setActing(false));
  };

  const subscriber = detail?.subscriber;
  const live = subscriber?.status === 'active' || subscriber?.status === 'paused';

  return (
    <Dialog
      title={detail ? who : 'Subscriber'}
      subtitle={detail ? `${detail.contact.phone ?? 'WhatsApp only'} · ${detail.sequenceName}` : undefined}
      onClose={onClose}
      size="side"
      testId="subscriber-detail"
      footer={
        subscriber ? (
          <div className="detail-actions">
            {subscriber.status === 'paused' ? (
              <button type="button" className="button" onClick={() => act('resume', `Resumed ${who}.`)} disabled={acting} data-testid="subscriber-resume">
                <Icon name="play" />
                Resume
              </button>
            ) : (
              <button
                type="button"
                className="button"
                onClick={() => act('pause', `${who} is paused: nothing goes out to them until you resume.`)}
                disabled={acting || subscriber.status !== 'active'}
                data-testid="subscriber-pause"
              >
                <Icon name="pause" />
                Pause
              </button>
            )}
            <button type="button" className="button" onClick={() => setConfirm('unsubscribe')} disabled={acting || !live} data-testid="subscriber-unsubscribe">
              <Icon name="user-x" />
              Unsubscribe
            </button>
            <button
              type="button"
              className="button button-ghost button-ghost-danger detail-remove"
              onClick={() => setConfirm('remove')}
              disabled={acting}
              data-testid="subscriber-remove"
            >
              <Icon name="trash" />
              Remove from sequence
            </button>
          </div>
        ) : undefined
      }
    >
      {status === 'loading' ? (
        <div className="detail-loading" aria-busy="true">
          <span className="skeleton skeleton-title" />
          <span className="skeleton skeleton-block" />
        </div>
      ) : null}
      {status === 'error' ? <ErrorState title="This subscriber could not be shown" message={error ?? ''} onRetry={() => void store().open(id)} /> : null}
      {status === 'ready' && detail && subscriber ? (
        <div className="detail">
          <section className="detail-section" aria-label="Status">
            <div className="detail-status">
              <StatusBadge status={subscriber.status} />
              <span className="muted small">
                {SOURCE_LABELS[subscriber.source]}, {timeIn(subscriber.subscribedAt, timeZone, nowMs) ?? ''}
              </span>
            </div>
            {subscriber.endReason !== null && subscriber.status !== 'active' && subscriber.status !== 'paused' ? (
              <p className="notice" data-testid="subscriber-end-reason">
                {subscriber.endReason}
              </p>
            ) : null}
            {detail.contact.optedOutAt !== null ? (
              <p className="notice notice-warning" data-testid="subscriber-opted-out">
                Opted out {timeIn(detail.contact.optedOutAt, timeZone, nowMs)}: the shop sends them nothing, in any sequence.
              </p>
            ) : null}
          </section>

          <section className="detail-section" aria-labelledby="detail-contact-title">
            <h3 id="detail-contact-title" className="detail-title">
              Contact
            </h3>
            <dl className="facts detail-facts" data-testid="subscriber-attributes">
              <dt>Name</dt>
              <dd>{detail.contact.name || <span className="muted">No name</span>}</dd>
              <dt>Phone</dt>
              <dd data-testid="subscriber-phone">{detail.contact.phone ?? <span className="muted">Not known — they wrote on WhatsApp without sharing their number</span>}</dd>
              {detail.contact.whatsappStatus !== null ? (
                <>
                  <dt>WhatsApp</dt>
                  <dd data-testid="subscriber-whatsapp-status">{detail.contact.whatsappStatus === 'on' ? 'On WhatsApp' : 'Not on WhatsApp'}</dd>
                </>
              ) : null}
              {Object.entries(detail.contact.attributes).map(([key, value]) => (
                <AttributeFact key={key} name={key} value={value} />
              ))}
            </dl>
            {Object.keys(detail.contact.attributes).length === 0 ? <p className="muted small">No attributes.</p> : null}
          </section>

          <section className="detail-section" aria-labelledby="detail-timeline-title">
            <h3 id="detail-timeline-title" className="detail-title">
              Timeline
            </h3>
            {detail.timeline.length === 0 ? (
              <p className="muted">This sequence has no messages yet.</p>
            ) : (
              <ol className="timeline-list subscriber-timeline" data-testid="subscriber-timeline">
                {detail.timeline.map((entry) => {
                  const receipt = entry.status === 'sent' ? receiptView(entry.receipt) : null;
                  return (
                    <li key={entry.messageId} className={`timeline-item timeline-entry entry-${entry.status}`} data-testid="timeline-entry" data-status={entry.status} data-receipt={entry.receipt ?? undefined}>
                      <span className="timeline-dot" aria-hidden="true" />
                      <span className="timeline-name">
                        {entry.position}. {entry.name}
                      </span>
                      <span className="timeline-time">
                        <span className="entry-status">{receipt ? receipt.label : ENTRY_LABELS[entry.status]}</span>
                        {entry.channel !== null && entry.channel !== 'test' ? <span className="muted"> · {CHANNEL_LABELS[entry.channel]}</span> : null}
                        {entry.at !== null ? (
                          <>
                            {' · '}
                            <time dateTime={new Date(entry.at).toISOString()}>{timeIn(entry.at, timeZone, nowMs)}</time>
                          </>
                        ) : null}
                        {entry.error ? <span className="entry-error">{entry.error}</span> : null}
                      </span>
                    </li>
                  );
                })}
              </ol>
            )}
            {timeZone ? <p className="timeline-notes">Times are in {readableZone(timeZone)}.</p> : null}
          </section>
        </div>
      ) : null}

      {confirm === 'unsubscribe' ? (
        <ConfirmDialog
          title={`Unsubscribe ${who}?`}
          confirmLabel="Unsubscribe"
          busyLabel="Unsubscribing…"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await store().unsubscribe();
            toastSuccess(`${who} is unsubscribed from “${detail?.sequenceName ?? 'the sequence'}”.`);
          }}
        >
          <p>Nothing more from “{detail?.sequenceName}” goes out to them. They stay in the list with what they already received.</p>
        </ConfirmDialog>
      ) : null}
      {confirm === 'remove' ? (
        <ConfirmDialog
          title={`Remove ${who} from the sequence?`}
          confirmLabel="Remove"
          busyLabel="Removing…"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await store().remove();
            toastSuccess(`Removed ${who} from “${detail?.sequenceName ?? 'the sequence'}”.`);
            onClose();
          }}
        >
          <p>
            Their place in “{detail?.sequenceName}” and its history are deleted; nothing more goes out to them from it. The contact stays in
            your contacts. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </Dialog>
  );
}

function AttributeFact({ name, value }: { name: string; value: string }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{value || <span className="muted">(empty)</span>}</dd>
    </>
  );
}
