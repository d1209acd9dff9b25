/** A channel's (or the receiver's) state as a coloured pill: "Connected", "Not reachable: …". */
import type { Tone } from '../lib/delivery-labels';

interface StatePillProps {
  label: string;
  tone: Tone;
  /** The machine-readable state, for tests and styles. */
  state: string;
  reason?: string | null;
  testId?: string;
}

export function StatePill({ label, tone, state, reason, testId }: StatePillProps) {
  return (
    <p className={`channel-status channel-status-${tone}`} role="status" data-testid={testId} data-state={state} title={reason ?? undefined}>
      <span className="status-dot" aria-hidden="true" />
      <span>
        {label}
        {reason ? <span className="channel-status-reason">: {reason}</span> : null}
      </span>
    </p>
  );
}
