import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature';

// The worked example of Twilio's security documentation ("Validating requests"): auth token
// 12345, a POST to this URL with these parameters, signed RSOYDt4T1cUTdK1PDd93/VVr8B8=.
const DOCS_TOKEN = '12345';
const DOCS_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOCS_PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675309',
  Digits: '1234',
  From: '+14158675309',
  To: '+18005551212',
} as const;
const DOCS_SIGNATURE = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

const docsRequest = { authToken: DOCS_TOKEN, url: DOCS_URL, params: DOCS_PARAMS, signature: DOCS_SIGNATURE };

describe('Twilio webhook signature', () => {
  it("reproduces the signature of Twilio's documented example", () => {
    expect(twilioSignature(DOCS_TOKEN, DOCS_URL, DOCS_PARAMS)).toBe(DOCS_SIGNATURE);
    expect(verifyTwilioSignature(docsRequest)).toBe(true);
  });

  it('does not depend on the order the parameters arrived in', () => {
    const reversed = Object.fromEntries(Object.entries(DOCS_PARAMS).reverse());
    expect(verifyTwilioSignature({ ...docsRequest, params: reversed })).toBe(true);
  });

  it('accepts the URL spelled with or without the default port, as Twilio signs both ways', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    const signedWithPort = twilioSignature(DOCS_TOKEN, withPort, DOCS_PARAMS);
    expect(signedWithPort).not.toBe(DOCS_SIGNATURE);
    // Twilio signed with the port; we know the URL without it — and the other way round.
    expect(verifyTwilioSignature({ ...docsRequest, signature: signedWithPort })).toBe(true);
    expect(verifyTwilioSignature({ ...docsRequest, url: withPort })).toBe(true);
  });

  it('signs repeated parameters value by value, sorted', () => {
    const params = { Body: 'hi', MediaUrl: ['https://b.example/2', 'https://a.example/1'] };
    const expected = twilioSignature('tok', 'https://x.example/hook', { Body: 'hi', MediaUrl: ['https://a.example/1', 'https://b.example/2'] });
    expect(verifyTwilioSignature({ authToken: 'tok', url: 'https://x.example/hook', params, signature: expected })).toBe(true);
  });

  it.each([
    ['a changed parameter value', { params: { ...DOCS_PARAMS, Digits: '1235' } }],
    ['an added parameter', { params: { ...DOCS_PARAMS, Body: 'STOP' } }],
    ['a removed parameter', { params: { CallSid: DOCS_PARAMS.CallSid, Caller: DOCS_PARAMS.Caller, Digits: '1234', From: DOCS_PARAMS.From } }],
    ['a changed query string', { url: 'https://mycompany.com/myapp.php?foo=1&bar=3' }],
    ['another host', { url: 'https://evil.example/myapp.php?foo=1&bar=2' }],
    ['http instead of https', { url: 'http://mycompany.com/myapp.php?foo=1&bar=2' }],
    ['another auth token', { authToken: '54321' }],
    ['an empty auth token', { authToken: '' }],
    ['a tampered signature', { signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B9=' }],
    ['a truncated signature', { signature: 'RSOYDt4T1cUTdK1PDd93' }],
    ['no signature', { signature: undefined }],
    ['an empty signature', { signature: '' }],
    ['the header sent twice', { signature: [DOCS_SIGNATURE, DOCS_SIGNATURE] }],
  ])('refuses %s', (_what, change) => {
    expect(verifyTwilioSignature({ ...docsRequest, ...change })).toBe(false);
  });
});
