import { describe, expect, it } from 'vitest';
import { ImportMappingSchema } from '../../../shared/contract';
import { AppError } from '../errors';
import { resolveMapping } from './column-mapping';

const columns = ['Phone', 'Name', 'City', 'Name'];
const mapping = (input: unknown) => ImportMappingSchema.parse(input);

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION') return error.field;
    throw error;
  }
  throw new Error('expected a VALIDATION error');
}

describe('resolveMapping', () => {
  it('finds each chosen column by name (the first of repeated names)', () => {
    const resolved = resolveMapping(columns, mapping({ phone: 'Phone', name: 'Name', attributes: [{ column: 'City', attribute: 'city' }] }));
    expect(resolved).toEqual({ phone: 0, name: 1, attributes: [{ index: 2, attribute: 'city' }] });
  });

  it('needs no name column', () => {
    expect(resolveMapping(columns, mapping({ phone: 'Phone' }))).toEqual({ phone: 0, name: null, attributes: [] });
  });

  it('refuses columns the file does not have, pointing at the mapping field', () => {
    expect(fieldOf(() => resolveMapping(columns, mapping({ phone: 'Mobile' })))).toBe('mapping.phone');
    expect(fieldOf(() => resolveMapping(columns, mapping({ phone: 'Phone', name: 'Full name' })))).toBe('mapping.name');
    expect(
      fieldOf(() => resolveMapping(columns, mapping({ phone: 'Phone', attributes: [{ column: 'City', attribute: 'a' }, { column: 'Zip', attribute: 'b' }] }))),
    ).toBe('mapping.attributes.1.column');
  });

  it('refuses two columns stored under the same attribute name', () => {
    const twice = mapping({ phone: 'Phone', attributes: [{ column: 'City', attribute: 'x' }, { column: 'Name', attribute: 'x' }] });
    expect(fieldOf(() => resolveMapping(columns, twice))).toBe('mapping.attributes.1.attribute');
  });
});
