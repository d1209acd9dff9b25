import { describe, expect, it } from 'vitest';
import { configFrom, draftFrom, hasStoredSecret, statusAfterSave, type SmsProviderDraft } from './sms-provider-form';

const SID = `AC${'a'.repeat(32)}`;

function smsgateDraft(patch: Partial<SmsProviderDraft['smsgate']>): SmsProviderDraft {
  const draft = draftFrom(null);
  draft.smsgate = { baseUrl: 'http://192.168.1.20:8080', username: 'shop', password: 'pw-123', ...patch };
  return draft;
}

describe('configFrom: SMSGate', () => {
  it('maps the form to the config, trimmed', () => {
    expect(configFrom(smsgateDraft({ baseUrl: ' http://192.168.1.20:8080 ', username: ' shop ' }), null)).toEqual({
      ok: true,
      config: { provider: 'smsgate', baseUrl: 'http://192.168.1.20:8080', username: 'shop', password: 'pw-123' },
    });
  });

  it('needs a password when none is stored', () => {
    const result = configFrom(smsgateDraft({ password: '' }), null);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors['config.password']).toMatch(/Enter the password/);
  });

  it('keeps the stored password when the field is left empty', () => {
    const saved = { provider: 'smsgate' as const, baseUrl: 'http://old:8080', username: 'shop', hasPassword: true };
    const result = configFrom(smsgateDraft({ password: '' }), saved);
    expect(result).toEqual({ ok: true, config: { provider: 'smsgate', baseUrl: 'http://192.168.1.20:8080', username: 'shop' } });
  });

  it('puts the schema’s message next to the field at fault', () => {
    const result = configFrom(smsgateDraft({ baseUrl: 'ftp://gateway', username: '' }), null);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors['config.baseUrl']).toMatch(/http/);
      expect(result.errors['config.username']).toBe('Username is required');
    }
  });
});

describe('configFrom: Twilio', () => {
  const draft = (patch: Partial<SmsProviderDraft['twilio']>): SmsProviderDraft => {
    const d = draftFrom(null);
    d.provider = 'twilio';
    d.twilio = { accountSid: SID, authToken: 'token', from: '+15017122661', baseUrl: 'https://api.twilio.com', ...patch };
    return d;
  };

  it('maps the form to the config', () => {
    expect(configFrom(draft({}), null)).toEqual({
      ok: true,
      config: { provider: 'twilio', accountSid: SID, authToken: 'token', from: '+15017122661', baseUrl: 'https://api.twilio.com' },
    });
  });

  it('leaves an empty base URL out (the core uses Twilio’s)', () => {
    const result = configFrom(draft({ baseUrl: '' }), null);
    expect(result.ok && !('baseUrl' in result.config)).toBe(true);
  });

  it('needs the auth token unless stored for Twilio; a stored SMSGate password does not count', () => {
    const smsgate = { provider: 'smsgate' as const, baseUrl: 'http://x:8080', username: 'u', hasPassword: true };
    const refused = configFrom(draft({ authToken: '' }), smsgate);
    expect(!refused.ok && refused.errors['config.authToken']).toMatch(/Auth token/);
    const twilio = { provider: 'twilio' as const, accountSid: SID, from: '+15017122661', baseUrl: 'https://api.twilio.com', hasAuthToken: true };
    expect(configFrom(draft({ authToken: '' }), twilio).ok).toBe(true);
  });

  it('checks the Account SID and the sender', () => {
    const result = configFrom(draft({ accountSid: 'AC123', from: '12345' }), null);
    expect(!result.ok && Object.keys(result.errors).sort()).toEqual(['config.accountSid', 'config.from']);
  });
});

describe('configFrom: HTTP template', () => {
  const saved = {
    provider: 'http' as const,
    url: 'http://192.168.1.30/send',
    method: 'POST' as const,
    headerNames: ['X-Api-Key'],
    body: '{"to":"{{to}}"}',
    contentType: 'application/json',
  };

  it('leaves the headers out when they are as saved, which keeps their stored values', () => {
    const result = configFrom(draftFrom(saved), saved);
    expect(result).toEqual({
      ok: true,
      config: { provider: 'http', url: 'http://192.168.1.30/send', method: 'POST', body: '{"to":"{{to}}"}', contentType: 'application/json' },
    });
  });

  it('sends every header once the list changed, and asks for saved values again', () => {
    const draft = draftFrom(saved);
    draft.http.headers.push({ name: 'X-Other', value: 'v2', saved: false });
    const refused = configFrom(draft, saved);
    expect(!refused.ok && refused.errors['config.headers.0.value']).toMatch(/Type this value again/);
    const first = draft.http.headers[0];
    if (first) first.value = 'secret-key';
    expect(configFrom(draft, saved)).toEqual({
      ok: true,
      config: {
        provider: 'http',
        url: 'http://192.168.1.30/send',
        method: 'POST',
        body: '{"to":"{{to}}"}',
        contentType: 'application/json',
        headers: [
          { name: 'X-Api-Key', value: 'secret-key' },
          { name: 'X-Other', value: 'v2' },
        ],
      },
    });
  });

  it('removing every header sends an empty list', () => {
    const draft = draftFrom(saved);
    draft.http.headers = [];
    const result = configFrom(draft, saved);
    expect(result.ok && result.config.provider === 'http' && result.config.headers).toEqual([]);
  });

  it('sends no body for GET and checks header names', () => {
    const draft = draftFrom(null);
    draft.provider = 'http';
    draft.http = { url: 'http://gw/send?to={{to}}&text={{text}}', method: 'GET', headers: [{ name: 'bad name', value: 'x', saved: false }], body: 'ignored', contentType: 'text/plain' };
    const refused = configFrom(draft, null);
    expect(!refused.ok && refused.errors['config.headers.0.name']).toMatch(/Header names/);
    draft.http.headers = [];
    const result = configFrom(draft, null);
    expect(result.ok && result.config.provider === 'http' && result.config.body).toBe('');
  });
});

describe('draftFrom and statusAfterSave', () => {
  it('fills the stored provider’s fields, never a secret', () => {
    const draft = draftFrom({ provider: 'twilio', accountSid: SID, from: '+15017122661', baseUrl: 'http://127.0.0.1:9', hasAuthToken: true });
    expect(draft.provider).toBe('twilio');
    expect(draft.twilio).toEqual({ accountSid: SID, authToken: '', from: '+15017122661', baseUrl: 'http://127.0.0.1:9' });
    expect(draft.smsgate.baseUrl).toBe('');
  });

  it('round-trips: a saved config reads back as the same form', () => {
    const result = configFrom(smsgateDraft({}), null);
    if (!result.ok) throw new Error('expected a config');
    const status = statusAfterSave(result.config, null);
    expect(hasStoredSecret(status, 'smsgate')).toBe(true);
    expect(hasStoredSecret(status, 'twilio')).toBe(false);
    expect(draftFrom(status).smsgate).toEqual({ baseUrl: 'http://192.168.1.20:8080', username: 'shop', password: '' });
  });
});
