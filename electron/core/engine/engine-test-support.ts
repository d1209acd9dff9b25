/**
 * TEST SUPPORT — a real store and the real use cases around a DeliveryEngine whose channels are
 * scripted fakes and whose clock and timers move only when the test says so. Not imported by app
 * code.
 */
import type { ChannelStatusInfo, SendingSettings } from '../../../shared/domain';
import {
  ChannelStatusHolder,
  READY,
  type Channel,
  type ChannelId,
  type ChannelStatus,
  type DeliveryReceipt,
  type LookupQuery,
  type LookupResult,
  type OutboundMessage,
  type SendResult,
} from '../channels/channel';
import { EventBus } from '../events';
import { silentLogger } from '../logger';
import { MessageService } from '../services/message-service';
import { SequenceService } from '../services/sequence-service';
import type { ServiceDeps } from '../services/service-deps';
import { DEFAULT_SENDING, SettingsService } from '../services/settings-service';
import { SubscriberService } from '../services/subscriber-service';
import { openTempStore, type TempStore } from '../store/test-store';
import { DeliveryEngine, type ChannelSource } from './delivery-engine';
import { ManualClock, ManualTimers } from './manual-timers';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const ZONE = 'Europe/Berlin';
/** Monday 2 November 2026, 10:00 in Berlin (UTC+1). */
export const MONDAY_10 = Date.UTC(2026, 10, 2, 9, 0);

/** Berlin wall time on 2–8 November 2026 (UTC+1 all week) as an instant. */
export function berlin(day: number, hour: number, minute = 0, second = 0): number {
  return Date.UTC(2026, 10, day, hour - 1, minute, second);
}

type Script = (message: OutboundMessage, attempt: number) => SendResult | Promise<SendResult>;

export interface SentRecord {
  message: OutboundMessage;
  at: number;
}

/** A channel whose answers the test scripts; every call is recorded with the clock's time. */
export class FakeChannel implements Channel {
  readonly carriesMedia = true;
  /** Every send call, including failed ones. */
  readonly calls: SentRecord[] = [];
  /** The sends that succeeded. */
  readonly sent: SentRecord[] = [];
  lookup?: (query: LookupQuery) => Promise<LookupResult>;
  private readonly holder = new ChannelStatusHolder(READY, silentLogger);
  private readonly queued: Script[] = [];
  private readonly attempts = new Map<string, number>();
  /** What `probe` finds (default: the current status). */
  probeAnswer: (() => ChannelStatus) | null = null;
  probes = 0;
  private readonly receiptListeners = new Set<(receipt: DeliveryReceipt) => void>();

  constructor(
    readonly id: ChannelId,
    private readonly clock: ManualClock,
    readonly idempotentSend = true,
  ) {}

  /** The next sends answer with these, in order; then sends succeed. */
  answer(...scripts: Array<Script | SendResult>): void {
    for (const script of scripts) this.queued.push(typeof script === 'function' ? script : () => script);
  }

  setStatus(status: ChannelStatus): void {
    this.holder.set(status);
  }

  onReceipt(listener: (receipt: DeliveryReceipt) => void): () => void {
    this.receiptListeners.add(listener);
    return () => this.receiptListeners.delete(listener);
  }

  /** Reports a receipt as the provider would, after the send. */
  emitReceipt(receipt: DeliveryReceipt): void {
    for (const listener of this.receiptListeners) listener(receipt);
  }

  get receiptListenerCount(): number {
    return this.receiptListeners.size;
  }

  status(): ChannelStatus {
    return this.holder.get();
  }

  onStatusChange(listener: (status: ChannelStatus) => void): () => void {
    return this.holder.subscribe(listener);
  }

  probe(): Promise<ChannelStatus> {
    this.probes++;
    if (this.probeAnswer !== null) this.holder.set(this.probeAnswer());
    return Promise.resolve(this.holder.get());
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const record = { message, at: this.clock.now() };
    this.calls.push(record);
    const attempt = (this.attempts.get(message.deliveryKey) ?? 0) + 1;
    this.attempts.set(message.deliveryKey, attempt);
    const script = this.queued.shift();
    const result = script === undefined ? { ok: true as const, providerMessageId: `p-${message.deliveryKey}` } : await script(message, attempt);
    if (result.ok) this.sent.push(record);
    if (!result.ok && result.error.kind === 'channel-down') this.holder.set({ state: 'down', reason: result.error.reason });
    return result;
  }
}

export class FakeChannels implements ChannelSource {
  readonly channels = new Map<ChannelId, Channel>();
  private readonly listeners = new Set<(status: ChannelStatusInfo) => void>();

  /** Any channel: a FakeChannel, or a real adapter over a fake provider (e.g. WhatsAppChannel over ScriptedWhatsApp). */
  add<C extends Channel>(channel: C): C {
    this.channels.set(channel.id, channel);
    channel.onStatusChange(() => {
      for (const listener of this.listeners) listener(this.status(channel.id));
    });
    return channel;
  }

  /** Hands out another instance for the channel from now on (as the registry does after a reconfiguration) and says so. */
  replace<C extends Channel>(channel: C): C {
    this.add(channel);
    for (const listener of this.listeners) listener(this.status(channel.id));
    return channel;
  }

  get(id: ChannelId): Channel | null {
    return this.channels.get(id) ?? null;
  }

  status(id: ChannelId): ChannelStatusInfo {
    const channel = this.channels.get(id);
    return channel === undefined ? { channel: id, state: 'not-configured', reason: `${id} is not set up.` } : { channel: id, ...channel.status() };
  }

  statuses(): ChannelStatusInfo[] {
    return (['test', 'sms', 'whatsapp'] as const).map((id) => this.status(id));
  }

  onChange(listener: (status: ChannelStatusInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Sending settings for tests: no quiet hours and no gaps unless a test asks for them. */
export const OPEN_SENDING: SendingSettings = {
  ...DEFAULT_SENDING,
  window: { quietHours: null, allowedWeekdays: [1, 2, 3, 4, 5, 6, 7], closedDates: [] },
  pacing: { minGapSeconds: 0, maxGapSeconds: 0, dailyCap: null },
};

export interface MessageSpec {
  name?: string;
  body?: string;
  delayAmount?: number;
  delayUnit?: 'minutes' | 'hours' | 'days';
  sendAt?: string | null;
}

export class EngineWorld {
  readonly clock: ManualClock;
  readonly timers: ManualTimers;
  readonly temp: TempStore;
  readonly events = new EventBus();
  readonly channels = new FakeChannels();
  readonly sms: FakeChannel;
  /** A WhatsApp-like channel (not idempotent), when the world was made `withWhatsApp`. */
  readonly whatsapp: FakeChannel;
  readonly settings: SettingsService;
  readonly sequences: SequenceService;
  readonly messages: MessageService;
  readonly subscribers: SubscriberService;
  engine: DeliveryEngine;
  random: () => number = () => 0.5;

  constructor(options: { start?: number; sending?: SendingSettings; smsIdempotent?: boolean; withWhatsApp?: boolean } = {}) {
    this.clock = new ManualClock(options.start ?? MONDAY_10);
    this.timers = new ManualTimers(this.clock);
    this.temp = openTempStore();
    const deps: ServiceDeps = { store: this.temp.store, events: this.events, clock: this.clock, logger: silentLogger };
    this.settings = new SettingsService(deps, { timeZone: ZONE, country: 'DE' });
    this.settings.update({ sending: options.sending ?? OPEN_SENDING });
    this.sequences = new SequenceService(deps);
    this.messages = new MessageService(deps, this.settings);
    this.subscribers = new SubscriberService(deps, this.settings);
    this.sms = this.channels.add(new FakeChannel('sms', this.clock, options.smsIdempotent ?? true));
    this.whatsapp = new FakeChannel('whatsapp', this.clock, false);
    if (options.withWhatsApp === true) this.channels.add(this.whatsapp);
    this.engine = this.newEngine();
  }

  get store(): TempStore['store'] {
    return this.temp.store;
  }

  newEngine(): DeliveryEngine {
    return new DeliveryEngine({
      store: this.temp.store,
      events: this.events,
      clock: this.clock,
      timers: this.timers,
      logger: silentLogger,
      channels: this.channels,
      context: () => this.settings.sendingContext(),
      mediaDir: `${this.temp.dir}/media`,
      random: () => this.random(),
      whatsappSettings: () => this.settings.whatsapp(),
    });
  }

  /** A sequence on `channel` with these messages, in order. */
  sequence(
    channel: ChannelId | null,
    specs: MessageSpec[],
    name = `Sequence ${this.sequences.list().length + 1}`,
    options: { smsFallback?: boolean } = {},
  ): { id: number; messages: number[] } {
    const sequence = this.sequences.create({ name, description: '', channel, smsFallback: options.smsFallback ?? false, stopOnReply: false });
    const messages = specs.map(
      (spec, index) =>
        this.messages.create({
          sequenceId: sequence.id,
          name: spec.name ?? `Message ${index + 1}`,
          body: spec.body ?? `Hello {{first_name|there}}, this is message ${index + 1}.`,
          mediaId: null,
          delayAmount: spec.delayAmount ?? 0,
          delayUnit: spec.delayUnit ?? 'minutes',
          sendAt: spec.sendAt ?? null,
          enabled: true,
        }).id,
    );
    return { id: sequence.id, messages };
  }

  subscribe(sequenceId: number, phone: string, name = '', startAt?: number): number {
    return this.subscribers.add({ sequenceId, phone, name, attributes: {}, ...(startAt === undefined ? {} : { startAt }) }).id;
  }

  /** A subscriber known only by a WhatsApp id (an inbound `…@lid` whose number WhatsApp did not reveal). */
  subscribeWithoutPhone(sequenceId: number, whatsappId: string, name = ''): number {
    const placeholder = `+4915199${String(this.sql('SELECT id FROM contacts').length).padStart(6, '0')}`;
    const id = this.subscribe(sequenceId, placeholder, name);
    const [row] = this.sql<{ contact_id: number }>('SELECT contact_id FROM subscriptions WHERE id = ?', id);
    this.temp.store.db.prepare('UPDATE contacts SET phone = NULL, whatsapp_id = ? WHERE id = ?').run(whatsappId, row?.contact_id);
    return id;
  }

  setSending(patch: Partial<SendingSettings>): void {
    this.settings.update({ sending: { ...this.settings.get().sending, ...patch } });
  }

  /** Lets the engine finish, firing timers (moving the clock) up to `until`. */
  async runUntil(until: number, done?: () => boolean): Promise<void> {
    await this.timers.runUntil(() => this.engine.waitForIdle(), until, done);
  }

  async runFor(ms: number): Promise<void> {
    await this.runUntil(this.clock.now() + ms);
  }

  sql<T>(statement: string, ...params: unknown[]): T[] {
    return this.temp.store.db.prepare<unknown[], T>(statement).all(...params);
  }

  deliveries(): Array<{ id: number; subscription_id: number; message_id: number; status: string; attempts: number; sent_at: number | null; error: string | null; delivery_key: string | null; rendered_text: string | null; next_attempt_at: number | null; channel: string; failing_since: number | null; fallback: string | null; receipt: string | null; receipt_at: number | null; provider_message_id: string | null }> {
    return this.sql('SELECT * FROM deliveries ORDER BY id');
  }

  subscription(id: number): { status: string; next_message_id: number | null; next_due_at: number | null; last_sent_at: number | null; sent_count: number; last_sent_message_id: number | null } {
    const [row] = this.sql<{ status: string; next_message_id: number | null; next_due_at: number | null; last_sent_at: number | null; sent_count: number; last_sent_message_id: number | null }>(
      'SELECT * FROM subscriptions WHERE id = ?',
      id,
    );
    if (row === undefined) throw new Error(`no subscription ${id}`);
    return row;
  }

  async cleanup(): Promise<void> {
    await this.engine.stop();
    this.temp.cleanup();
  }
}
