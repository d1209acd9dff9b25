import { describe, expect, it } from 'vitest';
import type { SendingSettings } from '../../../../shared/domain';
import { draftFrom, sendingFieldFor, sendingFrom, withClosedDate } from './sending-form';

const stored: SendingSettings = {
  window: { quietHours: { start: '21:00', end: '09:00' }, allowedWeekdays: [5, 1, 2, 3, 4], closedDates: ['2025-12-25', '2025-12-24'] },
  pacing: { minGapSeconds: 20, maxGapSeconds: 60, dailyCap: null },
  catchUp: { kind: 'skip-if-late', hours: 12 },
  onPermanentFailure: 'move-on',
};

describe('the sending form', () => {
  it('round-trips the stored settings (sorted)', () => {
    const result = sendingFrom(draftFrom(stored));
    expect(result).toEqual({
      value: {
        ...stored,
        window: { ...stored.window, allowedWeekdays: [1, 2, 3, 4, 5], closedDates: ['2025-12-24', '2025-12-25'] },
      },
    });
  });

  it('turns quiet hours off and reads an empty cap as no cap, a number as a cap', () => {
    const draft = { ...draftFrom(stored), quietOn: false, dailyCap: '' };
    expect(sendingFrom(draft)).toMatchObject({ value: { window: { quietHours: null }, pacing: { dailyCap: null } } });
    expect(sendingFrom({ ...draft, dailyCap: ' 150 ' })).toMatchObject({ value: { pacing: { dailyCap: 150 } } });
  });

  it('says what to fix, next to the field at fault', () => {
    const draft = { ...draftFrom(stored), weekdays: [], minGap: '90', maxGap: '30', dailyCap: '0', catchUpHours: 'x', quietEnd: '21:00' };
    expect(sendingFrom(draft)).toEqual({
      errors: {
        weekdays: expect.stringContaining('at least one day'),
        maxGap: 'The longest gap cannot be shorter than the shortest.',
        dailyCap: expect.stringContaining('or empty for no limit'),
        catchUpHours: expect.stringContaining('hours'),
        quietHours: expect.stringContaining('same time'),
      },
    });
  });

  it('does not ask for hours when late messages are sent anyway', () => {
    expect(sendingFrom({ ...draftFrom(stored), catchUp: 'send-late', catchUpHours: '' })).toMatchObject({ value: { catchUp: { kind: 'send-late' } } });
  });
});

describe('sendingFieldFor', () => {
  it('puts a server error next to the most specific field', () => {
    expect(sendingFieldFor('sending.pacing.maxGapSeconds')).toBe('maxGap');
    expect(sendingFieldFor('sending.window.closedDates.2')).toBe('closedDates');
    expect(sendingFieldFor('sending.window.quietHours.start')).toBe('quietHours');
    expect(sendingFieldFor('sending.catchUp.hours')).toBe('catchUpHours');
    expect(sendingFieldFor('sending.catchUp')).toBe('catchUp');
  });

  it('leaves anything else to the form', () => {
    expect(sendingFieldFor('timeZone')).toBeNull();
    expect(sendingFieldFor('sending.pacingX')).toBeNull();
    expect(sendingFieldFor(undefined)).toBeNull();
  });
});

describe('withClosedDate', () => {
  it('adds a day once, in order, and refuses what is not a date', () => {
    expect(withClosedDate(['2025-12-25'], '2025-12-24')).toEqual(['2025-12-24', '2025-12-25']);
    expect(withClosedDate(['2025-12-25'], '2025-12-25')).toEqual(['2025-12-25']);
    expect(withClosedDate([], '')).toBeNull();
    expect(withClosedDate([], '2025-13-45')).toBeNull();
  });
});
