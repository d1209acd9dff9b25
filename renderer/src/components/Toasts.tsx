/** The toast stack, announced politely to screen readers (errors assertively). */
import { useToasts } from '../stores/toasts';
import { Icon } from './Icon';

export function Toasts() {
  const toasts = useToasts((state) => state.toasts);
  const dismiss = useToasts((state) => state.dismiss);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} data-testid="toast" data-kind={toast.kind}>
          <Icon name={toast.kind === 'error' ? 'alert' : 'check'} className="toast-icon" />
          <span className="toast-text">{toast.text}</span>
          <button type="button" className="icon-button toast-close" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}
