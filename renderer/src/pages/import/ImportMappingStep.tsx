/**
 * Step 2 of the import: the first rows of the file as a table, whether its first row is a header,
 * which column is the phone and which the name, which other columns to keep (and as what), and
 * the sequence to subscribe everyone to.
 */
import { useId, useMemo } from 'react';
import type { SequenceSummary } from '../../../../shared/domain';
import { previewCsv } from '../../lib/csv-file';
import { otherColumns, type MappingDraft } from '../../lib/import-mapping';

export interface MappingErrors {
  phone?: string;
  name?: string;
  attributes?: string;
  sequence?: string;
  form?: string;
}

interface ImportMappingStepProps {
  text: string;
  hasHeader: boolean;
  onHasHeaderChange: (value: boolean) => void;
  mapping: MappingDraft;
  onMappingChange: (mapping: MappingDraft) => void;
  sequences: readonly SequenceSummary[];
  sequenceId: number | null;
  onSequenceChange: (id: number | null) => void;
  errors: MappingErrors;
}

const PREVIEW_ROWS = 20;

export function ImportMappingStep({ text, hasHeader, onHasHeaderChange, mapping, onMappingChange, sequences, sequenceId, onSequenceChange, errors }: ImportMappingStepProps) {
  const preview = useMemo(() => previewCsv(text, hasHeader, PREVIEW_ROWS), [text, hasHeader]);
  const ids = { phone: useId(), name: useId(), sequence: useId(), attributes: useId() };

  const roleOf = (column: string): string => {
    if (column === mapping.phone) return 'Phone';
    if (column === mapping.name) return 'Name';
    const choice = mapping.others.find((other) => other.column === column);
    return choice?.keep ? `Attribute “${choice.attribute.trim()}”` : 'Not imported';
  };

  const setPhone = (phone: string) => {
    const name = mapping.name === phone ? '' : mapping.name;
    onMappingChange({ phone, name, others: otherColumns(preview.columns, phone, name, mapping.others) });
  };
  const setName = (name: string) => {
    const phone = mapping.phone === name ? '' : mapping.phone;
    onMappingChange({ phone, name, others: otherColumns(preview.columns, phone, name, mapping.others) });
  };
  const setChoice = (column: string, patch: { keep?: boolean; attribute?: string }) =>
    onMappingChange({ ...mapping, others: mapping.others.map((other) => (other.column === column ? { ...other, ...patch } : other)) });

  const uniqueColumns = [...new Set(preview.columns)];

  return (
    <div className="import-map">
      <div className="import-map-top">
        <label className="checkbox">
          <input type="checkbox" checked={hasHeader} onChange={(event) => onHasHeaderChange(event.target.checked)} data-testid="import-has-header" />
          The first row is a header (column names)
        </label>
        <span className="muted small">First {Math.min(PREVIEW_ROWS, preview.rows.length)} rows of the file</span>
      </div>

      <div className="import-preview-wrap">
        <table className="table import-preview" data-testid="import-preview">
          <thead>
            <tr>
              {preview.columns.map((column, index) => (
                <th key={`${column}-${index}`} scope="col">
                  <span className="preview-column">{column}</span>
                  <span className={`preview-role${roleOf(column) === 'Not imported' ? ' preview-role-off' : ''}`}>{roleOf(column)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {preview.columns.map((column, index) => (
                  <td key={`${column}-${index}`} className={column === mapping.phone ? 'preview-phone' : undefined}>
                    {row[index] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="import-map-grid">
        <div className={`field${errors.phone ? ' field-invalid' : ''}`}>
          <label className="field-label" htmlFor={ids.phone}>
            Phone number column
          </label>
          <select
            id={ids.phone}
            className="input"
            value={mapping.phone}
            onChange={(event) => setPhone(event.target.value)}
            aria-invalid={errors.phone ? true : undefined}
            aria-describedby={errors.phone ? `${ids.phone}-error` : undefined}
            data-testid="import-map-phone"
          >
            <option value="">Choose a column…</option>
            {uniqueColumns.map((column) => (
              <option key={column} value={column}>
                {column}
              </option>
            ))}
          </select>
          {errors.phone ? (
            <p id={`${ids.phone}-error`} className="field-error" data-testid="field-error" data-field="mapping.phone">
              {errors.phone}
            </p>
          ) : (
            <p className="field-hint">Numbers without +country code are read as numbers of the default country (Settings).</p>
          )}
        </div>
        <div className={`field${errors.name ? ' field-invalid' : ''}`}>
          <label className="field-label" htmlFor={ids.name}>
            Name column <span className="optional">(optional)</span>
          </label>
          <select id={ids.name} className="input" value={mapping.name} onChange={(event) => setName(event.target.value)} data-testid="import-map-name">
            <option value="">No name column</option>
            {uniqueColumns.map((column) => (
              <option key={column} value={column}>
                {column}
              </option>
            ))}
          </select>
          {errors.name ? (
            <p className="field-error" data-testid="field-error" data-field="mapping.name">
              {errors.name}
            </p>
          ) : null}
        </div>
        <div className={`field${errors.sequence ? ' field-invalid' : ''}`}>
          <label className="field-label" htmlFor={ids.sequence}>
            Subscribe them to <span className="optional">(optional)</span>
          </label>
          <select
            id={ids.sequence}
            className="input"
            value={sequenceId ?? ''}
            onChange={(event) => onSequenceChange(event.target.value === '' ? null : Number(event.target.value))}
            data-testid="import-sequence"
          >
            <option value="">Only add them to contacts</option>
            {sequences.map((sequence) => (
              <option key={sequence.id} value={sequence.id}>
                {sequence.name}
              </option>
            ))}
          </select>
          {errors.sequence ? (
            <p className="field-error" data-testid="field-error" data-field="sequenceId">
              {errors.sequence}
            </p>
          ) : (
            <p className="field-hint">People already in it keep their place; they are counted as “already subscribed”.</p>
          )}
        </div>
      </div>

      <fieldset className={`field import-attributes${errors.attributes ? ' field-invalid' : ''}`} aria-describedby={ids.attributes}>
        <legend className="field-label">Other columns, kept as attributes</legend>
        <p id={ids.attributes} className="field-hint">
          Use them in messages as {'{{attribute}}'}. Untick a column to leave it out.
        </p>
        {mapping.others.length === 0 ? (
          <p className="muted small">The file has no other columns.</p>
        ) : (
          <ul className="import-attribute-list">
            {mapping.others.map((choice) => (
              <li key={choice.column} className="import-attribute" data-testid="import-attribute" data-column={choice.column}>
                <label className="checkbox import-attribute-column">
                  <input
                    type="checkbox"
                    checked={choice.keep}
                    onChange={(event) => setChoice(choice.column, { keep: event.target.checked })}
                    data-testid="import-attribute-keep"
                  />
                  <span className="import-attribute-name">{choice.column}</span>
                </label>
                <span className="import-attribute-arrow" aria-hidden="true">
                  →
                </span>
                <input
                  className="input"
                  value={choice.attribute}
                  onChange={(event) => setChoice(choice.column, { attribute: event.target.value })}
                  disabled={!choice.keep}
                  aria-label={`Attribute name for the column ${choice.column}`}
                  maxLength={80}
                  data-testid="import-attribute-name"
                />
              </li>
            ))}
          </ul>
        )}
        {errors.attributes ? (
          <p className="field-error" role="alert" data-testid="field-error" data-field="mapping.attributes">
            {errors.attributes}
          </p>
        ) : null}
      </fieldset>
    </div>
  );
}
