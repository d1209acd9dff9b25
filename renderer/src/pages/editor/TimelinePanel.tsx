/** "If someone subscribes now:" — when each enabled message would go out, in the business zone. */
import type { SchedulePreview } from '../../../../shared/domain';
import { friendlyTime } from '../../lib/friendly-time';

interface TimelinePanelProps {
  preview: SchedulePreview | null;
  error: string | null;
  active: boolean;
  hasDisabled: boolean;
}

export function TimelinePanel({ preview, error, active, hasDisabled }: TimelinePanelProps) {
  return (
    <aside className="card timeline" aria-labelledby="timeline-title" data-testid="timeline">
      <h2 id="timeline-title" className="card-title">
        Timeline
      </h2>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : preview === null ? (
        <div className="timeline-loading" aria-busy="true">
          <span className="skeleton skeleton-sub" />
          <span className="skeleton skeleton-sub" />
        </div>
      ) : preview.items.length === 0 ? (
        <p className="muted">Once the sequence has messages, this shows when each one would be sent.</p>
      ) : (
        <>
          <p className="timeline-intro">If someone subscribes now:</p>
          <ol className="timeline-list">
            {preview.items.map((item) => (
              <li key={item.messageId} className="timeline-item" data-testid="timeline-item" data-message-id={item.messageId}>
                <span className="timeline-dot" aria-hidden="true" />
                <span className="timeline-name">{item.name}</span>
                <time className="timeline-time" dateTime={new Date(item.dueAt).toISOString()}>
                  {friendlyTime(item.dueAt, preview.subscribedAt, preview.timeZone)}
                </time>
              </li>
            ))}
          </ol>
        </>
      )}
      <div className="timeline-notes">
        {preview ? <p>Times are in {preview.timeZone.replace(/_/g, ' ')} (change it in Settings).</p> : null}
        {hasDisabled ? <p>Messages that are turned off are skipped.</p> : null}
        {active ? null : <p className="timeline-paused">This sequence is paused: nothing is sent until you turn it on.</p>}
      </div>
    </aside>
  );
}
