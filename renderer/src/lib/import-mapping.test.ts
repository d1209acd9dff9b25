import { describe, expect, it } from 'vitest';
import { ContactsImportInputSchema } from '../../../shared/contract';
import { checkMapping, initialMapping, otherColumns } from './import-mapping';

const preview = { columns: ['Name', 'Mobile', 'City', 'Customer no.'], rows: [['Anna', '+49 151 1234567', 'Berlin', 'K-1']] };

describe('initialMapping', () => {
  it('guesses phone and name and keeps every other column as an attribute', () => {
    expect(initialMapping(preview)).toEqual({
      phone: 'Mobile',
      name: 'Name',
      others: [
        { column: 'City', keep: true, attribute: 'city' },
        { column: 'Customer no.', keep: true, attribute: 'customer no.' },
      ],
    });
  });

  it('leaves the phone unchosen when nothing looks like one', () => {
    expect(initialMapping({ columns: ['A', 'B'], rows: [['x', 'y']] }).phone).toBe('');
  });
});

describe('otherColumns', () => {
  it('keeps earlier choices and leaves out repeated column names', () => {
    const previous = [{ column: 'City', keep: false, attribute: 'town' }];
    expect(otherColumns(['Phone', 'City', 'City', 'Note'], 'Phone', '', previous)).toEqual([
      { column: 'City', keep: false, attribute: 'town' },
      { column: 'Note', keep: true, attribute: 'note' },
    ]);
  });
});

describe('checkMapping', () => {
  it('gives a mapping the contract accepts', () => {
    const result = checkMapping(initialMapping(preview));
    expect(result).toEqual({
      mapping: {
        phone: 'Mobile',
        name: 'Name',
        attributes: [
          { column: 'City', attribute: 'city' },
          { column: 'Customer no.', attribute: 'customer no.' },
        ],
      },
    });
    const mapping = 'mapping' in result ? result.mapping : null;
    expect(ContactsImportInputSchema.safeParse({ importId: 'abcdefgh12', csvText: 'x', mapping }).success).toBe(true);
  });

  it('says what to fix', () => {
    const draft = initialMapping(preview);
    expect(checkMapping({ ...draft, phone: '' })).toMatchObject({ field: 'phone' });
    const clash = { ...draft, others: draft.others.map((choice) => ({ ...choice, attribute: 'city' })) };
    expect(checkMapping(clash)).toMatchObject({ field: 'attributes', error: expect.stringContaining('Two columns') });
    const bad = { ...draft, others: [{ column: 'City', keep: true, attribute: 'city/town' }] };
    expect(checkMapping(bad)).toMatchObject({ field: 'attributes' });
    const reserved = { ...draft, others: [{ column: 'City', keep: true, attribute: 'Phone' }] };
    expect(checkMapping(reserved)).toMatchObject({ field: 'attributes', error: expect.stringContaining('built-in') });
    const unticked = { ...draft, others: [{ column: 'City', keep: false, attribute: '' }] };
    expect(checkMapping(unticked)).toMatchObject({ mapping: { attributes: [] } });
  });
});
