/** A load that failed: the reason in plain words and a way to try again. */
import { Icon } from './Icon';

export function ErrorState({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <div className="error-state" role="alert" data-testid="error-state">
      <Icon name="alert" className="error-state-icon" />
      <div>
        <h2 className="error-state-title">{title}</h2>
        <p className="error-state-text">{message}</p>
        {onRetry ? (
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        ) : null}
      </div>
    </div>
  );
}
