/** An on/off switch (role=switch): Space/Enter toggle it like any button. */
interface SwitchProps {
  checked: boolean;
  onChange: (checked: boolean) => void;
  /** What it switches, for screen readers, e.g. "Active: Welcome series". */
  label: string;
  /** Visible text beside the switch; the accessible name comes from `label` either way. */
  text?: string;
  disabled?: boolean;
  testId?: string;
}

export function Switch({ checked, onChange, label, text, disabled = false, testId }: SwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      className={`switch${checked ? ' switch-on' : ''}`}
      onClick={() => onChange(!checked)}
      disabled={disabled}
      data-testid={testId}
    >
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      {text ? (
        <span className="switch-text" aria-hidden="true">
          {text}
        </span>
      ) : null}
    </button>
  );
}
