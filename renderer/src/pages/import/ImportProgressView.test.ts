import { describe, expect, it } from 'vitest';
import { overallPercent } from './ImportProgressView';

const at = (phase: 'parsing' | 'validating' | 'writing' | 'done', processed: number, total: number) => ({ importId: 'imp_12345678', phase, processed, total });

describe('overallPercent', () => {
  it('fills the bar phase by phase and never runs backwards', () => {
    const steps = [at('parsing', 0, 100), at('parsing', 100, 100), at('validating', 0, 10), at('validating', 10, 10), at('writing', 0, 10), at('writing', 9, 10), at('done', 10, 10)];
    const percents = steps.map(overallPercent);
    expect(percents[0]).toBe(0);
    expect(percents[percents.length - 1]).toBe(100);
    percents.slice(1).forEach((percent, i) => expect(percent).toBeGreaterThanOrEqual(percents[i] ?? 0));
  });

  it('is 0 before the first event and copes with an empty total', () => {
    expect(overallPercent(null)).toBe(0);
    expect(overallPercent(at('writing', 0, 0))).toBe(80);
  });
});
