/**
 * Where the configured SMS provider is kept: ONE provider at a time.
 *
 * - The non-secret part is one setting, `channels.smsProvider` (a discriminated union on
 *   `provider`). Installs from before Twilio and the HTTP template have `channels.smsGateway`
 *   (`{ baseUrl, username }`, SMSGate): it is read as an SMSGate provider, and the next save
 *   replaces it with the new setting.
 * - Secrets live in the SecretStore, never in the database, a log line or an answer: the SMSGate
 *   password (under the key it always had), the Twilio auth token, the HTTP template's header
 *   values (one JSON array, in the order of the stored header names).
 * - A secret left out of an update keeps the stored one — for the same provider only: switching
 *   provider needs its secrets entered. For the HTTP template: `headers` left out keeps the stored
 *   headers as they are; a header listed without a value keeps the stored value of that name. Saving one provider deletes the other providers' secrets
 *   (after the setting is written, so a failure half-way leaves the old provider working).
 */
import { z } from 'zod';
import type { SmsProviderConfig, SmsProviderStatus } from '../../../../shared/domain';
import { AppError, errorMessage, validation } from '../../errors';
import type { Logger } from '../../logger';
import type { SecretStore } from '../../secrets/secret-store';
import type { Store } from '../../store/store';
import type { HttpTemplate, HttpTemplateHeader } from './http-template';
import { TWILIO_API_URL } from './twilio';

export const SMS_PROVIDER_SETTING = 'channels.smsProvider';
/** The SMSGate-only setting of earlier versions; read when the new one is absent. */
export const LEGACY_SMS_GATEWAY_SETTING = 'channels.smsGateway';

export const SMS_SECRET_KEYS = {
  smsgate: 'smsGateway.password',
  twilio: 'twilio.authToken',
  http: 'smsHttp.headerValues',
} as const;

const StoredSmsProviderSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('smsgate'), baseUrl: z.string().min(1), username: z.string().min(1) }),
  z.object({ provider: z.literal('twilio'), accountSid: z.string().min(1), from: z.string().min(1), baseUrl: z.string().min(1) }),
  z.object({
    provider: z.literal('http'),
    url: z.string().min(1),
    method: z.enum(['GET', 'POST']),
    headerNames: z.array(z.string()),
    body: z.string(),
    contentType: z.enum(['application/json', 'application/x-www-form-urlencoded', 'text/plain']),
  }),
]);
const LegacySmsGatewaySchema = z.object({ baseUrl: z.string().min(1), username: z.string().min(1) });
const HeaderValuesSchema = z.array(z.string());

type StoredSmsProvider = z.infer<typeof StoredSmsProviderSchema>;

/** A provider with everything needed to build its channel, secrets included. */
export type SmsProviderSetup =
  | { provider: 'smsgate'; baseUrl: string; username: string; password: string }
  | { provider: 'twilio'; accountSid: string; from: string; baseUrl: string; authToken: string }
  | ({ provider: 'http' } & HttpTemplate);

export type LoadedSmsProvider = { kind: 'ready'; setup: SmsProviderSetup } | { kind: 'missing-secret'; reason: string } | null;

const MISSING_SECRET: Record<SmsProviderSetup['provider'], string> = {
  smsgate: 'The SMS gateway password is missing. Enter it again in Settings → Channels.',
  twilio: 'The Twilio auth token is missing. Enter it again in Settings → Channels.',
  http: "The SMS gateway's header values are missing. Enter them again in Settings → Channels.",
};

export class SmsProviderSettings {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretStore,
    private readonly logger: Logger,
  ) {}

  /** The stored provider with its secrets; `missing-secret` when a secret cannot be read. */
  load(): LoadedSmsProvider {
    const stored = this.stored();
    if (stored === null) return null;
    const setup = this.withStoredSecrets(stored);
    return setup === null ? { kind: 'missing-secret', reason: MISSING_SECRET[stored.provider] } : { kind: 'ready', setup };
  }

  /** What the renderer may see: the configuration without secrets. */
  status(): SmsProviderStatus | null {
    const stored = this.stored();
    if (stored === null) return null;
    switch (stored.provider) {
      case 'smsgate':
        return { ...stored, hasPassword: this.readSecret('smsgate') !== undefined };
      case 'twilio':
        return { ...stored, hasAuthToken: this.readSecret('twilio') !== undefined };
      case 'http':
        return stored;
    }
  }

  /**
   * The configuration entered by the owner, with omitted secrets taken from the store (same
   * provider only). Throws VALIDATION naming the field (`config.password`, …) of a secret that is
   * needed and not there.
   */
  resolve(config: SmsProviderConfig): SmsProviderSetup {
    const stored = this.stored();
    const same = stored?.provider === config.provider;
    switch (config.provider) {
      case 'smsgate': {
        const password = config.password ?? (same ? this.readSecret('smsgate') : undefined);
        if (password === undefined) throw validation('Password is required', 'config.password');
        return { provider: 'smsgate', baseUrl: config.baseUrl, username: config.username, password };
      }
      case 'twilio': {
        const authToken = config.authToken ?? (same ? this.readSecret('twilio') : undefined);
        if (authToken === undefined) throw validation('Auth token is required', 'config.authToken');
        return { provider: 'twilio', accountSid: config.accountSid, from: config.from, baseUrl: config.baseUrl ?? TWILIO_API_URL, authToken };
      }
      case 'http': {
        const previous = stored?.provider === 'http' ? this.storedHeaders(stored) : null;
        // Headers left out altogether: the stored ones, names and values, as they are.
        if (config.headers === undefined) {
          if (stored?.provider === 'http' && previous === null) throw validation(MISSING_SECRET.http, 'config.headers');
          return { provider: 'http', url: config.url, method: config.method, headers: previous ?? [], body: config.body, contentType: config.contentType };
        }
        const headers = config.headers.map((header, i): HttpTemplateHeader => {
          const kept = previous?.find((p) => p.name.toLowerCase() === header.name.toLowerCase())?.value;
          const value = header.value ?? kept;
          if (value === undefined) throw validation(`Enter the value of the header "${header.name}"`, `config.headers.${i}.value`);
          return { name: header.name, value };
        });
        return { provider: 'http', url: config.url, method: config.method, headers, body: config.body, contentType: config.contentType };
      }
    }
  }

  /** Stores the provider (secrets first, then the setting), replacing whatever was there. */
  save(setup: SmsProviderSetup): void {
    const { store } = this;
    let stored: StoredSmsProvider;
    try {
      switch (setup.provider) {
        case 'smsgate':
          this.secrets.set(SMS_SECRET_KEYS.smsgate, setup.password);
          stored = { provider: 'smsgate', baseUrl: setup.baseUrl, username: setup.username };
          break;
        case 'twilio':
          this.secrets.set(SMS_SECRET_KEYS.twilio, setup.authToken);
          stored = { provider: 'twilio', accountSid: setup.accountSid, from: setup.from, baseUrl: setup.baseUrl };
          break;
        case 'http':
          this.secrets.set(SMS_SECRET_KEYS.http, JSON.stringify(setup.headers.map((h) => h.value)));
          stored = { provider: 'http', url: setup.url, method: setup.method, headerNames: setup.headers.map((h) => h.name), body: setup.body, contentType: setup.contentType };
          break;
      }
    } catch (error) {
      // Never the secret itself: only what went wrong with the store.
      this.logger.error('Could not store the SMS provider secret', { provider: setup.provider, error: errorMessage(error) });
      throw new AppError('INTERNAL', `The password or token could not be stored safely: ${errorMessage(error)}`);
    }
    store.write(() => {
      store.settings.set(SMS_PROVIDER_SETTING, stored);
      store.settings.set(LEGACY_SMS_GATEWAY_SETTING, null);
    });
    this.deleteSecretsExcept(setup.provider);
  }

  /** Forgets the provider and every SMS secret. */
  remove(): void {
    this.deleteSecretsExcept(null);
    const { store } = this;
    store.write(() => {
      store.settings.set(SMS_PROVIDER_SETTING, null);
      store.settings.set(LEGACY_SMS_GATEWAY_SETTING, null);
    });
  }

  private stored(): StoredSmsProvider | null {
    const current = this.store.settings.get(SMS_PROVIDER_SETTING);
    if (current !== undefined && current !== null) {
      const parsed = StoredSmsProviderSchema.safeParse(current);
      if (parsed.success) return parsed.data;
      this.logger.warn('Ignoring a stored SMS provider this version does not understand', { issues: parsed.error.issues.length });
      return null;
    }
    const legacy = LegacySmsGatewaySchema.safeParse(this.store.settings.get(LEGACY_SMS_GATEWAY_SETTING));
    return legacy.success ? { provider: 'smsgate', ...legacy.data } : null;
  }

  private withStoredSecrets(stored: StoredSmsProvider): SmsProviderSetup | null {
    switch (stored.provider) {
      case 'smsgate': {
        const password = this.readSecret('smsgate');
        return password === undefined ? null : { ...stored, password };
      }
      case 'twilio': {
        const authToken = this.readSecret('twilio');
        return authToken === undefined ? null : { ...stored, authToken };
      }
      case 'http': {
        const headers = this.storedHeaders(stored);
        if (headers === null) return null;
        return { provider: 'http', url: stored.url, method: stored.method, headers, body: stored.body, contentType: stored.contentType };
      }
    }
  }

  /** The stored header names with their secret values; null when the values cannot be read. */
  private storedHeaders(stored: Extract<StoredSmsProvider, { provider: 'http' }>): HttpTemplateHeader[] | null {
    if (stored.headerNames.length === 0) return [];
    const text = this.readSecret('http');
    if (text === undefined) return null;
    let values: string[];
    try {
      values = HeaderValuesSchema.parse(JSON.parse(text));
    } catch {
      this.logger.error('The stored SMS gateway header values cannot be read');
      return null;
    }
    if (values.length !== stored.headerNames.length) return null;
    return stored.headerNames.map((name, i) => ({ name, value: values[i] ?? '' }));
  }

  private readSecret(provider: SmsProviderSetup['provider']): string | undefined {
    try {
      return this.secrets.get(SMS_SECRET_KEYS[provider]);
    } catch (error) {
      this.logger.error('Could not read an SMS provider secret', { provider, error: errorMessage(error) });
      return undefined;
    }
  }

  private deleteSecretsExcept(keep: SmsProviderSetup['provider'] | null): void {
    for (const provider of ['smsgate', 'twilio', 'http'] as const) {
      if (provider === keep) continue;
      try {
        this.secrets.delete(SMS_SECRET_KEYS[provider]);
      } catch (error) {
        // The provider is already replaced; a leftover secret is logged, not fatal.
        this.logger.error('Could not delete an unused SMS provider secret', { provider, error: errorMessage(error) });
      }
    }
  }
}
