import { describe, expect, it } from 'vitest';
import { attributesFromRows, newAttributeRow } from './AttributeRows';

describe('attributesFromRows', () => {
  it('turns filled rows into a record and ignores blank ones', () => {
    expect(attributesFromRows([newAttributeRow(' car ', 'Golf'), newAttributeRow('', ''), newAttributeRow('city', '')])).toEqual({
      attributes: { car: 'Golf', city: '' },
    });
  });

  it('says what is wrong at the first bad row', () => {
    expect(attributesFromRows([newAttributeRow('', 'Golf')])).toEqual({ error: expect.stringContaining('Golf') });
    expect(attributesFromRows([newAttributeRow('car{x}', 'Golf')])).toEqual({ error: expect.stringContaining('letters, digits') });
    expect(attributesFromRows([newAttributeRow('car', 'a'), newAttributeRow('car', 'b')])).toEqual({ error: expect.stringContaining('twice') });
    expect(attributesFromRows([newAttributeRow('note', 'x'.repeat(1001))])).toEqual({ error: expect.stringContaining('1000') });
  });
});
