import { describe, expect, it } from 'vitest';
import { describeStatus, type StatusFacts } from './engine-status';

const calm: StatusFacts = {
  pausedByOwner: false,
  dueNow: 0,
  blocked: [],
  sending: false,
  next: null,
  sentToday: 0,
  dailyCap: 200,
  unknownDeliveries: 0,
  channels: [],
};

describe('the status bar in words', () => {
  it('is idle and calm when nothing is scheduled anywhere', () => {
    expect(describeStatus(calm)).toMatchObject({ state: 'idle', detail: 'Nothing is scheduled.' });
  });

  it('names the sequences whose subscribers will wait because no channel is chosen', () => {
    const status = describeStatus({ ...calm, sequencesWithoutChannel: ['Car enquiry', 'Service reminder'] });
    expect(status.state).toBe('idle');
    expect(status.detail).toBe('Nothing is due yet. “Car enquiry”, “Service reminder” have no channel: choose one so its messages can go out.');
  });

  it('puts an owner pause before everything else', () => {
    expect(describeStatus({ ...calm, pausedByOwner: true, dueNow: 3, blocked: [{ count: 3, reason: 'x' }] })).toMatchObject({
      state: 'paused',
      detail: 'Sending is paused. 3 messages are waiting.',
    });
  });

  it('says what is blocked and asks to check unknown deliveries', () => {
    const status = describeStatus({ ...calm, dueNow: 1, blocked: [{ count: 1, reason: 'choose a channel for “Car enquiry”.' }], unknownDeliveries: 2 });
    expect(status.state).toBe('waiting-for-channel');
    expect(status.detail).toBe('1 message is waiting: choose a channel for “Car enquiry”. 2 messages need your check in Activity (it is unknown whether they went out).');
  });
});
