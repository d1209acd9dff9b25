import { describe, expect, it } from 'vitest';
import type { InboundAction } from '../../../shared/domain';
import { describeAction, describeActions, summariseActions } from './inbound-actions';

const sms = (actions: InboundAction[]) => ({ channel: 'sms' as const, actions });
const whatsapp = (actions: InboundAction[]) => ({ channel: 'whatsapp' as const, actions });

describe('describeActions', () => {
  it('says what a first message did: a new contact, subscribed to each sequence', () => {
    const lines = describeActions(
      sms([
        { kind: 'contact-created', contactId: 7 },
        { kind: 'subscribed', sequenceId: 1, sequenceName: 'Car enquiry', subscriptionId: 10 },
        { kind: 'subscribed', sequenceId: 2, sequenceName: 'Newsletter', subscriptionId: 11 },
      ]),
    );
    expect(lines.map((line) => line.text)).toEqual(['New contact', 'Subscribed to Car enquiry', 'Subscribed to Newsletter']);
    expect(lines[1]?.tone).toBe('success');
  });

  it('reads a STOP and its confirmation as one line, naming the channel it went by', () => {
    const stop: InboundAction[] = [
      { kind: 'opted-out', keyword: 'STOP' },
      { kind: 'confirmation', state: 'sent', detail: '' },
    ];
    expect(describeActions(sms(stop))).toEqual([{ kind: 'opted-out', tone: 'danger', text: 'Opted out (STOP) — confirmation sent by SMS' }]);
    expect(describeActions(whatsapp(stop))[0]?.text).toBe('Opted out (STOP) — confirmation sent by WhatsApp');
  });

  it('says when a confirmation could not be sent, and why', () => {
    const lines = describeActions(
      whatsapp([
        { kind: 'opted-in', keyword: 'START' },
        { kind: 'confirmation', state: 'failed', detail: 'WhatsApp is not linked' },
      ]),
    );
    expect(lines).toEqual([{ kind: 'opted-in', tone: 'warning', text: 'Opted in again (START) — confirmation not sent: WhatsApp is not linked' }]);
  });

  it('says a confirmation on its way is being sent, not that none was sent', () => {
    const lines = describeActions(
      whatsapp([
        { kind: 'opted-out', keyword: 'STOP' },
        { kind: 'confirmation', state: 'sending', detail: '' },
      ]),
    );
    expect(lines).toEqual([{ kind: 'opted-out', tone: 'danger', text: 'Opted out (STOP) — confirmation being sent…' }]);
  });

  it('says a confirmation interrupted by the app stopping may have gone out, and is not sent again', () => {
    const lines = describeActions(
      sms([
        { kind: 'opted-out', keyword: 'STOP' },
        { kind: 'confirmation', state: 'perhaps-sent', detail: '' },
      ]),
    );
    expect(lines).toEqual([
      { kind: 'opted-out', tone: 'warning', text: 'Opted out (STOP) — confirmation may have been sent (the app stopped while sending it; not sent again)' },
    ]);
  });

  it('words each state of a lone confirmation for the owner', () => {
    const lone = (action: Extract<InboundAction, { kind: 'confirmation' }>) => describeAction(action, 'whatsapp');
    expect(lone({ kind: 'confirmation', state: 'sending', detail: '' })).toEqual({ kind: 'confirmation', tone: 'neutral', text: 'Confirmation being sent…' });
    expect(lone({ kind: 'confirmation', state: 'sent', detail: 'Sent by WhatsApp: “Bye”' })).toEqual({
      kind: 'confirmation',
      tone: 'neutral',
      text: 'Confirmation sent by WhatsApp',
    });
    expect(lone({ kind: 'confirmation', state: 'failed', detail: 'WhatsApp is not set up' })).toEqual({
      kind: 'confirmation',
      tone: 'warning',
      text: 'Confirmation not sent: WhatsApp is not set up',
    });
    expect(lone({ kind: 'confirmation', state: 'perhaps-sent', detail: '' })).toEqual({
      kind: 'confirmation',
      tone: 'warning',
      text: 'Confirmation may have been sent (the app stopped while sending it; not sent again)',
    });
  });

  it('names the sequence a reply stopped', () => {
    expect(describeActions(sms([{ kind: 'stopped', sequenceId: 3, sequenceName: 'Car enquiry', subscriptionId: 9 }]))[0]?.text).toBe('Stopped Car enquiry (replied)');
  });

  it('says why nothing happened', () => {
    expect(describeActions(sms([{ kind: 'nothing', reason: 'they opted out earlier' }]))[0]?.text).toBe('Nothing: they opted out earlier');
    expect(describeActions(sms([]))).toEqual([{ kind: 'nothing', tone: 'neutral', text: 'Nothing' }]);
  });

  it('keeps a lone confirmation as its own line', () => {
    expect(describeActions(sms([{ kind: 'confirmation', state: 'sent', detail: '' }]))).toEqual([
      { kind: 'confirmation', tone: 'neutral', text: 'Confirmation sent by SMS' },
    ]);
  });

  it('summarises on one line', () => {
    expect(
      summariseActions(
        sms([
          { kind: 'already-subscribed', sequenceId: 1, sequenceName: 'Car enquiry' },
          { kind: 'subscribed', sequenceId: 2, sequenceName: 'Newsletter', subscriptionId: 4 },
        ]),
      ),
    ).toBe('Already in Car enquiry; Subscribed to Newsletter');
  });
});
