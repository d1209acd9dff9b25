import { describe, expect, it } from 'vitest';
import { describeAction, describeActions, summariseActions } from './inbound-actions';

describe('describeActions', () => {
  it('says what a first message did: a new contact, subscribed to each sequence', () => {
    const lines = describeActions([
      { kind: 'contact-created', contactId: 7 },
      { kind: 'subscribed', sequenceId: 1, sequenceName: 'Car enquiry', subscriptionId: 10 },
      { kind: 'subscribed', sequenceId: 2, sequenceName: 'Newsletter', subscriptionId: 11 },
    ]);
    expect(lines.map((line) => line.text)).toEqual(['New contact', 'Subscribed to Car enquiry', 'Subscribed to Newsletter']);
    expect(lines[1]?.tone).toBe('success');
  });

  it('reads a STOP and its confirmation as one line', () => {
    const lines = describeActions([
      { kind: 'opted-out', keyword: 'STOP' },
      { kind: 'confirmation', sent: true, detail: '' },
    ]);
    expect(lines).toEqual([{ kind: 'opted-out', tone: 'danger', text: 'Opted out (STOP) — confirmation sent' }]);
  });

  it('says when a confirmation could not be sent, and why', () => {
    const lines = describeActions([
      { kind: 'opted-in', keyword: 'START' },
      { kind: 'confirmation', sent: false, detail: 'WhatsApp is not linked' },
    ]);
    expect(lines).toEqual([{ kind: 'opted-in', tone: 'warning', text: 'Opted in again (START) — no confirmation sent (WhatsApp is not linked)' }]);
  });

  it('names the sequence a reply stopped', () => {
    expect(describeActions([{ kind: 'stopped', sequenceId: 3, sequenceName: 'Car enquiry', subscriptionId: 9 }])[0]?.text).toBe('Stopped Car enquiry (replied)');
  });

  it('says why nothing happened', () => {
    expect(describeActions([{ kind: 'nothing', reason: 'they opted out earlier' }])[0]?.text).toBe('Nothing: they opted out earlier');
    expect(describeActions([])).toEqual([{ kind: 'nothing', tone: 'neutral', text: 'Nothing' }]);
  });

  it('keeps a lone confirmation as its own line', () => {
    expect(describeAction({ kind: 'confirmation', sent: true, detail: '' }).text).toBe('Confirmation sent');
    expect(describeActions([{ kind: 'confirmation', sent: true, detail: '' }])).toHaveLength(1);
  });

  it('summarises on one line', () => {
    expect(
      summariseActions([
        { kind: 'already-subscribed', sequenceId: 1, sequenceName: 'Car enquiry' },
        { kind: 'subscribed', sequenceId: 2, sequenceName: 'Newsletter', subscriptionId: 4 },
      ]),
    ).toBe('Already in Car enquiry; Subscribed to Newsletter');
  });
});
