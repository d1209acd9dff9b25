/**
 * The channels the engine can send through, and their configuration.
 *
 * - Test mode is always there and always ready: it sends nothing, and the delivery row the engine
 *   writes (channel 'test', rendered text) is the record of what would have gone out.
 * - SMS exists once the owner has configured ONE provider: SMSGate, Twilio or a generic HTTP
 *   template (sms/sms-provider-settings.ts keeps it: the non-secret part in a setting, secrets in
 *   the SecretStore — never in the database, a log line or an API answer). A configuration whose
 *   secret cannot be read (secrets file removed, keyring locked) shows as not configured, with the
 *   reason.
 * - WhatsApp is the channel the composition root passes in (`whatsapp`); without it, not available.
 * - `sendTestMessage` sends one message through SMS or WhatsApp right now, outside the engine (no
 *   delivery row, no pacing), with a fresh key so no provider takes it for an earlier message.
 *
 * Every status change of a channel (and every reconfiguration) is emitted as `channel.status`
 * and passed to `onChange` listeners (the engine wakes on it: a channel that came back resumes
 * sending by itself).
 */
import { randomUUID } from 'node:crypto';
import { channelIds } from '../../../shared/contract';
import type { ParsedInput } from '../../../shared/contract';
import type { ChannelStatusInfo, SendTestMessageResult, SmsProviderConfig, SmsProviderStatus } from '../../../shared/domain';
import type { Clock } from '../clock';
import { AppError, validation } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { SecretStore } from '../secrets/secret-store';
import { normalizePhone } from '../services/phone';
import type { Store } from '../store/store';
import type { Channel, ChannelId } from './channel';
import { HttpTemplateChannel } from './sms/http-template';
import { SmsProviderSettings, type SmsProviderSetup } from './sms/sms-provider-settings';
import { SmsGateChannel } from './sms/smsgate';
import { TwilioChannel } from './sms/twilio';
import { TestModeChannel } from './test-mode-channel';

const SMS_NOT_SET_UP = 'The SMS gateway is not set up yet (Settings → Channels).';
const WHATSAPP_NOT_AVAILABLE = 'WhatsApp is not available in this version yet.';

/** SMSGate's address and login, for registering webhooks with it. */
export interface SmsGatewayInput {
  baseUrl: string;
  username: string;
  password: string;
}

/** The Twilio account, for verifying its inbound webhooks (X-Twilio-Signature is keyed with the auth token). */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

export interface ChannelRegistryDeps {
  store: Store;
  secrets: SecretStore;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  /** The shop's WhatsApp (channels/whatsapp/), built by the composition root; absent: not available. */
  whatsapp?: Channel;
  /** The default country for phone numbers typed without +, e.g. in a test message. Default: none (only +… numbers). */
  defaultCountry?: () => string;
  /** For tests: the fetch the SMS channel uses, and its per-request timeout. */
  smsFetch?: typeof fetch;
  smsTimeoutMs?: number;
}

export class ChannelRegistry {
  private readonly test: TestModeChannel;
  private readonly smsSettings: SmsProviderSettings;
  private sms: Channel | null = null;
  /** Why SMS is not configured although a configuration exists (a secret could not be read). */
  private smsProblem: string | null = null;
  private unsubscribeSms: (() => void) | null = null;
  private readonly unsubscribeWhatsapp: (() => void) | null;
  private readonly listeners = new Set<(status: ChannelStatusInfo) => void>();

  constructor(private readonly deps: ChannelRegistryDeps) {
    // The delivery row is the record: nothing else to store.
    this.test = new TestModeChannel({ record: () => undefined, clock: deps.clock, logger: deps.logger });
    this.smsSettings = new SmsProviderSettings(deps.store, deps.secrets, deps.logger);
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

  /** The SMS provider's settings without its secrets; null when none is set up. */
  smsProvider(): SmsProviderStatus | null {
    return this.smsSettings.status();
  }

  /**
   * Saves the SMS provider (or removes it, with null), then checks the connection (SMSGate and
   * Twilio ask their server; an HTTP template cannot be asked and counts as ready). The answer is
   * the channel's status after that check: a wrong password or an unreachable phone is reported
   * as `down` with the reason, and the configuration is kept (the phone may simply be off).
   * Bad input is refused with the field at fault before anything is stored. A secret left out
   * keeps the stored one of the same provider.
   */
  async configureSmsProvider(config: SmsProviderConfig | null, signal?: AbortSignal): Promise<ChannelStatusInfo> {
    const { events } = this.deps;
    if (config === null) {
      this.smsSettings.remove();
      this.replaceSms(null, null);
      events.dataChanged('settings');
      this.announce('sms');
      return this.status('sms');
    }
    // Resolved and built first: a missing secret or a malformed address is refused before anything is stored.
    const setup = this.smsSettings.resolve(config);
    const channel = this.buildSms(setup);
    this.smsSettings.save(setup);
    this.replaceSms(channel, null);
    events.dataChanged('settings');
    await channel.probe(signal);
    // The probe announces a change itself; announce anyway so a reconfiguration that stayed
    // `ready` is seen too.
    this.announce('sms');
    return this.status('sms');
  }

  /**
   * Sends one message now through SMS or WhatsApp (Settings → Send test message). The number is
   * read with the default country; a number that cannot be used is refused (VALIDATION on
   * `phone`). Whatever the channel answers becomes a readable `ok: false`, never an exception.
   */
  async sendTestMessage(input: ParsedInput<'channels.sendTestMessage'>, signal?: AbortSignal): Promise<SendTestMessageResult> {
    const to = normalizePhone(input.phone, this.deps.defaultCountry?.() ?? null);
    const channel = this.get(input.channel);
    if (channel === null) return { ok: false, providerMessageId: null, message: `Not sent: ${this.status(input.channel).reason ?? 'this channel is not set up.'}` };
    const deliveryKey = `test-${this.deps.clock.now().toString(36)}-${randomUUID().slice(0, 8)}`;
    const result = await channel.send({ deliveryKey, to, whatsappId: null, text: input.text, media: null }, signal);
    const via = input.channel === 'sms' ? 'by SMS' : 'on WhatsApp';
    if (result.ok) {
      const note = result.note === undefined ? '' : ` ${result.note}`;
      return { ok: true, providerMessageId: result.providerMessageId, message: `Test message sent ${via} to ${to}.${note}` };
    }
    // The technician's detail goes to the log only; never the number's owner's text or a secret.
    this.deps.logger.warn('A test message was not sent', { channel: input.channel, kind: result.error.kind, detail: result.error.detail ?? null });
    return { ok: false, providerMessageId: null, message: `Not sent ${via} to ${to}: ${result.error.reason}` };
  }

  /** SMSGate's address and login, for registering webhooks with it; null unless SMSGate is the SMS provider. */
  smsGateCredentials(): SmsGatewayInput | null {
    const loaded = this.smsSettings.load();
    if (loaded?.kind !== 'ready' || loaded.setup.provider !== 'smsgate') return null;
    const { baseUrl, username, password } = loaded.setup;
    return { baseUrl, username, password };
  }

  /** The Twilio account and auth token, for verifying Twilio's webhooks; null unless Twilio is the SMS provider. */
  twilioCredentials(): TwilioCredentials | null {
    const loaded = this.smsSettings.load();
    if (loaded?.kind !== 'ready' || loaded.setup.provider !== 'twilio') return null;
    return { accountSid: loaded.setup.accountSid, authToken: loaded.setup.authToken };
  }

  /** Stops listening to the channels. */
  close(): void {
    this.unsubscribeWhatsapp?.();
    this.unsubscribeSms?.();
    this.unsubscribeSms = null;
    this.listeners.clear();
  }

  private loadSms(): void {
    const loaded = this.smsSettings.load();
    if (loaded === null) return;
    if (loaded.kind === 'missing-secret') {
      this.replaceSms(null, loaded.reason);
      return;
    }
    try {
      this.replaceSms(this.buildSms(loaded.setup), null);
    } catch (error) {
      this.deps.logger.warn('Ignoring a stored SMS provider that cannot be used', { provider: loaded.setup.provider, error: String(error) });
      this.replaceSms(null, 'The stored SMS gateway settings are not valid. Set it up again in Settings → Channels.');
    }
  }

  /** Throws VALIDATION with the field under `config.` for settings the provider cannot work with. */
  private buildSms(setup: SmsProviderSetup): Channel {
    const { logger, smsFetch, smsTimeoutMs } = this.deps;
    const common = { logger, ...(smsFetch === undefined ? {} : { fetch: smsFetch }), ...(smsTimeoutMs === undefined ? {} : { timeoutMs: smsTimeoutMs }) };
    try {
      switch (setup.provider) {
        case 'smsgate':
          return new SmsGateChannel({ baseUrl: setup.baseUrl, username: setup.username, password: setup.password, ...common });
        case 'twilio':
          return new TwilioChannel({ accountSid: setup.accountSid, authToken: setup.authToken, from: setup.from, baseUrl: setup.baseUrl, ...common });
        case 'http':
          return new HttpTemplateChannel({ url: setup.url, method: setup.method, headers: setup.headers, body: setup.body, contentType: setup.contentType, ...common });
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') throw validation(error.message, `config.${error.field ?? 'baseUrl'}`);
      throw error;
    }
  }

  private replaceSms(channel: Channel | null, problem: string | null): void {
    this.unsubscribeSms?.();
    this.unsubscribeSms = channel === null ? null : channel.onStatusChange(() => this.announce('sms'));
    this.sms = channel;
    this.smsProblem = problem;
  }

  private announce(id: ChannelId): void {
    const status = this.status(id);
    this.deps.events.emit('channel.status', status);
    for (const listener of [...this.listeners]) listener(status);
  }
}

