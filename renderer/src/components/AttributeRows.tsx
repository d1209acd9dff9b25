/**
 * A contact's custom attributes as editable key → value rows ("car" → "Golf"), with the checks the
 * core makes (allowed characters, no repeated names, limits) done here first so the owner sees
 * the problem at the row it is in.
 */
import { ATTRIBUTE_KEY_PATTERN, PEOPLE_LIMITS } from '../../../shared/contract';
import { Icon } from './Icon';

export interface AttributeRow {
  id: number;
  key: string;
  value: string;
}

let nextRowId = 1;

export function newAttributeRow(key = '', value = ''): AttributeRow {
  return { id: nextRowId++, key, value };
}

export function rowsFromAttributes(attributes: Record<string, string>): AttributeRow[] {
  return Object.entries(attributes).map(([key, value]) => newAttributeRow(key, value));
}

/** The rows as the contract's record, or the first problem with them. Rows left blank are ignored. */
export function attributesFromRows(rows: readonly AttributeRow[]): { attributes: Record<string, string> } | { error: string } {
  const attributes: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '' && row.value.trim() === '') continue;
    if (key === '') return { error: `Give the value “${row.value.trim().slice(0, 30)}” a name, or remove the row.` };
    if (key.length > PEOPLE_LIMITS.attributeKeyMax) return { error: `Attribute names can be at most ${PEOPLE_LIMITS.attributeKeyMax} characters.` };
    if (!ATTRIBUTE_KEY_PATTERN.test(key)) return { error: `“${key}”: attribute names may use letters, digits, spaces, “_”, “-” and “.”.` };
    if (Object.prototype.hasOwnProperty.call(attributes, key)) return { error: `“${key}” is there twice; give each attribute its own name.` };
    if (row.value.length > PEOPLE_LIMITS.attributeValueMax) return { error: `The value of “${key}” can be at most ${PEOPLE_LIMITS.attributeValueMax} characters.` };
    attributes[key] = row.value;
  }
  if (Object.keys(attributes).length > PEOPLE_LIMITS.attributesMax) return { error: `At most ${PEOPLE_LIMITS.attributesMax} attributes per contact.` };
  return { attributes };
}

interface AttributeRowsProps {
  rows: AttributeRow[];
  onChange: (rows: AttributeRow[]) => void;
  error?: string | null;
  disabled?: boolean;
}

export function AttributeRows({ rows, onChange, error, disabled = false }: AttributeRowsProps) {
  const update = (id: number, patch: Partial<AttributeRow>) => onChange(rows.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  return (
    <fieldset className={`field attribute-rows${error ? ' field-invalid' : ''}`} disabled={disabled}>
      <legend className="field-label">
        Attributes <span className="optional">(optional)</span>
      </legend>
      <p className="field-hint attribute-rows-hint">
        Anything you want to use in messages, e.g. <code>car</code> → <code>Golf</code> for {'{{car}}'}.
      </p>
      {rows.length > 0 ? (
        <ul className="attribute-list">
          {rows.map((row, index) => (
            <li key={row.id} className="attribute-row" data-testid="attribute-row">
              <input
                className="input"
                value={row.key}
                onChange={(event) => update(row.id, { key: event.target.value })}
                placeholder="Name, e.g. car"
                aria-label={`Attribute ${index + 1} name`}
                aria-invalid={error ? true : undefined}
                maxLength={PEOPLE_LIMITS.attributeKeyMax + 10}
                autoComplete="off"
                data-testid="attribute-key"
              />
              <input
                className="input"
                value={row.value}
                onChange={(event) => update(row.id, { value: event.target.value })}
                placeholder="Value, e.g. Golf"
                aria-label={`Attribute ${index + 1} value`}
                maxLength={PEOPLE_LIMITS.attributeValueMax + 10}
                autoComplete="off"
                data-testid="attribute-value"
              />
              <button
                type="button"
                className="icon-button icon-button-danger"
                onClick={() => onChange(rows.filter((other) => other.id !== row.id))}
                aria-label={`Remove attribute ${row.key.trim() || index + 1}`}
                title="Remove"
                data-testid="attribute-remove"
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div>
        <button
          type="button"
          className="button button-small button-ghost"
          onClick={() => onChange([...rows, newAttributeRow()])}
          disabled={rows.length >= PEOPLE_LIMITS.attributesMax}
          data-testid="attribute-add"
        >
          <Icon name="plus" />
          Add attribute
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="field-error" data-field="attributes">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
