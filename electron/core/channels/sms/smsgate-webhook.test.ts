import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSmsGateWebhook, readSmsGateWebhook, verifySmsGateSignature } from './smsgate-webhook';

const KEY = 'k3y-from-the-phone';
const NOW = Date.UTC(2026, 1, 17, 12, 0, 0);
const nowSeconds = String(NOW / 1000);

const sign = (body: string, timestamp: string, key = KEY): string => createHmac('sha256', key).update(body + timestamp).digest('hex');

const received = JSON.stringify({
  deviceId: 'ffffffffceb0b1db0000018e937c815b',
  event: 'sms:received',
  id: 'Ey6ECgOkVVFjz3CL48B8C',
  payload: {
    messageId: 'abc123',
    message: 'STOP please',
    sender: '+4915123456789',
    recipient: '+4930123456',
    phoneNumber: '+4915123456789',
    simNumber: 1,
    receivedAt: '2026-02-17T13:00:00.000+01:00',
  },
  webhookId: 'wh-1',
});

describe('verifySmsGateSignature', () => {
  it('accepts the documented signature: hex HMAC-SHA256 over raw body + X-Timestamp', () => {
    expect(verifySmsGateSignature({ rawBody: Buffer.from(received), signature: sign(received, nowSeconds), timestamp: nowSeconds }, KEY, NOW)).toEqual({
      ok: true,
      value: null,
    });
  });

  it('accepts an upper-case hex signature', () => {
    const signature = sign(received, nowSeconds).toUpperCase();
    expect(verifySmsGateSignature({ rawBody: received, signature, timestamp: nowSeconds }, KEY, NOW).ok).toBe(true);
  });

  it('rejects a signature made with another key, or over a modified body', () => {
    expect(verifySmsGateSignature({ rawBody: received, signature: sign(received, nowSeconds, 'other'), timestamp: nowSeconds }, KEY, NOW)).toEqual({
      ok: false,
      reason: 'Signature does not match.',
    });
    const tampered = received.replace('STOP please', 'START');
    expect(verifySmsGateSignature({ rawBody: tampered, signature: sign(received, nowSeconds), timestamp: nowSeconds }, KEY, NOW).ok).toBe(false);
  });

  it('checks the body bytes as received, not re-serialised JSON', () => {
    const spaced = received.replace('{', '{ ');
    expect(verifySmsGateSignature({ rawBody: spaced, signature: sign(received, nowSeconds), timestamp: nowSeconds }, KEY, NOW).ok).toBe(false);
    expect(verifySmsGateSignature({ rawBody: spaced, signature: sign(spaced, nowSeconds), timestamp: nowSeconds }, KEY, NOW).ok).toBe(true);
  });

  it('binds the timestamp into the signature', () => {
    const other = String(NOW / 1000 - 10);
    expect(verifySmsGateSignature({ rawBody: received, signature: sign(received, nowSeconds), timestamp: other }, KEY, NOW).ok).toBe(false);
  });

  it('accepts up to 5 minutes of clock difference either way, and rejects more (replay)', () => {
    for (const offset of [-300, 300]) {
      const ts = String(NOW / 1000 + offset);
      expect(verifySmsGateSignature({ rawBody: received, signature: sign(received, ts), timestamp: ts }, KEY, NOW).ok).toBe(true);
    }
    for (const offset of [-301, 301]) {
      const ts = String(NOW / 1000 + offset);
      expect(verifySmsGateSignature({ rawBody: received, signature: sign(received, ts), timestamp: ts }, KEY, NOW)).toEqual({
        ok: false,
        reason: 'X-Timestamp is more than 5 minutes away from this computer’s clock.',
      });
    }
  });

  it('rejects missing, repeated or malformed headers, and an empty key', () => {
    const good = sign(received, nowSeconds);
    expect(verifySmsGateSignature({ rawBody: received, signature: undefined, timestamp: nowSeconds }, KEY, NOW).ok).toBe(false);
    expect(verifySmsGateSignature({ rawBody: received, signature: good, timestamp: undefined }, KEY, NOW).ok).toBe(false);
    expect(verifySmsGateSignature({ rawBody: received, signature: [good, good], timestamp: nowSeconds }, KEY, NOW).ok).toBe(false);
    expect(verifySmsGateSignature({ rawBody: received, signature: good.slice(2), timestamp: nowSeconds }, KEY, NOW).ok).toBe(false);
    expect(verifySmsGateSignature({ rawBody: received, signature: good, timestamp: '2026-02-17T12:00:00Z' }, KEY, NOW).ok).toBe(false);
    expect(verifySmsGateSignature({ rawBody: received, signature: sign(received, nowSeconds, ''), timestamp: nowSeconds }, '', NOW)).toEqual({
      ok: false,
      reason: 'No webhook signing key is configured.',
    });
  });
});

describe('parseSmsGateWebhook', () => {
  it('turns sms:received into an inbound message from the sender', () => {
    expect(parseSmsGateWebhook(received)).toEqual({
      ok: true,
      value: {
        type: 'sms:received',
        eventId: 'Ey6ECgOkVVFjz3CL48B8C',
        deviceId: 'ffffffffceb0b1db0000018e937c815b',
        from: '+4915123456789',
        text: 'STOP please',
        receivedAt: Date.UTC(2026, 1, 17, 12, 0, 0),
      },
    });
  });

  it('reads older payloads that only carry phoneNumber', () => {
    const old = JSON.stringify({
      event: 'sms:received',
      id: 'e1',
      payload: { message: 'Hi', phoneNumber: '+4915123456789', receivedAt: '2024-06-22T15:46:11.000+07:00' },
    });
    expect(parseSmsGateWebhook(old)).toMatchObject({ ok: true, value: { from: '+4915123456789', text: 'Hi', deviceId: null } });
  });

  it('parses outbound status events, keyed by our message id', () => {
    const failed = JSON.stringify({ event: 'sms:failed', id: 'e2', payload: { messageId: 'd-17-3', failedAt: '2026-02-17T12:00:00Z', reason: 'RESULT_ERROR_NO_SERVICE' } });
    expect(parseSmsGateWebhook(failed)).toEqual({
      ok: true,
      value: { type: 'sms:failed', eventId: 'e2', messageId: 'd-17-3', at: NOW, reason: 'RESULT_ERROR_NO_SERVICE' },
    });
    const delivered = JSON.stringify({ event: 'sms:delivered', id: 'e3', payload: { messageId: 'd-17-3', deliveredAt: '2026-02-17T12:00:00Z' } });
    expect(parseSmsGateWebhook(delivered)).toEqual({ ok: true, value: { type: 'sms:delivered', eventId: 'e3', messageId: 'd-17-3', at: NOW } });
  });

  it('reports other events as ignored so the receiver can still answer 2xx', () => {
    expect(parseSmsGateWebhook(JSON.stringify({ event: 'system:ping', id: 'e4', payload: {} }))).toEqual({
      ok: true,
      value: { type: 'ignored', eventId: 'e4', event: 'system:ping' },
    });
  });

  it.each([
    ['not JSON', 'event=sms:received'],
    ['no envelope', JSON.stringify({ message: 'hi' })],
    ['no sender', JSON.stringify({ event: 'sms:received', id: 'e', payload: { message: 'hi', receivedAt: '2026-02-17T12:00:00Z' } })],
    ['bad date', JSON.stringify({ event: 'sms:received', id: 'e', payload: { message: 'hi', sender: '+49151', receivedAt: 'yesterday' } })],
    ['text not a string', JSON.stringify({ event: 'sms:received', id: 'e', payload: { message: 42, sender: '+49151', receivedAt: '2026-02-17T12:00:00Z' } })],
    ['status without time', JSON.stringify({ event: 'sms:sent', id: 'e', payload: { messageId: 'd' } })],
  ])('rejects a malformed body (%s)', (_label, body) => {
    const result = parseSmsGateWebhook(body);
    expect(result.ok).toBe(false);
  });
});

describe('readSmsGateWebhook', () => {
  it('parses only after the signature checks out', () => {
    expect(readSmsGateWebhook({ rawBody: received, signature: sign(received, nowSeconds), timestamp: nowSeconds }, KEY, NOW)).toMatchObject({
      ok: true,
      value: { type: 'sms:received', text: 'STOP please' },
    });
    const bogus = '{"not":"json"';
    expect(readSmsGateWebhook({ rawBody: bogus, signature: sign(received, nowSeconds), timestamp: nowSeconds }, KEY, NOW)).toEqual({
      ok: false,
      reason: 'Signature does not match.',
    });
    expect(readSmsGateWebhook({ rawBody: bogus, signature: sign(bogus, nowSeconds), timestamp: nowSeconds }, KEY, NOW)).toEqual({
      ok: false,
      reason: 'The body is not JSON.',
    });
  });
});
