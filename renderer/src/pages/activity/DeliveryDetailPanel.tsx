/**
 * One delivery in full, beside the log: the whole text as it went out, to whom, through which
 * channel, every time that matters, the error in the channel's words, and — for an `unknown`
 * delivery — the owner's two choices.
 */
import type { Delivery } from '../../../../shared/domain';
import { DeliveryStatusBadge } from '../../components/DeliveryStatusBadge';
import { Dialog } from '../../components/Dialog';
import { CHANNEL_LABELS, DELIVERY_STATUS_HINTS, receiptView } from '../../lib/delivery-labels';
import { displayName, timeIn } from '../../lib/people-format';
import { useNow } from '../../lib/use-now';
import { hrefFor } from '../../router';
import { useSettings } from '../../stores/settings';
import { readableZone } from '../settings/TimeZonePicker';

interface DeliveryDetailPanelProps {
  delivery: Delivery;
  busy: boolean;
  onSendAgain: (delivery: Delivery) => void;
  onMarkSent: (delivery: Delivery) => void;
  onClose: () => void;
}

export function DeliveryDetailPanel({ delivery, busy, onSendAgain, onMarkSent, onClose }: DeliveryDetailPanelProps) {
  const timeZone = useSettings((state) => state.settings?.timeZone ?? null);
  const nowMs = useNow();
  const at = (epochMs: number | null) => timeIn(epochMs, timeZone, nowMs) ?? '—';
  const who = displayName({ name: delivery.contactName, phone: delivery.phone });
  const receipt = receiptView(delivery.receipt);

  return (
    <Dialog
      title={delivery.messageName}
      subtitle={`To ${who} · ${delivery.sequenceName}`}
      onClose={onClose}
      size="side"
      testId="delivery-detail"
      footer={
        delivery.status === 'unknown' ? (
          <div className="detail-actions">
            <button type="button" className="button" onClick={() => onSendAgain(delivery)} disabled={busy} data-testid="delivery-send-again">
              Send again
            </button>
            <button type="button" className="button" onClick={() => onMarkSent(delivery)} disabled={busy} data-testid="delivery-mark-sent">
              {busy ? 'Saving…' : 'Mark as sent'}
            </button>
          </div>
        ) : undefined
      }
    >
      <div className="detail">
        <section className="detail-section" aria-label="Status">
          <div className="detail-status">
            <DeliveryStatusBadge status={delivery.status} />
            <span className={`chip channel-chip channel-chip-${delivery.channel}`}>{CHANNEL_LABELS[delivery.channel]}</span>
          </div>
          <p className="muted small">{DELIVERY_STATUS_HINTS[delivery.status]}</p>
          {delivery.channel === 'test' ? <p className="notice">Test mode: nothing was really sent. This is what would have gone out.</p> : null}
          {delivery.error ? (
            <p className="form-error" data-testid="delivery-detail-error">
              {delivery.error}
            </p>
          ) : null}
        </section>

        <section className="detail-section" aria-labelledby="delivery-text-title">
          <h3 id="delivery-text-title" className="detail-title">
            Text
          </h3>
          <div className="chat delivery-chat">
            <div className={`bubble${delivery.renderedText ? '' : ' bubble-empty'}`}>
              <p className="bubble-text" data-testid="delivery-detail-text">
                {delivery.renderedText || 'No text'}
              </p>
            </div>
          </div>
        </section>

        <section className="detail-section" aria-labelledby="delivery-facts-title">
          <h3 id="delivery-facts-title" className="detail-title">
            Details
          </h3>
          <dl className="facts detail-facts">
            <dt>To</dt>
            <dd>
              {delivery.contactName ? `${delivery.contactName}, ` : ''}
              {delivery.phone ?? <span className="muted">number not known (WhatsApp only)</span>}
            </dd>
            <dt>Sequence</dt>
            <dd>
              <a href={hrefFor({ page: 'sequence', id: delivery.sequenceId })}>{delivery.sequenceName}</a>
            </dd>
            <dt>Due</dt>
            <dd>{at(delivery.dueAt)}</dd>
            <dt>Sent</dt>
            <dd>{delivery.sentAt === null ? <span className="muted">Not sent</span> : at(delivery.sentAt)}</dd>
            {delivery.nextAttemptAt !== null ? (
              <>
                <dt>Next attempt</dt>
                <dd>{at(delivery.nextAttemptAt)}</dd>
              </>
            ) : null}
            {receipt ? (
              <>
                <dt>Receipt</dt>
                <dd data-testid="delivery-detail-receipt" data-receipt={delivery.receipt}>
                  <span className={`receipt receipt-${delivery.receipt ?? 'none'}`}>{receipt.label}</span>
                  {delivery.receiptAt !== null ? ` · ${at(delivery.receiptAt)}` : ''}
                  <div className="muted small">{receipt.hint}</div>
                </dd>
              </>
            ) : null}
            <dt>Attempts</dt>
            <dd>{delivery.attempts}</dd>
            {delivery.providerMessageId ? (
              <>
                <dt>Channel’s id</dt>
                <dd>
                  <code>{delivery.providerMessageId}</code>
                </dd>
              </>
            ) : null}
            <dt>Last change</dt>
            <dd>{at(delivery.updatedAt)}</dd>
          </dl>
          {timeZone ? <p className="timeline-notes">Times are in {readableZone(timeZone)}.</p> : null}
        </section>
      </div>
    </Dialog>
  );
}
