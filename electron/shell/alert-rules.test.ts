import { describe, expect, it } from 'vitest';
import { AlertRules } from './alert-rules';
import { delivery, engineStatus } from './shell-test-support';

const STARTED = 1_000_000;
const linked = (channel: string) => channel === 'sms' || channel === 'whatsapp';

describe('AlertRules', () => {
  it('announces a channel going down once per outage', () => {
    const rules = new AlertRules(STARTED, linked);
    const down = { channel: 'whatsapp' as const, state: 'down' as const, reason: 'The phone is offline.' };
    expect(rules.channel(down)).toEqual([
      { title: 'WhatsApp is down', body: 'The phone is offline. Messages wait and go out once it is back.', route: '#/settings' },
    ]);
    expect(rules.channel(down)).toEqual([]);
    expect(rules.channel({ ...down, state: 'connecting' })).toEqual([]);
    expect(rules.channel(down)).toEqual([]);
    expect(rules.channel({ ...down, state: 'ready' })).toEqual([]);
    expect(rules.channel(down)).toHaveLength(1);
    // A channel never linked is not announced.
    expect(new AlertRules(STARTED, () => false).channel(down)).toEqual([]);
    // Channels are told apart.
    expect(rules.channel({ channel: 'sms', state: 'down', reason: null })[0]?.title).toBe('The SMS gateway is down');
  });

  it('announces new deliveries with an unknown outcome, and again after some were resolved', () => {
    const rules = new AlertRules(STARTED, linked);
    expect(rules.engineStatus(engineStatus())).toEqual([]);
    expect(rules.engineStatus(engineStatus({ unknownDeliveries: 2 }))).toEqual([
      {
        title: '2 messages need your check',
        body: 'The app could not tell whether it went out. Open Activity to send it again or mark it as sent.',
        route: '#/activity?status=unknown',
      },
    ]);
    expect(rules.engineStatus(engineStatus({ unknownDeliveries: 2 }))).toEqual([]);
    expect(rules.engineStatus(engineStatus({ unknownDeliveries: 1 }))).toEqual([]);
    expect(rules.engineStatus(engineStatus({ unknownDeliveries: 2 }))).toHaveLength(1);
  });

  it('announces a streak of failures once, until a send goes out', () => {
    const rules = new AlertRules(STARTED, linked);
    const t = STARTED + 10;
    expect(rules.recentDeliveries([delivery(2, 'failed', t), delivery(1, 'failed', t)])).toEqual([]);
    expect(rules.recentDeliveries([delivery(3, 'sent', t), delivery(2, 'failed', t), delivery(1, 'failed', t)])).toEqual([]);
    expect(rules.failing).toBe(false);
    const streak = [delivery(4, 'failed', t, 'Not on WhatsApp'), delivery(3, 'retrying', t), delivery(2, 'failed', t)];
    expect(rules.recentDeliveries(streak)).toEqual([{ title: 'The last 3 messages could not be sent', body: 'Latest: Not on WhatsApp', route: '#/activity' }]);
    expect(rules.failing).toBe(true);
    expect(rules.recentDeliveries([delivery(5, 'failed', t), ...streak])).toEqual([]);
    expect(rules.recentDeliveries([delivery(6, 'sent', t), delivery(5, 'failed', t), ...streak])).toEqual([]);
    expect(rules.failing).toBe(false);
    expect(rules.recentDeliveries([delivery(9, 'failed', t), delivery(8, 'failed', t), delivery(7, 'failed', t)])).toHaveLength(1);
  });

  it('does not call failures from before the app started news', () => {
    const rules = new AlertRules(STARTED, linked);
    expect(rules.recentDeliveries([delivery(3, 'failed', STARTED + 1), delivery(2, 'failed', STARTED - 1), delivery(1, 'failed', STARTED - 2)])).toEqual([]);
    expect(rules.failing).toBe(false);
  });
});
