/**
 * The channels the engine can send through, and their configuration.
 *
 * - Test mode is always there and always ready: it sends nothing, and the delivery row the engine
 *   writes (channel 'test', rendered text) is the record of what would have gone out.
 * - SMS (SMSGate) exists once the owner has configured it. Its base URL and username are a
 *   setting (`channels.smsGateway`); the password lives in the SecretStore, never in the database,
 *   a log line or an API answer. A configuration whose password cannot be read (secrets file
 *   removed, keyring locked) shows as not configured, with the reason.
 * - WhatsApp arrives with the channels issue: `not-configured` until then.
 *
 * Every status change of a channel (and every reconfiguration) is emitted as `channel.status`
 * and passed to `onChange` listeners (the engine wakes on it: a channel that came back resumes
 * sending by itself).
 */
import { z } from 'zod';
import { channelIds } from '../../../shared/contract';
import type { ParsedInput } from '../../../shared/contract';
import type { ChannelStatusInfo, SendTestMessageResult, SmsGateStatus, SmsProviderConfig, SmsProviderStatus } from '../../../shared/domain';
import type { Clock } from '../clock';
import { AppError, errorMessage, validation } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { SecretStore } from '../secrets/secret-store';
import type { Store } from '../store/store';
import type { Channel, ChannelId } from './channel';
import { SmsGateChannel } from './sms/smsgate';
import { TestModeChannel } from './test-mode-channel';

export const SMS_GATEWAY_SETTING = 'channels.smsGateway';
export const SMS_GATEWAY_PASSWORD_SECRET = 'smsGateway.password';

const StoredSmsGatewaySchema = z.object({ baseUrl: z.string().min(1), username: z.string().min(1) });

const SMS_NOT_SET_UP = 'The SMS gateway is not set up yet (Settings → Channels).';
const WHATSAPP_NOT_AVAILABLE = 'WhatsApp is not available in this version yet.';

export interface SmsGatewayInput {
  baseUrl: string;
  username: string;
  password: string;
}

export interface ChannelRegistryDeps {
  store: Store;
  secrets: SecretStore;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** The shop's WhatsApp (channels/whatsapp/), built by the composition root; absent: not available. */
  whatsapp?: Channel;
  /** For tests: the fetch the SMS channel uses, and its per-request timeout. */
  smsFetch?: typeof fetch;
  smsTimeoutMs?: number;
}

export class ChannelRegistry {
  private readonly test: TestModeChannel;
  private sms: SmsGateChannel | null = null;
  /** Why SMS is not configured although a configuration exists (the password could not be read). */
  private smsProblem: string | null = null;
  private unsubscribeSms: (() => void) | null = null;
  private readonly unsubscribeWhatsapp: (() => void) | null;
  private readonly listeners = new Set<(status: ChannelStatusInfo) => void>();

  constructor(private readonly deps: ChannelRegistryDeps) {
    // The delivery row is the record: nothing else to store.
    this.test = new TestModeChannel({ record: () => undefined, clock: deps.clock, logger: deps.logger });
    this.loadSms();
    this.unsubscribeWhatsapp = deps.whatsapp?.onStatusChange(() => this.announce('whatsapp')) ?? null;
  }

  /** The channel to send through, or null when it is not configured. */
  get(id: ChannelId): Channel | null {
    switch (id) {
      case 'test':
        return this.test;
      case 'sms':
        return this.sms;
      case 'whatsapp':
        return this.deps.whatsapp ?? null;
    }
  }

  status(id: ChannelId): ChannelStatusInfo {
    const channel = this.get(id);
    if (channel !== null) return { channel: id, ...channel.status() };
    const reason = id === 'sms' ? (this.smsProblem ?? SMS_NOT_SET_UP) : WHATSAPP_NOT_AVAILABLE;
    return { channel: id, state: 'not-configured', reason };
  }

  statuses(): ChannelStatusInfo[] {
    return channelIds.map((id) => this.status(id));
  }

  /** Every change of any channel's status. Returns an unsubscribe function. */
  onChange(listener: (status: ChannelStatusInfo) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The gateway's settings, without the password. */
  smsGateway(): SmsGateStatus | null {
    const stored = this.storedSms();
    if (stored === null) return null;
    return { baseUrl: stored.baseUrl, username: stored.username, hasPassword: this.readPassword() !== undefined };
  }

  /**
   * Saves the SMS gateway (or removes it, with null), then checks the connection. The answer is
   * the channel's status after that check: a wrong password or an unreachable phone is reported
   * as `down` with the reason, and the configuration is kept (the phone may simply be off).
   */
  async configureSmsGateway(input: SmsGatewayInput | null, signal?: AbortSignal): Promise<ChannelStatusInfo> {
    const { store, secrets, events } = this.deps;
    if (input === null) {
      secrets.delete(SMS_GATEWAY_PASSWORD_SECRET);
      store.write(() => store.settings.set(SMS_GATEWAY_SETTING, null));
      this.replaceSms(null, null);
      events.dataChanged('settings');
      this.announce('sms');
      return this.status('sms');
    }

    // Built first: a malformed address is refused before anything is stored.
    const channel = this.buildSms(input);
    try {
      secrets.set(SMS_GATEWAY_PASSWORD_SECRET, input.password);
    } catch (error) {
      this.deps.logger.error('Could not store the SMS gateway password', { error: String(error) });
      throw new AppError('INTERNAL', `The password could not be stored safely: ${errorMessage(error)}`);
    }
    store.write(() => store.settings.set(SMS_GATEWAY_SETTING, { baseUrl: input.baseUrl, username: input.username }));
    this.replaceSms(channel, null);
    events.dataChanged('settings');
    await channel.probe(signal);
    // The probe announces a change itself; announce anyway so a reconfiguration that stayed
    // `ready` is seen too.
    this.announce('sms');
    return this.status('sms');
  }

  /** The SMS provider's settings without secrets (SCAFFOLD: SMSGate only until Twilio/HTTP land). */
  smsProvider(): SmsProviderStatus | null {
    const gateway = this.smsGateway();
    return gateway === null ? null : { provider: 'smsgate', ...gateway };
  }

  /** Saves (or removes) the SMS provider; a secret left out keeps the stored one. */
  async configureSmsProvider(config: SmsProviderConfig | null, signal?: AbortSignal): Promise<ChannelStatusInfo> {
    if (config === null) return this.configureSmsGateway(null, signal);
    if (config.provider !== 'smsgate') throw validation('This SMS provider is not available yet.', 'config.provider');
    const password = config.password ?? this.readPassword();
    if (password === undefined) throw validation('Password is required', 'config.password');
    return this.configureSmsGateway({ baseUrl: config.baseUrl, username: config.username, password }, signal);
  }

  sendTestMessage(_input: ParsedInput<'channels.sendTestMessage'>): Promise<SendTestMessageResult> {
    return Promise.reject(new AppError('INTERNAL', 'Test messages are not built yet.'));
  }

  /** SMSGate's address and login, for registering webhooks with it; null unless SMSGate is the SMS provider. */
  smsGateCredentials(): SmsGatewayInput | null {
    const stored = this.storedSms();
    const password = stored === null ? undefined : this.readPassword();
    return stored === null || password === undefined ? null : { ...stored, password };
  }

  /** Stops listening to the channels. */
  close(): void {
    this.unsubscribeWhatsapp?.();
    this.unsubscribeSms?.();
    this.unsubscribeSms = null;
    this.listeners.clear();
  }

  private loadSms(): void {
    const stored = this.storedSms();
    if (stored === null) return;
    const password = this.readPassword();
    if (password === undefined) {
      this.replaceSms(null, 'The SMS gateway password is missing. Enter it again in Settings → Channels.');
      return;
    }
    try {
      this.replaceSms(this.buildSms({ ...stored, password }), null);
    } catch (error) {
      this.deps.logger.warn('Ignoring a stored SMS gateway that cannot be used', { error: String(error) });
      this.replaceSms(null, 'The stored SMS gateway address is not valid. Set it up again in Settings → Channels.');
    }
  }

  private buildSms(input: SmsGatewayInput): SmsGateChannel {
    try {
      return new SmsGateChannel({
        ...input,
        logger: this.deps.logger,
        ...(this.deps.smsFetch === undefined ? {} : { fetch: this.deps.smsFetch }),
        ...(this.deps.smsTimeoutMs === undefined ? {} : { timeoutMs: this.deps.smsTimeoutMs }),
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') throw validation(error.message, `config.${error.field ?? 'baseUrl'}`);
      throw error;
    }
  }

  private replaceSms(channel: SmsGateChannel | null, problem: string | null): void {
    this.unsubscribeSms?.();
    this.unsubscribeSms = channel === null ? null : channel.onStatusChange(() => this.announce('sms'));
    this.sms = channel;
    this.smsProblem = problem;
  }

  private storedSms(): z.infer<typeof StoredSmsGatewaySchema> | null {
    const parsed = StoredSmsGatewaySchema.safeParse(this.deps.store.settings.get(SMS_GATEWAY_SETTING));
    return parsed.success ? parsed.data : null;
  }

  private readPassword(): string | undefined {
    try {
      return this.deps.secrets.get(SMS_GATEWAY_PASSWORD_SECRET);
    } catch (error) {
      this.deps.logger.error('Could not read the SMS gateway password', { error: String(error) });
      return undefined;
    }
  }

  private announce(id: ChannelId): void {
    const status = this.status(id);
    this.deps.events.emit('channel.status', status);
    for (const listener of [...this.listeners]) listener(status);
  }
}

