import { describe, expect, it } from 'vitest';
import { describeDelay, formatDelay } from './delay-summary';

describe('formatDelay', () => {
  it('uses the singular only for exactly one', () => {
    expect(formatDelay(1, 'minutes')).toBe('1 minute');
    expect(formatDelay(1, 'hours')).toBe('1 hour');
    expect(formatDelay(1, 'days')).toBe('1 day');
    expect(formatDelay(3, 'days')).toBe('3 days');
    expect(formatDelay(45, 'minutes')).toBe('45 minutes');
    expect(formatDelay(0, 'hours')).toBe('0 hours');
  });
});

describe('describeDelay', () => {
  it('describes the first message relative to subscribing', () => {
    expect(describeDelay({ delayAmount: 0, delayUnit: 'minutes', sendAt: null }, true)).toBe('Right away after subscribing');
    expect(describeDelay({ delayAmount: 2, delayUnit: 'hours', sendAt: null }, true)).toBe('2 hours after subscribing');
    expect(describeDelay({ delayAmount: 1, delayUnit: 'minutes', sendAt: null }, true)).toBe('1 minute after subscribing');
    expect(describeDelay({ delayAmount: 0, delayUnit: 'days', sendAt: '09:00' }, true)).toBe('At the next 09:00 after subscribing');
  });

  it('describes later messages relative to the previous message', () => {
    expect(describeDelay({ delayAmount: 1, delayUnit: 'days', sendAt: '09:00' }, false)).toBe(
      '1 day after the previous message, at 09:00',
    );
    expect(describeDelay({ delayAmount: 0, delayUnit: 'minutes', sendAt: '09:00' }, false)).toBe(
      'At the next 09:00 after the previous message',
    );
    expect(describeDelay({ delayAmount: 2, delayUnit: 'days', sendAt: null }, false)).toBe('2 days after the previous message');
    expect(describeDelay({ delayAmount: 0, delayUnit: 'hours', sendAt: null }, false)).toBe('Right away after the previous message');
  });

  it('says "then at the next" for minute and hour delays with an exact time', () => {
    expect(describeDelay({ delayAmount: 2, delayUnit: 'hours', sendAt: '09:00' }, true)).toBe(
      '2 hours after subscribing, then at the next 09:00',
    );
    expect(describeDelay({ delayAmount: 30, delayUnit: 'minutes', sendAt: '18:30' }, false)).toBe(
      '30 minutes after the previous message, then at the next 18:30',
    );
  });
});
