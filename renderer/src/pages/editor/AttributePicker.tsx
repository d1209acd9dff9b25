/**
 * "Insert attribute": puts `{{name}}`, `{{first_name}}`, `{{phone}}` or a custom attribute (with an
 * optional fallback, `{{name|there}}`) into the message at the cursor.
 */
import { useId, useState } from 'react';
import { BUILT_IN_ATTRIBUTES, placeholderFor } from '../../../../shared/template';

const BUILT_IN_LABELS: Record<(typeof BUILT_IN_ATTRIBUTES)[number], string> = {
  name: 'Name',
  first_name: 'First name',
  phone: 'Phone number',
};
const BUILT_INS = BUILT_IN_ATTRIBUTES.map((key) => ({ key, label: BUILT_IN_LABELS[key] }));

const CUSTOM = '__custom';
// The keys and fallbacks shared/template.ts recognises as a placeholder.
const KEY_PATTERN = /^[A-Za-z0-9_.\- ]{1,64}$/;
const FALLBACK_PATTERN = /^[^{}]{0,200}$/;

export function AttributePicker({ onInsert }: { onInsert: (text: string) => void }) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<string>('first_name');
  const [customKey, setCustomKey] = useState('');
  const [fallback, setFallback] = useState('');
  const [error, setError] = useState<string | null>(null);
  const panelId = useId();

  const insert = () => {
    const key = choice === CUSTOM ? customKey.trim() : choice;
    if (!KEY_PATTERN.test(key)) {
      setError('Use letters, digits, spaces, “_”, “-” or “.” for the attribute name (e.g. car).');
      return;
    }
    if (!FALLBACK_PATTERN.test(fallback.trim())) {
      setError('The fallback cannot contain { or }, and is at most 200 characters.');
      return;
    }
    setError(null);
    onInsert(placeholderFor(key, fallback.trim() || undefined));
    setOpen(false);
    setFallback('');
  };

  return (
    <div className="attribute-picker">
      <button
        type="button"
        className="button button-small button-ghost"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        data-testid="attribute-picker-toggle"
      >
        <span aria-hidden="true">{'{ }'}</span> Insert attribute
      </button>
      {open ? (
        <div
          id={panelId}
          className="attribute-panel"
          role="group"
          aria-label="Insert attribute"
          onKeyDown={(event) => {
            // Enter inserts instead of submitting the whole message form; Escape closes only the panel.
            if (event.key === 'Enter' && event.target instanceof HTMLInputElement) {
              event.preventDefault();
              insert();
            } else if (event.key === 'Escape') {
              event.preventDefault();
              event.stopPropagation();
              setOpen(false);
            }
          }}
        >
          <label className="mini-field">
            <span>Attribute</span>
            <select className="input" value={choice} onChange={(event) => setChoice(event.target.value)} data-testid="attribute-select" autoFocus>
              {BUILT_INS.map((item) => (
                <option key={item.key} value={item.key}>
                  {item.label}
                </option>
              ))}
              <option value={CUSTOM}>Custom attribute…</option>
            </select>
          </label>
          {choice === CUSTOM ? (
            <label className="mini-field">
              <span>Attribute name</span>
              <input
                className="input"
                value={customKey}
                onChange={(event) => setCustomKey(event.target.value)}
                placeholder="e.g. car"
                data-testid="attribute-custom-key"
              />
            </label>
          ) : null}
          <label className="mini-field">
            <span>If empty, use</span>
            <input
              className="input"
              value={fallback}
              onChange={(event) => setFallback(event.target.value)}
              placeholder="e.g. there"
              data-testid="attribute-fallback"
            />
          </label>
          <button type="button" className="button button-small button-primary" onClick={insert} data-testid="attribute-insert">
            Insert
          </button>
          {error ? (
            <p className="field-error attribute-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
