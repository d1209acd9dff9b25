/**
 * Customers who write in (issue 8): every inbound source (the WhatsApp session, SMSGate's and
 * Twilio's webhooks) hands its messages here, and this decides, atomically per message, what
 * each one does:
 *
 * 1. Stored once: a repeat of the same provider message id writes nothing and counts as done.
 * 2. The person: found by phone, WhatsApp id or privacy id (`…@lid`), never stored twice. When a
 *    message shows that two records are one person (a privacy id WhatsApp has now tied to a
 *    number, a number whose privacy id was learned), they are merged onto one: the one with the
 *    sender's phone, else — no phone given — the one holding the WhatsApp id they wrote from,
 *    else one with a phone, else the older. A person who replied STOP on either record stays
 *    opted out, and every live subscription of the merged record ends as STOP ends them. Two
 *    records with different phone numbers are never merged: the WhatsApp ids move to the one
 *    with the sender's number, and when no number was given both are left as they are (the
 *    message is the kept one's). A new person becomes a contact with source 'inbound', their
 *    WhatsApp profile name, and this message as the consent record.
 * 3. What it does:
 *    - STOP keyword (keywords.ts): opted out of everything (`opted_out_at`), every live
 *      subscription ends as 'unsubscribed' ("Replied STOP on …"), one confirmation goes back.
 *      From then on nobody can subscribe them — not auto-subscription, not by hand, not a CSV —
 *      and the engine skips them, until they write START.
 *    - START keyword: the opt-out is lifted, with a confirmation. Ended subscriptions stay ended.
 *    - Their latest word counts, as they wrote it (`receivedAt`), not as it arrived: a retried
 *      webhook or WhatsApp's history can bring a STOP or START late. A START written before (or
 *      at the moment of) their opt-out or a later STOP leaves them opted out; a STOP written
 *      before a later START of theirs leaves them opted in. Either does nothing else.
 *    - Anything else: each live subscription in a sequence that stops on a reply is stopped
 *      ("Replied on …: “…”").
 *    - On a person's first message (no earlier one from them is stored), unless it is a STOP or
 *      they are opted out: auto-subscription to each chosen sequence they are not active or
 *      paused in and have not completed, from the message's time (never later than now), with
 *      the first message due by the timing rules, like a subscriber added by hand.
 *    What it did is stored on the message (the inbox shows it).
 * Group commit: each message is handled in its own savepoint — all of it or nothing of it — and
 * the messages that arrive together (webhooks on several connections, a burst from WhatsApp)
 * share one commit, so one fsync at synchronous=FULL covers several of them. Nobody is answered
 * before that commit. (One fsync per message capped the receiver near 500 webhooks a second on a
 * 2-core machine's disk.)
 *
 * 4. After the commit: the STOP/START confirmation, through the channel the message came by, with
 *    an idempotency key derived from the provider's message id. At most one reaches the customer:
 *    state 'sending' is recorded on the message, in its own commit, before the channel is called,
 *    and replaced by the outcome ('sent', 'failed') after. A repeat of the message sends only if
 *    no confirmation is recorded (the app stopped between the commit and that mark) and none is
 *    in flight. Found 'sending' and not in flight (the app stopped during the send), it may have
 *    gone out: a channel that deduplicates by key (SMSGate) is given it again with the same key;
 *    any other (WhatsApp, Twilio, an HTTP template) is not, and it becomes 'perhaps-sent'. The
 *    same happens at start (`recoverInterruptedConfirmations`), so a message that never comes
 *    again does not say "being sent" for ever.
 *    `receive` does not wait for it: a webhook is answered once the message is stored and acted
 *    on; `settled()` waits for confirmations in flight.
 */
import { createHash } from 'node:crypto';
import type { TableName } from '../../../shared/contract';
import type { InboundAction, InboundMessage } from '../../../shared/domain';
import type { Channel, ChannelId } from '../channels/channel';
import { whatsAppIdKind, whatsAppIdOfPhone } from '../channels/whatsapp/whatsapp-ids';
import { AppError, errorMessage } from '../errors';
import type { ContactIdentity } from '../store/contact-repository';
import type { InboxQuery, StoredInbound } from '../store/inbound-repository';
import { normalizePhone } from '../services/phone';
import type { ServiceDeps } from '../services/service-deps';
import type { SettingsService } from '../services/settings-service';
import { subscribeContact } from '../services/subscriber-service';
import type { IncomingMessage, IncomingMessageSink } from './incoming-message';
import { matchKeyword } from './keywords';
import { formatDay, formatDayTime, inboundConsentNote, replyEndReason, stopEndReason } from './opt-out-wording';

/** What the service needs of the channel registry: the channel a confirmation goes back through. */
export interface ConfirmationChannels {
  get(id: ChannelId): Channel | null;
}

/** The table's limit on provider message ids; longer ones are stored as a hash (still one per message). */
const PROVIDER_ID_MAX = 200;

const CHANNEL_NAME: Record<IncomingMessage['channel'], string> = { whatsapp: 'WhatsApp', sms: 'SMS' };

/** Where a confirmation goes, and the key it goes with. */
interface ConfirmationAddress {
  deliveryKey: string;
  to: string | null;
  whatsappId: string | null;
}

interface PendingConfirmation extends ConfirmationAddress {
  inboundId: number;
  kind: 'stop' | 'start';
  channel: IncomingMessage['channel'];
}

interface Queued {
  message: IncomingMessage;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** At most this many messages share a commit (a burst is committed in several). */
const GROUP_COMMIT_MAX = 64;

interface Recorded {
  tables: TableName[];
  confirmation: PendingConfirmation | null;
}

/** The person a message is from, as matched (or created) inside the transaction. */
interface Sender {
  contact: ContactIdentity;
  created: boolean;
  /** Tables the matching changed (records merged, subscriptions moved or ended). */
  tables: TableName[];
}

export class InboundService implements IncomingMessageSink {
  /** Confirmations being sent, by inbound message id: a repeat arriving meanwhile does not send another. */
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Messages waiting for the next group commit (see the doc block). */
  private readonly queue: Queued[] = [];

  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: SettingsService,
    private readonly channels: ConfirmationChannels,
  ) {}

  /** Resolves once the message is stored and acted on (committed); rejects, with nothing of it written, if it could not be. */
  receive(message: IncomingMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  /** The inbox: newest first, searched by name, phone or text. */
  list(query: InboxQuery): { rows: InboundMessage[]; total: number } {
    return this.deps.store.inbound.list(query);
  }

  /** Resolves once every confirmation in flight has been sent (or has failed) and recorded. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  /**
   * At start, before any message can arrive: each confirmation still 'sending' (the app stopped
   * while sending it) is settled as a repeat of its message would settle it (`resume`) — given
   * again with the same key by a channel that deduplicates, else recorded as perhaps sent.
   */
  recoverInterruptedConfirmations(): void {
    const { store, events, logger } = this.deps;
    const resumed = store.write(() =>
      store.inbound.confirmationsBeingSent().map((stored) => ({
        id: stored.id,
        outcome: this.resume(stored, stored.channel, {
          deliveryKey: confirmationKey(stored.provider, stored.providerMessageId),
          to: this.phoneOf(stored),
          whatsappId: stored.channel === 'whatsapp' ? stored.fromWhatsappId : null,
        }),
      })),
    );
    if (resumed.length === 0) return;
    const sentAgain = resumed.flatMap(({ outcome }) => (outcome.confirmation === null ? [] : [outcome.confirmation]));
    const notSentAgain = resumed.filter(({ outcome }) => outcome.tables.length > 0).map(({ id }) => id);
    logger.info('STOP/START confirmations the app stopped while sending were settled at start', {
      sentAgain: sentAgain.map((pending) => pending.inboundId),
      notSentAgain,
    });
    if (notSentAgain.length > 0) events.dataChanged('inbound_messages');
    for (const pending of sentAgain) this.confirm(pending);
  }

  /**
   * One group commit: every message queued since the last, each in its own savepoint (a
   * `store.write` inside another is one), all in one transaction. A message that fails is rolled
   * back alone and rejected; the others commit. Only after the commit is anyone answered.
   */
  private flush(): void {
    const batch = this.queue.splice(0, GROUP_COMMIT_MAX);
    if (this.queue.length > 0) setImmediate(() => this.flush());
    if (batch.length === 0) return;
    const { store, events } = this.deps;
    let outcomes: Array<{ ok: true; recorded: Recorded } | { ok: false; error: unknown }>;
    try {
      outcomes = store.write(() =>
        batch.map(({ message }) => {
          try {
            return { ok: true as const, recorded: this.record(message) };
          } catch (error) {
            return { ok: false as const, error };
          }
        }),
      );
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    const tables = new Set<TableName>();
    const confirmations = new Map<number, PendingConfirmation>();
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      for (const table of outcome.recorded.tables) tables.add(table);
      const confirmation = outcome.recorded.confirmation;
      // A repeat in the same batch asks for the same confirmation: it is sent once.
      if (confirmation !== null && !confirmations.has(confirmation.inboundId)) confirmations.set(confirmation.inboundId, confirmation);
    }
    events.dataChanged(...tables);
    for (const confirmation of confirmations.values()) this.confirm(confirmation);
    outcomes.forEach((outcome, index) => {
      const item = batch[index];
      if (item === undefined) return;
      if (outcome.ok) item.resolve();
      else item.reject(outcome.error);
    });
  }

  /** Steps 1–3 (see the doc block) for one message, in its own (nested: savepoint) transaction. */
  private record(message: IncomingMessage): Recorded {
    const { store, clock } = this.deps;
    const inbound = this.settings.inbound();
    const { timeZone } = this.settings.scheduleContext();
    const providerMessageId = storedProviderId(message.providerMessageId);
    const phone = this.phoneOf(message);
    const whatsappId = message.channel === 'whatsapp' ? message.fromWhatsappId : null;
    const lid = message.channel === 'whatsapp' ? (message.fromWhatsappLid ?? lidOf(whatsappId)) : null;
    const deliveryKey = confirmationKey(message.provider, providerMessageId);

    return store.write((): Recorded => {
      const now = clock.now();
      const id = store.inbound.insert(
        {
          channel: message.channel,
          provider: message.provider,
          providerMessageId,
          // The CHECK wants a sender: a number we cannot read (an alphanumeric sender) is kept as given.
          fromPhone: phone ?? nonEmpty(message.fromPhone),
          fromWhatsappId: whatsappId,
          body: message.text,
          receivedAt: message.receivedAt,
        },
        now,
      );
      if (id === undefined) return this.repeat(message, providerMessageId, { deliveryKey, to: phone, whatsappId });

      const actions: InboundAction[] = [];
      const sender = phone === null && whatsappId === null ? null : this.sender(id, message, { phone, whatsappId, lid }, timeZone, now);
      if (sender === null) {
        const from = message.fromPhone ?? '';
        actions.push({ kind: 'nothing', reason: `The sender “${from}” is not a phone number the shop can reply to.` });
        store.inbound.setOutcome(id, null, actions);
        return { tables: ['inbound_messages'], confirmation: null };
      }
      const tables = new Set<TableName>(['inbound_messages', ...sender.tables]);
      if (sender.created) actions.push({ kind: 'contact-created', contactId: sender.contact.id });
      const contactId = sender.contact.id;
      const keyword = matchKeyword(message.text, inbound);
      let optedOutAt = sender.contact.optedOutAt;
      let confirmation: PendingConfirmation['kind'] | null = null;
      const subscribedAt = Math.min(message.receivedAt, now);

      // Messages can arrive out of order (a retried webhook, WhatsApp's history after a reconnect):
      // the customer's latest word counts, so a STOP or START older than the opposite one changes nothing.
      const laterStart = keyword?.kind === 'stop' && optedOutAt === null ? this.latestKeyword(contactId, id, 'start', message.receivedAt, false, inbound) : null;
      const laterStop =
        keyword?.kind === 'start' && optedOutAt !== null
          ? optedOutAt >= message.receivedAt
            ? optedOutAt
            : this.latestKeyword(contactId, id, 'stop', message.receivedAt, true, inbound)
          : null;

      if (laterStart !== null) {
        actions.push({
          kind: 'nothing',
          reason: `This STOP was written on ${formatDayTime(message.receivedAt, timeZone)}, before their START of ${formatDayTime(laterStart, timeZone)}: they stay opted in.`,
        });
      } else if (laterStop !== null) {
        actions.push({
          kind: 'nothing',
          reason: `This START was written on ${formatDayTime(message.receivedAt, timeZone)}, before they opted out on ${formatDayTime(laterStop, timeZone)}: they stay opted out.`,
        });
      } else if (keyword?.kind === 'stop') {
        const reason = stopEndReason(message.receivedAt, timeZone);
        let ended = 0;
        for (const live of store.inbound.liveSubscriptionsOf(contactId)) {
          if (store.inbound.endSubscription(live.id, 'unsubscribed', reason, now)) ended++;
        }
        if (ended > 0) tables.add('subscriptions').add('sequences');
        if (optedOutAt === null) {
          optedOutAt = message.receivedAt;
          store.contacts.setOptedOut(contactId, optedOutAt, now);
          tables.add('contacts');
          actions.push({ kind: 'opted-out', keyword: keyword.keyword });
          confirmation = 'stop';
        } else {
          actions.push({ kind: 'nothing', reason: `Already opted out on ${formatDay(optedOutAt, timeZone)}: no second confirmation.` });
        }
      } else if (keyword?.kind === 'start') {
        if (optedOutAt !== null) {
          optedOutAt = null;
          store.contacts.setOptedOut(contactId, null, now);
          tables.add('contacts');
          actions.push({ kind: 'opted-in', keyword: keyword.keyword });
          confirmation = 'start';
        }
      } else {
        for (const live of store.inbound.liveSubscriptionsOf(contactId)) {
          if (!live.stopOnReply) continue;
          if (!store.inbound.endSubscription(live.id, 'stopped', replyEndReason(message.receivedAt, message.text, timeZone), now)) continue;
          actions.push({ kind: 'stopped', sequenceId: live.sequenceId, sequenceName: live.sequenceName, subscriptionId: live.id });
          tables.add('subscriptions').add('sequences');
        }
      }

      const first = !store.inbound.hasOtherFrom(contactId, id);
      if (keyword?.kind !== 'stop' && optedOutAt !== null) {
        // A START older than their opt-out has said why already.
        if (laterStop === null) {
          actions.push({ kind: 'nothing', reason: `Opted out on ${formatDay(optedOutAt, timeZone)}: nothing is sent to them until they write START.` });
        }
      } else if (keyword?.kind !== 'stop' && first) {
        const ctx = { ...this.settings.scheduleContext(), now };
        for (const sequenceId of inbound.autoSubscribeSequenceIds) {
          const sequenceName = store.sequences.nameOf(sequenceId);
          // A sequence deleted since it was chosen.
          if (sequenceName === undefined) continue;
          if (store.subscriptions.findLive(contactId, sequenceId) !== undefined || store.inbound.hasCompleted(contactId, sequenceId)) {
            actions.push({ kind: 'already-subscribed', sequenceId, sequenceName });
            continue;
          }
          const subscriptionId = subscribeContact(store, { contactId, sequenceId, source: 'auto', subscribedAt }, ctx, now);
          if (subscriptionId === undefined) throw new Error(`Contact ${contactId} became live in sequence ${sequenceId} inside this transaction.`);
          actions.push({ kind: 'subscribed', sequenceId, sequenceName, subscriptionId });
          tables.add('subscriptions').add('sequences');
        }
      }
      if (actions.length === 0 || actions.every((action) => action.kind === 'contact-created')) {
        actions.push({ kind: 'nothing', reason: nothingReason(keyword?.kind ?? null, first, inbound.autoSubscribeSequenceIds.length > 0) });
      }
      store.inbound.setOutcome(id, contactId, actions);
      return {
        tables: [...tables],
        confirmation:
          confirmation === null
            ? null
            : { inboundId: id, kind: confirmation, channel: message.channel, deliveryKey, to: phone, whatsappId },
      };
    });
  }

  /** A message stored before: nothing of it is written again; its confirmation is seen to (`resume`). */
  private repeat(message: IncomingMessage, providerMessageId: string, address: ConfirmationAddress): Recorded {
    const stored = this.deps.store.inbound.findByProviderId(message.provider, providerMessageId);
    if (stored === undefined) throw new Error(`Inbound message ${message.provider}/${providerMessageId} was refused as a repeat but is not stored.`);
    return this.resume(stored, message.channel, address);
  }

  /**
   * What a stored message's confirmation still needs (on a repeat of the message, and at start):
   * nothing when none was called for, one is in flight, or it has an outcome; sent now, with the
   * same key, when none is recorded (the app stopped between the commit and the mark) or when it
   * was being sent and the channel deduplicates by key. Otherwise it may have reached them: it is
   * recorded as perhaps sent, and not sent again. Inside the caller's transaction.
   */
  private resume(stored: StoredInbound, channel: IncomingMessage['channel'], address: ConfirmationAddress): Recorded {
    const { store, logger } = this.deps;
    const called = stored.actions.find((action) => action.kind === 'opted-out' || action.kind === 'opted-in');
    const recorded = stored.actions.find((action) => action.kind === 'confirmation');
    if (called === undefined || this.inFlight.has(stored.id)) return { tables: [], confirmation: null };
    if (recorded !== undefined) {
      if (recorded.state !== 'sending') return { tables: [], confirmation: null };
      if (this.channels.get(channel)?.idempotentSend !== true) {
        logger.warn('A STOP/START confirmation was being sent when the app stopped; not sent again', { inboundId: stored.id });
        store.inbound.setConfirmation(stored.id, { kind: 'confirmation', state: 'perhaps-sent', detail: '' });
        return { tables: ['inbound_messages'], confirmation: null };
      }
    }
    return { tables: [], confirmation: { inboundId: stored.id, kind: called.kind === 'opted-out' ? 'stop' : 'start', channel, ...address } };
  }

  /**
   * Finds the person (merging records that turn out to be one), records what the message
   * revealed about them, or creates them.
   */
  private sender(
    inboundId: number,
    message: IncomingMessage,
    ids: { phone: string | null; whatsappId: string | null; lid: string | null },
    timeZone: string,
    now: number,
  ): Sender {
    const { contacts } = this.deps.store;
    const found = new Map<number, ContactIdentity>();
    const add = (contact: ContactIdentity | undefined): void => {
      if (contact !== undefined) found.set(contact.id, contact);
    };
    if (ids.phone !== null) {
      add(contacts.identityByPhone(ids.phone));
      // Someone known by their WhatsApp number id only (its number was not readable then).
      add(contacts.identityByWhatsappId(whatsAppIdOfPhone(ids.phone)));
    }
    if (ids.whatsappId !== null) {
      add(contacts.identityByWhatsappId(ids.whatsappId));
      add(contacts.identityByLid(ids.whatsappId));
    }
    if (ids.lid !== null && ids.lid !== ids.whatsappId) {
      add(contacts.identityByLid(ids.lid));
      add(contacts.identityByWhatsappId(ids.lid));
    }

    const name = message.profileName?.trim() ?? '';
    if (found.size === 0) {
      const id = contacts.insertFromInbound(
        {
          phone: ids.phone,
          whatsappId: ids.whatsappId,
          whatsappLid: ids.lid,
          name,
          consentNote: inboundConsentNote(message.channel, message.receivedAt, timeZone),
          consentAt: message.receivedAt,
          consentInboundId: inboundId,
        },
        now,
      );
      return { contact: this.identity(id), created: true, tables: ['contacts'] };
    }

    // The record with the sender's phone is the one the shop knows (imports, hand-added). Without
    // a phone, the record holding the WhatsApp id they wrote from: that is who they are, however
    // the privacy id is tied. Else one with a phone; else the older.
    const rank = (c: ContactIdentity): number =>
      ids.phone !== null ? (c.phone === ids.phone ? 2 : c.phone !== null ? 1 : 0) : ids.whatsappId !== null && c.whatsappId === ids.whatsappId ? 2 : c.phone !== null ? 1 : 0;
    const [keep, ...others] = [...found.values()].sort((a, b) => rank(b) - rank(a) || a.id - b.id);
    if (keep === undefined) throw new Error('No contact to keep.');
    const tables = new Set<TableName>();
    /** Records left as they are: they hold identifiers this message came from, which the kept one must not take. */
    const apart: ContactIdentity[] = [];
    // The kept record's phone as merges add one (a merge never replaces it).
    let keptPhone = keep.phone;
    for (const other of others) {
      if (keptPhone !== null && other.phone !== null && other.phone !== keptPhone) {
        if (ids.phone === null) {
          // Two numbers and none given: nothing tells whose WhatsApp identity this is now, so
          // neither record loses anything; the message is the kept record's.
          this.deps.logger.warn('A WhatsApp message matched two contacts with different numbers; both are left as they are', {
            inboundId,
            keptId: keep.id,
            otherId: other.id,
          });
          apart.push(other);
          continue;
        }
        // Two numbers: two people as far as the shop knows (an old number, say). The WhatsApp
        // identity this message came from now belongs to the sender's record; the other keeps its number.
        contacts.forgetWhatsApp(other.id, now);
        tables.add('contacts');
      } else {
        // Opted out on either side: the merged person is, and their live subscriptions end as STOP ends them.
        const merged = contacts.mergeInto(keep.id, other.id, now, (optedOutAt) => stopEndReason(optedOutAt, timeZone));
        keptPhone = keptPhone ?? other.phone;
        tables.add('contacts').add('subscriptions');
        if (merged.ended > 0) tables.add('sequences');
      }
    }
    const current = others.length === 0 ? keep : this.identity(keep.id);
    // The id they wrote from is where replies go; a phone id (`…@c.us`) wins over a privacy id.
    const replyTo =
      ids.whatsappId !== null && (current.whatsappId === null || whatsAppIdKind(ids.whatsappId) === 'phone') ? ids.whatsappId : undefined;
    const heldApart = (held: (c: ContactIdentity) => string | null, id: string): boolean => apart.some((c) => held(c) === id);
    const learned = {
      ...(ids.phone !== null && current.phone === null ? { phone: ids.phone } : {}),
      ...(replyTo !== undefined && replyTo !== current.whatsappId && !heldApart((c) => c.whatsappId, replyTo) ? { whatsappId: replyTo } : {}),
      ...(ids.lid !== null && ids.lid !== current.whatsappLid && !heldApart((c) => c.whatsappLid, ids.lid) ? { whatsappLid: ids.lid } : {}),
      ...(message.channel === 'whatsapp' && current.whatsappStatus !== 'on' ? { onWhatsAppAt: message.receivedAt } : {}),
    };
    if (Object.keys(learned).length > 0) contacts.setIdentity(current.id, learned, now);
    if (name !== '' && current.name.trim() === '') {
      const contact = contacts.findById(current.id);
      if (contact !== undefined) contacts.update(current.id, { phone: contact.phone, name, attributes: contact.attributes }, now);
    }
    return { contact: this.identity(current.id), created: false, tables: [...tables] };
  }

  /**
   * When the contact last wrote this keyword after `since` (or at it, with `orAt`), in another
   * message than `exceptId`; null when they did not. Compared with today's keywords.
   */
  private latestKeyword(
    contactId: number,
    exceptId: number,
    kind: 'stop' | 'start',
    since: number,
    orAt: boolean,
    keywords: { stopKeywords: readonly string[]; startKeywords: readonly string[] },
  ): number | null {
    for (const later of this.deps.store.inbound.messagesFromSince(contactId, since, exceptId)) {
      if (!orAt && later.receivedAt === since) continue;
      if (matchKeyword(later.body, keywords)?.kind === kind) return later.receivedAt;
    }
    return null;
  }

  private identity(id: number): ContactIdentity {
    const contact = this.deps.store.contacts.identityById(id);
    if (contact === undefined) throw new Error(`Contact ${id} vanished inside its own transaction.`);
    return contact;
  }

  /** The sender's number in E.164, or null when there is none or it is not a phone number (a short code, a name). */
  private phoneOf(message: Pick<IncomingMessage, 'fromPhone' | 'provider'>): string | null {
    const given = nonEmpty(message.fromPhone);
    if (given === null) return null;
    try {
      return normalizePhone(given, this.settings.get().defaultCountry);
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION') {
        this.deps.logger.info('An inbound message came from a sender that is not a phone number', { provider: message.provider, from: given });
        return null;
      }
      throw error;
    }
  }

  /** Step 4: sends the confirmation and records how it went. Never rejects. */
  private confirm(pending: PendingConfirmation): void {
    const done = this.sendConfirmation(pending)
      .catch((error: unknown) => this.deps.logger.error('Could not record an inbound confirmation', { inboundId: pending.inboundId, error: errorMessage(error) }))
      .finally(() => this.inFlight.delete(pending.inboundId));
    this.inFlight.set(pending.inboundId, done);
  }

  private async sendConfirmation(pending: PendingConfirmation): Promise<void> {
    const { store, events, logger } = this.deps;
    const inbound = this.settings.inbound();
    const text = pending.kind === 'stop' ? inbound.stopConfirmation : inbound.startConfirmation;
    const channel = this.channels.get(pending.channel);
    let action: ConfirmationAction;
    if (channel === null) {
      action = { kind: 'confirmation', state: 'failed', detail: `${CHANNEL_NAME[pending.channel]} is not set up` };
    } else {
      // Committed before the channel is called (this runs before the first await): should the app
      // stop before the outcome is recorded, a repeat or the next start knows it may have gone out.
      store.write(() => store.inbound.setConfirmation(pending.inboundId, { kind: 'confirmation', state: 'sending', detail: '' }));
      const result = await channel.send({ deliveryKey: pending.deliveryKey, to: pending.to, whatsappId: pending.whatsappId, text, media: null });
      if (result.ok) {
        action = { kind: 'confirmation', state: 'sent', detail: `Sent by ${CHANNEL_NAME[pending.channel]}: “${text}”` };
      } else {
        logger.warn('The STOP/START confirmation was not sent', { inboundId: pending.inboundId, reason: result.error.reason, detail: result.error.detail });
        action = { kind: 'confirmation', state: 'failed', detail: result.error.reason };
      }
    }
    store.write(() => store.inbound.setConfirmation(pending.inboundId, action));
    events.dataChanged('inbound_messages');
  }
}

type ConfirmationAction = Extract<InboundAction, { kind: 'confirmation' }>;

function nonEmpty(text: string | null): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** A WhatsApp id that is a privacy id, else null. */
function lidOf(whatsappId: string | null): string | null {
  return whatsappId !== null && whatsAppIdKind(whatsappId) === 'lid' ? whatsappId : null;
}

function storedProviderId(id: string): string {
  if (id.length >= 1 && id.length <= PROVIDER_ID_MAX) return id;
  return `sha256:${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

/**
 * The confirmation's idempotency key, from the provider's message id rather than the row id:
 * a reinstalled app restarts row ids at 1, and a gateway that remembers an old key would drop
 * the new confirmation as a duplicate. At most 36 characters of [a-z0-9-] (SMSGate's id limit).
 */
function confirmationKey(provider: string, providerMessageId: string): string {
  return `ic-${createHash('sha256').update(`${provider}\n${providerMessageId}`, 'utf8').digest('hex').slice(0, 32)}`;
}

function nothingReason(keyword: 'stop' | 'start' | null, first: boolean, autoSubscribes: boolean): string {
  if (keyword === 'start') return 'START: they were not opted out, so nothing changed.';
  if (!first) return 'A reply: no subscription of theirs stops on replies.';
  return autoSubscribes ? 'Nothing to do.' : 'No sequence is chosen for auto-subscription (Settings → Sequence Auto Subscription).';
}
