import { describe, expect, it } from 'vitest';
import { engineStatus } from './shell-test-support';
import { describeTray, trayState } from './tray-status';

const NOW = Date.UTC(2026, 10, 20, 9, 0); // a Friday
const linked = (channel: string) => channel === 'sms' || channel === 'whatsapp';
const context = { now: NOW, timeZone: 'UTC', locale: 'en-GB', failing: false, isLinked: linked };

describe('trayState', () => {
  it('says the most pressing thing: a channel down, then what needs the owner, then paused', () => {
    const down = { channel: 'whatsapp' as const, state: 'down' as const, reason: null };
    expect(trayState(engineStatus({ pausedByOwner: true, unknownDeliveries: 1, channels: [down] }), false, linked)).toBe('channel-down');
    expect(trayState(engineStatus({ pausedByOwner: true, unknownDeliveries: 1 }), false, linked)).toBe('attention');
    expect(trayState(engineStatus({ pausedByOwner: true }), true, linked)).toBe('attention');
    expect(trayState(engineStatus({ state: 'waiting-for-channel' }), false, linked)).toBe('attention');
    expect(trayState(engineStatus({ pausedByOwner: true, state: 'paused' }), false, linked)).toBe('paused');
    expect(trayState(engineStatus({ state: 'running' }), false, linked)).toBe('sending');
    expect(trayState(engineStatus({ state: 'idle' }), false, linked)).toBe('sending');
  });

  it('calls only a linked channel "down"', () => {
    const whatsappDown = engineStatus({ channels: [{ channel: 'whatsapp', state: 'down', reason: 'WhatsApp is not linked.' }] });
    expect(trayState(whatsappDown, false, linked)).toBe('channel-down');
    expect(trayState(whatsappDown, false, (channel) => channel === 'sms')).toBe('sending');
    expect(describeTray(whatsappDown, { ...context, isLinked: (channel) => channel === 'sms' }).detail).toBe('Nothing is scheduled.');
  });

  it('does not call a channel that is connecting or not set up "down"', () => {
    expect(trayState(engineStatus({ channels: [{ channel: 'whatsapp', state: 'connecting', reason: null }, { channel: 'sms', state: 'not-configured', reason: null }] }), false, linked)).toBe('sending');
  });
});

describe('describeTray', () => {
  it('gives the next send and the day’s count', () => {
    expect(describeTray(engineStatus({ nextSendAt: Date.UTC(2026, 10, 20, 14, 5), sentToday: 12 }), context).statusLine).toBe('Next send 14:05 · 12 sent today');
    expect(describeTray(engineStatus({ nextSendAt: NOW - 1000, sentToday: 1 }), context).statusLine).toBe('Next send now · 1 sent today');
    expect(describeTray(engineStatus({ nextSendAt: Date.UTC(2026, 10, 23, 9, 0) }), context).statusLine).toBe('Next send Mon 09:00 · 0 sent today');
    expect(describeTray(engineStatus({ sentToday: 4 }), context).statusLine).toBe('Nothing scheduled · 4 sent today');
    expect(describeTray(engineStatus({ pausedByOwner: true, nextSendAt: NOW + 1000 }), context).statusLine).toBe('Sending paused · 0 sent today');
  });

  it('shows times in the zone and language asked for', () => {
    const at = Date.UTC(2026, 10, 20, 14, 5);
    // ICU versions differ in the space before AM (a narrow no-break space in newer ones).
    const line = describeTray(engineStatus({ nextSendAt: at }), { ...context, timeZone: 'America/New_York', locale: 'en-US' }).statusLine;
    expect(line.replace(/\s/g, ' ')).toBe('Next send 9:05 AM · 0 sent today');
  });

  it('puts what is wrong first in the tooltip, within Windows’ 127 characters', () => {
    const status = engineStatus({
      state: 'waiting-for-channel',
      detail: `3 messages are waiting: choose a channel for “${'Very long sequence name '.repeat(5)}”.`,
      channels: [{ channel: 'sms', state: 'down', reason: null }],
    });
    const tray = describeTray(status, context);
    expect(tray.tooltip.startsWith('Sequence Automation: The SMS gateway is down. 3 messages are waiting')).toBe(true);
    expect(tray.tooltip.length).toBe(127);
    expect(tray.tooltip.endsWith('…')).toBe(true);
  });

  it('says it is starting before the first status arrives', () => {
    expect(describeTray(null, context)).toMatchObject({ state: 'sending', statusLine: 'Starting…' });
  });
});
