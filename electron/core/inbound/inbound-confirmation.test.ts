import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundAction } from '../../../shared/domain';
import { READY, type Channel, type ChannelId, type OutboundMessage, type SendResult } from '../channels/channel';
import { EventBus } from '../events';
import type { Logger } from '../logger';
import { FakeClock } from '../services/test-harness';
import type { ServiceDeps } from '../services/service-deps';
import { SettingsService } from '../services/settings-service';
import { openDatabase } from '../store/database';
import { openTempStore, type TempStore } from '../store/test-store';
import type { IncomingMessage } from './incoming-message';
import { InboundService } from './inbound-service';

/** A channel whose sends the test scripts; it remembers every one it was given. */
class ScriptedChannel implements Channel {
  readonly carriesMedia = false;
  readonly sends: OutboundMessage[] = [];
  /** What the database showed, on another connection, as each send began. */
  readonly committedAtSend: InboundAction[][] = [];

  constructor(
    readonly id: ChannelId,
    readonly idempotentSend: boolean,
    private readonly script: (attempt: number) => Promise<SendResult>,
    private readonly committed: () => InboundAction[],
  ) {}

  status() {
    return READY;
  }
  onStatusChange() {
    return () => undefined;
  }
  probe() {
    return Promise.resolve(READY);
  }
  send(message: OutboundMessage): Promise<SendResult> {
    this.sends.push(message);
    this.committedAtSend.push(this.committed());
    return this.script(this.sends.length);
  }
}

/** The process dying inside the send, after the provider took the message. */
const crash = (): Promise<SendResult> => Promise.reject(new Error('The app stopped here'));
const accepted = (): Promise<SendResult> => Promise.resolve({ ok: true, providerMessageId: 'provider-1' });

describe('InboundService: the STOP confirmation reaches the customer at most once, across a crash', () => {
  let t: TempStore;
  let deps: ServiceDeps;
  let settings: SettingsService;
  const errors: string[] = [];
  const warnings: string[] = [];
  const infos: Array<{ message: string; details: Record<string, unknown> | undefined }> = [];
  const logger: Logger = {
    info: (message, details) => infos.push({ message, details }),
    warn: (message) => warnings.push(message),
    error: (message) => errors.push(message),
  };

  beforeEach(() => {
    t = openTempStore();
    deps = { store: t.store, events: new EventBus(), clock: new FakeClock(), logger };
    settings = new SettingsService(deps, { timeZone: 'Europe/Berlin', country: 'DE' });
    errors.length = 0;
    warnings.length = 0;
    infos.length = 0;
  });
  afterEach(() => t.cleanup());

  const stop: IncomingMessage = {
    channel: 'whatsapp',
    provider: 'whatsapp',
    providerMessageId: 'wa-stop-1',
    fromPhone: '+4915112345678',
    fromWhatsappId: '4915112345678@c.us',
    fromWhatsappLid: null,
    profileName: null,
    text: 'STOP',
    receivedAt: Date.UTC(2026, 10, 2, 8, 55),
  };

  /** The message's actions as committed, read on a second connection. */
  const committed = (): InboundAction[] => {
    const db = openDatabase(t.file);
    try {
      const row = db.prepare<[], { actions: string }>('SELECT actions FROM inbound_messages').get();
      return row === undefined ? [] : (JSON.parse(row.actions) as InboundAction[]);
    } finally {
      db.close();
    }
  };

  /** A fresh service (the app started again) sending through `channel`. */
  const started = (channel: Channel) => new InboundService(deps, settings, { get: (id) => (id === channel.id ? channel : null) });

  const receive = async (service: InboundService, message: IncomingMessage) => {
    await service.receive(message);
    await service.settled();
  };

  it.each([
    { channel: 'whatsapp' as const, label: 'WhatsApp' },
    { channel: 'sms' as const, label: 'SMS' },
  ])('$label without idempotency keys: a confirmation the app stopped while sending is not sent again when the STOP comes again', async ({ channel }) => {
    const message = channel === 'whatsapp' ? stop : { ...stop, channel, provider: 'twilio' as const, fromWhatsappId: null, providerMessageId: 'SM1' };
    const before = new ScriptedChannel(channel, false, crash, committed);
    await receive(started(before), message);
    expect(before.sends).toHaveLength(1);
    // The mark was committed before the channel was called.
    expect(before.committedAtSend[0]).toContainEqual({ kind: 'confirmation', state: 'sending', detail: '' });
    expect(errors).toEqual(['Could not record an inbound confirmation']);

    // Started again, the same STOP arrives again (WhatsApp's history, Twilio's retry).
    const after = new ScriptedChannel(channel, false, accepted, committed);
    const service = started(after);
    await receive(service, message);
    await receive(service, message);
    expect(after.sends).toEqual([]);
    expect(committed()).toEqual([
      { kind: 'contact-created', contactId: expect.any(Number) },
      { kind: 'opted-out', keyword: 'STOP' },
      { kind: 'confirmation', state: 'perhaps-sent', detail: '' },
    ]);
    expect(warnings).toEqual(['A STOP/START confirmation was being sent when the app stopped; not sent again']);
  });

  it('a confirmation that was sent is recorded in place of the mark, once', async () => {
    const channel = new ScriptedChannel('whatsapp', false, accepted, committed);
    const service = started(channel);
    await receive(service, stop);
    await receive(service, stop);
    expect(channel.sends).toHaveLength(1);
    expect(committed()).toEqual([
      { kind: 'contact-created', contactId: expect.any(Number) },
      { kind: 'opted-out', keyword: 'STOP' },
      { kind: 'confirmation', state: 'sent', detail: 'Sent by WhatsApp: “You will not get any more messages from us. Reply START to allow them again.”' },
    ]);
  });

  it('a confirmation the app stopped before marking (it never went out) is sent on the repeat', async () => {
    const channel = new ScriptedChannel('whatsapp', false, accepted, committed);
    await receive(started(channel), stop);
    // As if the app had stopped between the message's commit and the mark.
    t.store.db.prepare(`UPDATE inbound_messages SET actions = json_remove(actions, '$[#-1]')`).run();
    await receive(started(channel), stop);
    expect(channel.sends).toHaveLength(2);
    expect(committed().filter((action) => action.kind === 'confirmation')).toEqual([{ kind: 'confirmation', state: 'sent', detail: expect.stringMatching(/^Sent by WhatsApp/) }]);
  });

  it('a channel that deduplicates by key is given it again with the same key', async () => {
    const message: IncomingMessage = { ...stop, channel: 'sms', provider: 'smsgate', fromWhatsappId: null, providerMessageId: 'event-1' };
    const before = new ScriptedChannel('sms', true, crash, committed);
    await receive(started(before), message);
    const after = new ScriptedChannel('sms', true, () => Promise.resolve({ ok: true, providerMessageId: 'k', deduplicated: true }), committed);
    await receive(started(after), message);
    expect(after.sends.map((send) => send.deliveryKey)).toEqual(before.sends.map((send) => send.deliveryKey));
    expect(committed().filter((action) => action.kind === 'confirmation')).toEqual([{ kind: 'confirmation', state: 'sent', detail: expect.stringMatching(/^Sent by SMS/) }]);
  });

  describe('at start, a confirmation the app stopped while sending is settled even if the message never comes again', () => {
    const smsGateStop: IncomingMessage = { ...stop, channel: 'sms', provider: 'smsgate', fromWhatsappId: null, providerMessageId: 'event-1' };
    const confirmation = () => committed().filter((action) => action.kind === 'confirmation');

    it.each([
      { channel: 'whatsapp' as const, label: 'WhatsApp', message: stop },
      { channel: 'sms' as const, label: 'Twilio or an HTTP template', message: { ...stop, channel: 'sms' as const, provider: 'twilio' as const, fromWhatsappId: null, providerMessageId: 'SM1' } },
    ])('$label (no idempotency key): it becomes "perhaps sent" and is not sent again', async ({ channel, message }) => {
      await receive(started(new ScriptedChannel(channel, false, crash, committed)), message);
      expect(confirmation()).toEqual([{ kind: 'confirmation', state: 'sending', detail: '' }]);

      const after = new ScriptedChannel(channel, false, accepted, committed);
      const service = started(after);
      service.recoverInterruptedConfirmations();
      await service.settled();
      expect(after.sends).toEqual([]);
      expect(confirmation()).toEqual([{ kind: 'confirmation', state: 'perhaps-sent', detail: '' }]);
      expect(infos).toEqual([
        { message: 'STOP/START confirmations the app stopped while sending were settled at start', details: { sentAgain: [], notSentAgain: [expect.any(Number)] } },
      ]);
      // And should the message come again after all, nothing more goes out.
      await receive(service, message);
      expect(after.sends).toEqual([]);
    });

    it('SMSGate (deduplicates by key): it is given again, with the same key, and recorded as sent', async () => {
      const before = new ScriptedChannel('sms', true, crash, committed);
      await receive(started(before), smsGateStop);
      const after = new ScriptedChannel('sms', true, () => Promise.resolve({ ok: true, providerMessageId: 'k', deduplicated: true }), committed);
      const service = started(after);
      service.recoverInterruptedConfirmations();
      await service.settled();
      expect(after.sends).toHaveLength(1);
      expect(after.sends.map((send) => [send.deliveryKey, send.to])).toEqual(before.sends.map((send) => [send.deliveryKey, send.to]));
      expect(after.sends[0]?.text).toBe('You will not get any more messages from us. Reply START to allow them again.');
      // The mark was written again before this send, too.
      expect(after.committedAtSend[0]).toContainEqual({ kind: 'confirmation', state: 'sending', detail: '' });
      expect(confirmation()).toEqual([{ kind: 'confirmation', state: 'sent', detail: expect.stringMatching(/^Sent by SMS/) }]);
      expect(infos).toEqual([
        { message: 'STOP/START confirmations the app stopped while sending were settled at start', details: { sentAgain: [expect.any(Number)], notSentAgain: [] } },
      ]);
      // The STOP coming again afterwards sends nothing more.
      await receive(service, smsGateStop);
      expect(after.sends).toHaveLength(1);
    });

    it('a START confirmation is given again as a START confirmation', async () => {
      const service = started(new ScriptedChannel('sms', true, accepted, committed));
      await receive(service, smsGateStop);
      const start = { ...smsGateStop, providerMessageId: 'event-2', text: 'START', receivedAt: smsGateStop.receivedAt + 60_000 };
      await receive(started(new ScriptedChannel('sms', true, crash, committed)), start);
      const after = new ScriptedChannel('sms', true, accepted, committed);
      const restarted = started(after);
      restarted.recoverInterruptedConfirmations();
      await restarted.settled();
      expect(after.sends.map((send) => send.text)).toEqual(['Welcome back: you will get our messages again. Reply STOP to end them.']);
    });

    it('a confirmation being sent by this run is left to finish', async () => {
      let finish: (result: SendResult) => void = () => undefined;
      const slow = new ScriptedChannel('sms', true, () => new Promise<SendResult>((resolve) => (finish = resolve)), committed);
      const service = started(slow);
      await service.receive(smsGateStop);
      service.recoverInterruptedConfirmations();
      expect(slow.sends).toHaveLength(1);
      expect(confirmation()).toEqual([{ kind: 'confirmation', state: 'sending', detail: '' }]);
      finish({ ok: true, providerMessageId: 'k' });
      await service.settled();
      expect(slow.sends).toHaveLength(1);
      expect(confirmation()).toEqual([{ kind: 'confirmation', state: 'sent', detail: expect.stringMatching(/^Sent by SMS/) }]);
    });

    it('nothing to settle: nothing is sent, written or logged', async () => {
      const channel = new ScriptedChannel('whatsapp', false, accepted, committed);
      await receive(started(channel), stop);
      const service = started(channel);
      service.recoverInterruptedConfirmations();
      await service.settled();
      expect(channel.sends).toHaveLength(1);
      expect(confirmation()).toEqual([{ kind: 'confirmation', state: 'sent', detail: expect.stringMatching(/^Sent by WhatsApp/) }]);
      expect(infos).toEqual([]);
    });

    it.each([
      { label: 'WhatsApp', via: 'WhatsApp', channel: 'whatsapp' as const, message: stop, idempotent: false },
      { label: 'SMSGate', via: 'SMS', channel: 'sms' as const, message: smsGateStop, idempotent: true },
    ])('$label: rows in the shape released before the state was explicit are outcomes, left alone at start and on a repeat', async ({ via, channel, message, idempotent }) => {
      const sender = new ScriptedChannel(channel, idempotent, accepted, committed);
      await receive(started(sender), message);
      for (const old of [
        { kind: 'confirmation', sent: true, detail: `Sent by ${via}: “Bye”` },
        { kind: 'confirmation', sent: false, detail: 'Not sent: the gateway is off' },
        // Not sent, whatever the text says: that shape never recorded a send in progress.
        { kind: 'confirmation', sent: false, detail: `Being sent by ${via}…` },
      ]) {
        t.store.db.prepare(`UPDATE inbound_messages SET actions = json_set(actions, '$[#-1]', json(?))`).run(JSON.stringify(old));
        const service = started(sender);
        service.recoverInterruptedConfirmations();
        await service.settled();
        await receive(service, message);
        expect(confirmation()).toEqual([old]);
      }
      expect(sender.sends).toHaveLength(1);
      expect(infos).toEqual([]);
      expect(warnings).toEqual([]);
    });
  });
});
