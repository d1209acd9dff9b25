import { describe, expect, it } from 'vitest';
import { sharedNormaliser, type PhoneHelper } from './phone-helper';

/** A helper whose answers the test decides; `taken` counts how often the import asked for them. */
function scriptedHelper(answers: ReturnType<PhoneHelper['take']>): PhoneHelper & { taken: number } {
  return {
    taken: 0,
    check: () => undefined,
    take() {
      this.taken++;
      return answers;
    },
    close: () => undefined,
  };
}

describe('sharedNormaliser', () => {
  it("uses the helper's answers for its share and checks the rest itself, taking the answers once", () => {
    const helper = scriptedHelper(new Map([['0151 2000', { ok: true, phone: '+49-from-helper' }]]));
    const normalise = sharedNormaliser(helper, new Set(['0151 2000']), 'DE');
    expect(normalise('0151 12345678')).toEqual({ ok: true, phone: '+4915112345678' });
    expect(helper.taken).toBe(0);
    expect(normalise('0151 2000')).toEqual({ ok: true, phone: '+49-from-helper' });
    expect(normalise('0151 2000')).toEqual({ ok: true, phone: '+49-from-helper' });
    expect(helper.taken).toBe(1);
  });

  it('checks everything itself when the helper could not answer', () => {
    const helper = scriptedHelper(null);
    const normalise = sharedNormaliser(helper, new Set(['0151 87654321']), 'DE');
    expect(normalise('0151 87654321')).toEqual({ ok: true, phone: '+4915187654321' });
    expect(normalise('123')).toMatchObject({ ok: false });
  });
});
