/**
 * Turns the owner's column choices (by column name, as shown in the import dialog) into column
 * positions of the parsed file, refusing names the file does not have. Names compare after
 * trimming; when a header repeats a name, the first such column is meant.
 */
import type { z } from 'zod';
import type { ImportMappingSchema } from '../../../shared/contract';
import { validation } from '../errors';

export type ImportMapping = z.output<typeof ImportMappingSchema>;

export interface ResolvedMapping {
  phone: number;
  name: number | null;
  attributes: Array<{ index: number; attribute: string }>;
}

export function resolveMapping(columns: readonly string[], mapping: ImportMapping): ResolvedMapping {
  const indexOf = (column: string, field: string): number => {
    const index = columns.indexOf(column.trim());
    if (index < 0) {
      throw validation(`There is no column "${column}" in this file. Its columns are: ${listColumns(columns)}.`, field);
    }
    return index;
  };

  const seen = new Set<string>();
  const attributes = mapping.attributes.map(({ column, attribute }, i) => {
    const index = indexOf(column, `mapping.attributes.${i}.column`);
    if (seen.has(attribute)) {
      throw validation(`Two columns are saved as the attribute "${attribute}"; give each its own name.`, `mapping.attributes.${i}.attribute`);
    }
    seen.add(attribute);
    return { index, attribute };
  });

  return {
    phone: indexOf(mapping.phone, 'mapping.phone'),
    name: mapping.name === null ? null : indexOf(mapping.name, 'mapping.name'),
    attributes,
  };
}

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 20).map((column) => `"${column}"`).join(', ');
  return columns.length > 20 ? `${shown} and ${columns.length - 20} more` : shown;
}
