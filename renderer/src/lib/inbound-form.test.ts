import { describe, expect, it } from 'vitest';
import { inboundChanged, inboundDraftFrom, inboundSettingsFrom, keywordsFrom } from './inbound-form';

const saved = {
  autoSubscribeSequenceIds: [2, 5],
  stopKeywords: ['STOP', 'UNSUBSCRIBE'],
  startKeywords: ['START'],
  stopConfirmation: 'You will get no more messages. Reply START to undo.',
  startConfirmation: 'Welcome back.',
};

describe('keywordsFrom', () => {
  it('splits on commas and lines, trims, drops empties and repeats', () => {
    expect(keywordsFrom(' STOP, unsubscribe,,\nStopp , stop ')).toEqual(['STOP', 'unsubscribe', 'Stopp']);
    expect(keywordsFrom('  ')).toEqual([]);
  });
});

describe('inboundSettingsFrom', () => {
  it('round-trips the stored settings', () => {
    expect(inboundSettingsFrom(inboundDraftFrom(saved))).toEqual({ ok: true, settings: saved });
  });

  it('needs at least one STOP keyword', () => {
    const result = inboundSettingsFrom({ ...inboundDraftFrom(saved), stopKeywords: ' , ' });
    expect(!result.ok && result.errors.stopKeywords).toBe('Keep at least one STOP keyword');
  });

  it('refuses a word that is both STOP and START', () => {
    const result = inboundSettingsFrom({ ...inboundDraftFrom(saved), startKeywords: 'START, stop' });
    expect(!result.ok && result.errors.startKeywords).toMatch(/both a STOP and a START keyword/);
  });

  it('needs the confirmation texts', () => {
    const result = inboundSettingsFrom({ ...inboundDraftFrom(saved), stopConfirmation: '  ' });
    expect(!result.ok && result.errors.stopConfirmation).toBeTruthy();
  });
});

describe('inboundChanged', () => {
  it('ignores the order of the chosen sequences and keyword spacing', () => {
    const draft = { ...inboundDraftFrom(saved), autoSubscribeSequenceIds: [5, 2], stopKeywords: 'STOP,UNSUBSCRIBE' };
    expect(inboundChanged(draft, saved)).toBe(false);
    expect(inboundChanged({ ...draft, autoSubscribeSequenceIds: [5] }, saved)).toBe(true);
    expect(inboundChanged({ ...draft, startConfirmation: 'Hi again.' }, saved)).toBe(true);
  });
});
