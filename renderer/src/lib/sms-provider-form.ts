/**
 * Settings → SMS: the form's draft for each provider (SMSGate, Twilio, HTTP template) and how it
 * becomes the `channels.configureSmsProvider` config.
 *
 * Secrets are write-only: the core says only whether one is stored (`hasPassword`, …). A secret
 * field left empty keeps the stored one — the core keeps it when the field is left out, for the
 * same provider only — so the owner can change an address without retyping a password. HTTP
 * header values are secrets too: headers left exactly as saved (same names, no value typed) are
 * left out of the config, which keeps them; any other change sends the whole list, so every value
 * has to be typed.
 *
 * Errors are keyed by the server's field path (`config.baseUrl`), the one `Field` and the server
 * agree on.
 */
import { SmsProviderConfigSchema } from '../../../shared/contract';
import type { SmsProviderConfig, SmsProviderStatus } from '../../../shared/domain';

export type SmsProvider = SmsProviderConfig['provider'];
export type HttpMethod = 'GET' | 'POST';
export const HTTP_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const;
export type HttpContentType = (typeof HTTP_CONTENT_TYPES)[number];

export const TWILIO_DEFAULT_BASE_URL = 'https://api.twilio.com';

export interface HeaderDraft {
  name: string;
  value: string;
  /** Came from the stored config: its value is kept but never shown. */
  saved: boolean;
}

export interface SmsProviderDraft {
  provider: SmsProvider;
  smsgate: { baseUrl: string; username: string; password: string };
  twilio: { accountSid: string; authToken: string; from: string; baseUrl: string };
  http: { url: string; method: HttpMethod; headers: HeaderDraft[]; body: string; contentType: HttpContentType };
}

export type SmsFormErrors = Partial<Record<string, string>>;

export const SMS_PROVIDER_LABELS: Record<SmsProvider, string> = {
  smsgate: 'SMS Gateway for Android (SMSGate)',
  twilio: 'Twilio',
  http: 'Other gateway (HTTP template)',
};

const EMPTY: SmsProviderDraft = {
  provider: 'smsgate',
  smsgate: { baseUrl: '', username: '', password: '' },
  twilio: { accountSid: '', authToken: '', from: '', baseUrl: TWILIO_DEFAULT_BASE_URL },
  http: { url: '', method: 'POST', headers: [], body: '{"to": "{{to}}", "text": "{{text}}"}', contentType: 'application/json' },
};

function contentTypeOf(value: string): HttpContentType {
  return HTTP_CONTENT_TYPES.find((known) => known === value) ?? 'application/json';
}

/** The form as the stored provider fills it (secrets empty); the other providers start blank. */
export function draftFrom(saved: SmsProviderStatus | null): SmsProviderDraft {
  const draft: SmsProviderDraft = structuredClone(EMPTY);
  if (saved === null) return draft;
  draft.provider = saved.provider;
  switch (saved.provider) {
    case 'smsgate':
      draft.smsgate = { baseUrl: saved.baseUrl, username: saved.username, password: '' };
      break;
    case 'twilio':
      draft.twilio = { accountSid: saved.accountSid, authToken: '', from: saved.from, baseUrl: saved.baseUrl || TWILIO_DEFAULT_BASE_URL };
      break;
    case 'http':
      draft.http = {
        url: saved.url,
        method: saved.method,
        headers: saved.headerNames.map((name) => ({ name, value: '', saved: true })),
        body: saved.body,
        contentType: contentTypeOf(saved.contentType),
      };
      break;
  }
  return draft;
}

/** Whether the core holds this provider's secret (so an empty field keeps it). */
export function hasStoredSecret(saved: SmsProviderStatus | null, provider: SmsProvider): boolean {
  if (saved === null || saved.provider !== provider) return false;
  switch (saved.provider) {
    case 'smsgate':
      return saved.hasPassword;
    case 'twilio':
      return saved.hasAuthToken;
    case 'http':
      return saved.headerNames.length > 0;
  }
}

function headersUnchanged(headers: readonly HeaderDraft[], saved: SmsProviderStatus | null): boolean {
  if (saved?.provider !== 'http') return headers.length === 0;
  return (
    headers.length === saved.headerNames.length &&
    headers.every((header, i) => header.saved && header.value === '' && header.name.trim() === saved.headerNames[i])
  );
}

/** The config as typed, before validation; secrets left empty are left out. */
function candidateFrom(draft: SmsProviderDraft, saved: SmsProviderStatus | null): Record<string, unknown> {
  switch (draft.provider) {
    case 'smsgate': {
      const { baseUrl, username, password } = draft.smsgate;
      return { provider: 'smsgate', baseUrl: baseUrl.trim(), username: username.trim(), ...(password === '' ? {} : { password }) };
    }
    case 'twilio': {
      const { accountSid, authToken, from, baseUrl } = draft.twilio;
      return {
        provider: 'twilio',
        accountSid: accountSid.trim(),
        from: from.trim(),
        ...(authToken.trim() === '' ? {} : { authToken: authToken.trim() }),
        ...(baseUrl.trim() === '' ? {} : { baseUrl: baseUrl.trim() }),
      };
    }
    case 'http': {
      const { url, method, headers, body, contentType } = draft.http;
      const keepHeaders = headersUnchanged(headers, saved);
      return {
        provider: 'http',
        url: url.trim(),
        method,
        body: method === 'GET' ? '' : body,
        contentType,
        ...(keepHeaders ? {} : { headers: headers.map((header) => ({ name: header.name.trim(), value: header.value })) }),
      };
    }
  }
}

/** Secrets the core does not have and the owner did not type. */
function missingSecrets(draft: SmsProviderDraft, candidate: Record<string, unknown>, saved: SmsProviderStatus | null): SmsFormErrors {
  const errors: SmsFormErrors = {};
  const stored = hasStoredSecret(saved, draft.provider);
  if (draft.provider === 'smsgate' && !('password' in candidate) && !stored) {
    errors['config.password'] = 'Enter the password shown in the SMS Gateway app.';
  }
  if (draft.provider === 'twilio' && !('authToken' in candidate) && !stored) {
    errors['config.authToken'] = 'Enter the Auth token from your Twilio console.';
  }
  if (draft.provider === 'http' && 'headers' in candidate) {
    draft.http.headers.forEach((header, i) => {
      if (header.saved && header.value === '') {
        errors[`config.headers.${i}.value`] = 'Type this value again: values are stored encrypted and never shown, so a change to the headers needs them all.';
      }
    });
  }
  return errors;
}

export type ConfigResult = { ok: true; config: SmsProviderConfig } | { ok: false; errors: SmsFormErrors };

/** The config to save, or what to fix, next to each field. */
export function configFrom(draft: SmsProviderDraft, saved: SmsProviderStatus | null): ConfigResult {
  const candidate = candidateFrom(draft, saved);
  const errors: SmsFormErrors = {};
  const parsed = SmsProviderConfigSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = ['config', ...issue.path.map(String)].join('.');
      errors[key] ??= issue.message;
    }
  }
  for (const [key, message] of Object.entries(missingSecrets(draft, candidate, saved))) errors[key] ??= message;
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, config: parsed.data };
}

/** What the stored provider looks like after a save, for the form to start from (no secret is kept here). */
export function statusAfterSave(config: SmsProviderConfig, saved: SmsProviderStatus | null): SmsProviderStatus {
  switch (config.provider) {
    case 'smsgate':
      return { provider: 'smsgate', baseUrl: config.baseUrl, username: config.username, hasPassword: true };
    case 'twilio':
      return { provider: 'twilio', accountSid: config.accountSid, from: config.from, baseUrl: config.baseUrl ?? TWILIO_DEFAULT_BASE_URL, hasAuthToken: true };
    case 'http':
      return {
        provider: 'http',
        url: config.url,
        method: config.method,
        headerNames: config.headers ? config.headers.map((header) => header.name) : saved?.provider === 'http' ? saved.headerNames : [],
        body: config.body,
        contentType: config.contentType,
      };
  }
}
