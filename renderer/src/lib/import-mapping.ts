/**
 * The import dialog's column choices and their checks, kept apart from the UI so they can be
 * tested: which column is the phone, which the name, which others are kept as attributes and
 * under what name — turned into the contract's `mapping`, or the first problem with it.
 */
import { ATTRIBUTE_KEY_PATTERN, PEOPLE_LIMITS } from '../../../shared/contract';
import { BUILT_IN_ATTRIBUTES } from '../../../shared/template';
import { attributeNameFor, guessNameColumn, guessPhoneColumn, type CsvPreview } from './csv-file';

export interface ColumnChoice {
  column: string;
  keep: boolean;
  attribute: string;
}

export interface MappingDraft {
  phone: string;
  /** '' = no name column. */
  name: string;
  others: ColumnChoice[];
}

export interface ContractMapping {
  phone: string;
  name: string | null;
  attributes: Array<{ column: string; attribute: string }>;
}

/** First guesses: the phone and name columns by their headers, every other column kept. */
export function initialMapping(preview: CsvPreview): MappingDraft {
  const phone = guessPhoneColumn(preview) ?? '';
  const nameGuess = guessNameColumn(preview);
  const name = nameGuess !== null && nameGuess !== phone ? nameGuess : '';
  return { phone, name, others: otherColumns(preview.columns, phone, name, []) };
}

/**
 * The columns that are neither phone nor name, keeping earlier choices for columns that stay.
 * A column whose name repeats an earlier one cannot be told apart by the import: left out.
 */
export function otherColumns(columns: readonly string[], phone: string, name: string, previous: readonly ColumnChoice[]): ColumnChoice[] {
  const seen = new Set<string>();
  const result: ColumnChoice[] = [];
  for (const column of columns) {
    if (seen.has(column)) continue;
    seen.add(column);
    if (column === phone || column === name) continue;
    result.push(previous.find((choice) => choice.column === column) ?? { column, keep: true, attribute: attributeNameFor(column) });
  }
  return result;
}

/** Attribute names the app sets itself: a column saved under one would clash with it. */
const RESERVED = new Set<string>(BUILT_IN_ATTRIBUTES);

export function checkMapping(draft: MappingDraft): { mapping: ContractMapping } | { field: 'phone' | 'attributes'; error: string } {
  if (draft.phone === '') return { field: 'phone', error: 'Choose the column with the phone numbers.' };
  const kept = draft.others.filter((choice) => choice.keep);
  if (kept.length > PEOPLE_LIMITS.attributesMax) {
    return { field: 'attributes', error: `Keep at most ${PEOPLE_LIMITS.attributesMax} columns as attributes (now ${kept.length}).` };
  }
  const names = new Set<string>();
  for (const choice of kept) {
    const attribute = choice.attribute.trim();
    if (attribute === '') return { field: 'attributes', error: `Give the column “${choice.column}” an attribute name, or untick it.` };
    if (attribute.length > PEOPLE_LIMITS.attributeKeyMax || !ATTRIBUTE_KEY_PATTERN.test(attribute)) {
      return { field: 'attributes', error: `“${attribute}”: attribute names may use letters, digits, spaces, “_”, “-” and “.” (at most ${PEOPLE_LIMITS.attributeKeyMax}).` };
    }
    if (RESERVED.has(attribute.toLowerCase())) return { field: 'attributes', error: `“${attribute}” is already a built-in attribute; choose another name for “${choice.column}”.` };
    if (names.has(attribute)) return { field: 'attributes', error: `Two columns are saved as “${attribute}”; give each its own name.` };
    names.add(attribute);
  }
  return {
    mapping: {
      phone: draft.phone,
      name: draft.name === '' ? null : draft.name,
      attributes: kept.map((choice) => ({ column: choice.column, attribute: choice.attribute.trim() })),
    },
  };
}
