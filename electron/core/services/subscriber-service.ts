/**
 * Subscriber use cases: add someone to a sequence, list a sequence's subscribers, open one with
 * their timeline, and move them through their states:
 *
 *   active ⇄ paused            (pause / resume)
 *   active | paused → unsubscribed   (unsubscribe; nothing more goes out)
 *   any → removed              (remove: the subscription and its history are deleted)
 *
 * Anything else is refused with CONFLICT and a message saying why. Each use case is one
 * transaction and announces the tables it touched after it commits.
 *
 * Opt-out is final until the customer writes START (inbound/inbound-service.ts): someone who
 * replied STOP cannot be added by hand either; the refusal says when and how they can come back.
 */
import { personLabel } from '../../../shared/person-label';
import type { ParsedInput, SubscriptionStatus } from '../../../shared/contract';
import type { Subscriber, SubscriberDetail } from '../../../shared/domain';
import { AppError, notFound } from '../errors';
import { optedOutRefusal } from '../inbound/opt-out-wording';
import type { SubscriptionSource } from '../store/row-values';
import type { Store } from '../store/store';
import type { SubscriptionState } from '../store/subscription-repository';
import { normalizePhone } from './phone';
import type { ServiceDeps } from './service-deps';
import type { SettingsService } from './settings-service';
import { buildTimeline } from './subscriber-timeline';
import { baseOf, firstDue, nextFor, type DueContext } from './subscription-progress';

/** How an ended subscription is described in refusals: "Anna <has completed this sequence>". */
const ENDED: Record<Exclude<SubscriptionStatus, 'active' | 'paused'>, string> = {
  completed: 'has completed this sequence',
  unsubscribed: 'has unsubscribed from this sequence',
  stopped: 'was stopped in this sequence',
  failed: 'failed in this sequence',
};

export class SubscriberService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: SettingsService,
  ) {}

  /**
   * Creates or merges the contact (by phone) and subscribes it, starting at `startAt` (default
   * now). Someone already active or paused in the sequence is refused with CONFLICT, and then
   * nothing changes, not even their name or attributes.
   */
  add(input: ParsedInput<'subscribers.add'>): Subscriber {
    const { store, clock, events } = this.deps;
    const phone = normalizePhone(input.phone, this.settings.get().defaultCountry);
    const subscriber = store.write(() => {
      const sequenceName = store.sequences.nameOf(input.sequenceId);
      if (sequenceName === undefined) throw notFound('Sequence', input.sequenceId);
      const now = clock.now();
      const existing = store.contacts.findByPhone(phone);
      if (existing !== undefined) {
        const who = existing.name || input.name || phone;
        const live = store.subscriptions.findLive(existing.id, input.sequenceId);
        if (live !== undefined) {
          const paused = live.status === 'paused' ? ' (paused)' : '';
          throw new AppError('CONFLICT', `${who} is already subscribed to “${sequenceName}”${paused}.`, 'phone');
        }
        if (existing.optedOutAt !== null) {
          throw new AppError('CONFLICT', optedOutRefusal(who, existing.optedOutAt, this.settings.scheduleContext().timeZone), 'phone');
        }
      }
      const { id: contactId } = store.contacts.upsertByPhone(
        { phone, name: input.name, attributes: input.attributes, source: 'manual', consentNote: `Added by hand to “${sequenceName}”` },
        now,
      );
      const subscribedAt = input.startAt ?? now;
      const id = subscribeContact(store, { contactId, sequenceId: input.sequenceId, source: 'manual', subscribedAt }, this.dueContext(now), now);
      if (id === undefined) throw new Error(`Contact ${contactId} became subscribed to sequence ${input.sequenceId} inside this transaction.`);
      return this.subscriber(id);
    });
    events.dataChanged('contacts', 'subscriptions', 'sequences');
    return subscriber;
  }

  list(input: ParsedInput<'subscribers.list'>): { rows: Subscriber[]; total: number } {
    const { store } = this.deps;
    if (!store.sequences.exists(input.sequenceId)) throw notFound('Sequence', input.sequenceId);
    return store.subscriptions.list(input);
  }

  get(id: number): SubscriberDetail {
    const { store, clock } = this.deps;
    const subscriber = store.subscriptions.findById(id);
    const state = store.subscriptions.findState(id);
    if (subscriber === undefined || state === undefined) throw notFound('Subscriber', id);
    const contact = store.contacts.findById(subscriber.contactId);
    const sequenceName = store.sequences.nameOf(subscriber.sequenceId);
    if (contact === undefined || sequenceName === undefined) throw new Error(`Subscription ${id} lost its contact or sequence.`);
    const timeline = buildTimeline(
      store.messages.listBySequence(subscriber.sequenceId),
      state,
      store.deliveries.listBySubscription(id),
      this.dueContext(clock.now()),
    );
    return { subscriber, contact, sequenceName, timeline };
  }

  /**
   * active → paused. The next message stays (the subscriber view shows what they will get); the
   * due time goes: only active subscriptions have one (migration 0006), and resume works it out again.
   */
  pause(id: number): Subscriber {
    return this.transition(id, (state, who) => {
      if (state.status === 'paused') throw conflict(`${who} is already paused.`);
      if (state.status !== 'active') throw conflict(`${who} ${ENDED[state.status]}, so there is nothing to pause.`);
      return { status: 'paused', next: { nextMessageId: state.nextMessageId, nextDueAt: null } };
    });
  }

  /**
   * paused → active, with the next due time worked out again: if it has passed, it is due now.
   * As after a send (engine/advance-subscription.ts): a delivery still being sent or waiting for a
   * retry holds them (its retry has its own time), and with nothing left to send (their last
   * message went out while they were paused) they have completed the sequence.
   */
  resume(id: number): Subscriber {
    return this.transition(id, (state, who, now) => {
      if (state.status === 'active') throw conflict(`${who} is not paused.`);
      if (state.status !== 'paused') throw conflict(`${who} ${ENDED[state.status]}. Add them again to start over.`);
      const { store } = this.deps;
      const open = store.deliveries.openFor(id);
      if (open !== undefined) return { status: 'active', next: { nextMessageId: open.messageId, nextDueAt: null } };
      const next = nextFor(
        store.messages.listBySequence(state.sequenceId),
        { lastSentPosition: state.lastSentPosition, received: store.deliveries.receivedMessageIds(id) },
        baseOf(state),
        this.dueContext(now),
      );
      return { status: next.nextMessageId === null ? 'completed' : 'active', next };
    });
  }

  /** active | paused → unsubscribed: nothing more goes out to them in this sequence. */
  unsubscribe(id: number): Subscriber {
    return this.transition(id, (state, who) => {
      if (state.status !== 'active' && state.status !== 'paused') throw conflict(`${who} ${ENDED[state.status]}.`);
      return { status: 'unsubscribed', next: { nextMessageId: null, nextDueAt: null } };
    });
  }

  /** Deletes the subscription and its history; the contact stays. */
  remove(id: number): { id: number } {
    const { store, events } = this.deps;
    store.write(() => {
      if (!store.subscriptions.delete(id)) throw notFound('Subscriber', id);
    });
    events.dataChanged('subscriptions', 'deliveries', 'sequences');
    return { id };
  }

  private transition(
    id: number,
    decide: (
      state: SubscriptionState,
      who: string,
      now: number,
    ) => { status: SubscriptionStatus; next: { nextMessageId: number | null; nextDueAt: number | null } },
  ): Subscriber {
    const { store, clock, events } = this.deps;
    const subscriber = store.write(() => {
      const current = store.subscriptions.findById(id);
      const state = store.subscriptions.findState(id);
      if (current === undefined || state === undefined) throw notFound('Subscriber', id);
      const now = clock.now();
      const { status, next } = decide(state, personLabel(current), now);
      store.subscriptions.setState(id, status, next, now);
      return this.subscriber(id);
    });
    events.dataChanged('subscriptions', 'sequences');
    return subscriber;
  }

  private dueContext(now: number): DueContext {
    return { ...this.settings.scheduleContext(), now };
  }

  private subscriber(id: number): Subscriber {
    const subscriber = this.deps.store.subscriptions.findById(id);
    if (subscriber === undefined) throw new Error(`Subscription ${id} vanished inside its own transaction.`);
    return subscriber;
  }
}

/**
 * Subscribes the contact to the sequence from `subscribedAt`, with the first enabled message due
 * by the timing rules (none yet: it stays active, and a message added later reaches it). The one
 * way every subscription starts: by hand, or auto-subscribed by a message the customer sent.
 * Undefined, and nothing written, when they are already active or paused in it. Runs inside the
 * caller's transaction; opt-outs are the caller's to check.
 */
export function subscribeContact(
  store: Store,
  subscription: { contactId: number; sequenceId: number; source: SubscriptionSource; subscribedAt: number },
  ctx: DueContext,
  now: number,
): number | undefined {
  const next = firstDue(store.messages.listBySequence(subscription.sequenceId), subscription.subscribedAt, ctx);
  return store.subscriptions.insertActive({ ...subscription, ...next }, now);
}

function conflict(message: string): AppError {
  return new AppError('CONFLICT', message);
}
