/**
 * The delivery engine: sends every due message on time, once, inside the sending hours, paced,
 * and never loses one silently, also across crashes (DESIGN.md §4–§5).
 *
 * Shape (after Signal-Desktop's JobManager): persistence in SQLite, one-shot timers re-armed
 * after every round, a re-entrancy guard per channel, an AbortController for sends in flight,
 * `start()` recovers what a crash left claimed, `stop()` drains, `waitForIdle()` for tests.
 *
 * Wake-ups, not polling. A round ("tick") asks, per channel, for the oldest work (the earliest
 * due subscription of each sequence on that channel, and the earliest retry) and the channel's
 * next pacing slot; it starts the channel's queue if that time has come, and otherwise sleeps
 * until the earliest such time. The sleep is capped at one minute: that is the safety net (and
 * keeps a timer far from Node's 24.8-day overflow); a timer that fires much later than asked
 * means the computer slept, so channels are re-checked. `wake()` runs a round at once; the
 * engine wakes itself on every data change (edits, new subscribers, settings), on channel status
 * changes, and the Electron shell calls it on resume from sleep.
 *
 * One queue per channel. A queue sends one message at a time: claim (one transaction) → send
 * (outside any transaction, with an AbortSignal and a time limit) → record (one transaction);
 * see claim.ts and record.ts. A retry after a transient failure on a channel that cannot drop a
 * repeat (WhatsApp) may have gone out already: such a channel is asked first (`lookup`, as in
 * recovery) and the message is sent again only if it is not there. Between sends it re-checks the pacing slot (gap drawn once after
 * each send and persisted, daily cap per business day, sending window), so many messages due at
 * once drain oldest first at the paced rate. A channel that is not ready holds its queue without
 * using up attempts, is probed about once a minute, and its queue resumes by itself when the
 * channel reports ready again.
 *
 * Every round also notes that the engine is alive (a heartbeat, persisted at most every 30 s and
 * at stop); a gap since the last one is downtime, the only thing the "skip if more than N hours
 * late" setting counts (catch-up.ts).
 *
 * Nothing is sent while the owner has paused everything (persisted), for a paused sequence, for
 * a sequence without a channel (the status says which), or for a paused subscription.
 *
 * One item whose claim throws unexpectedly (a bug, data nobody foresaw) is set aside as failed
 * with a readable reason and the queue goes on (set-aside.ts): it never blocks its channel.
 * Errors of the database itself hold the channel for a minute instead.
 *
 * If recording a result fails (disk full, say), the claim stays as it was and the record is
 * tried again on every round; if the app stops first, start-up recovery resends with the same
 * key, which the provider drops as a duplicate.
 *
 * Which queue serves which work is routing.ts's rule, asked with the situation of the moment
 * (`routingAt`): for "WhatsApp, else SMS" sequences SMS stands in once WhatsApp has not been
 * ready for longer than `settings.whatsapp.smsFallbackAfterMinutes` (counted in memory from when
 * this engine saw it not ready; a restart starts the count again, WhatsApp connects at start-up
 * anyway), and the engine wakes at that moment.
 *
 * Receipts: the engine listens to every channel's `onReceipt` (re-subscribing when the registry
 * hands out another instance, e.g. a reconfigured SMS gateway) and records them forward only
 * (`recordReceipt`, also the entry point for SMSGate's `sms:delivered` webhook). WhatsApp may
 * acknowledge a message before its send is recorded; such a receipt is kept for a few minutes and
 * applied once the send is. `data.changed` for receipts is throttled like the engine's other
 * events, with a trailing event so the last one is never lost.
 *
 * Start-up recovery waits for a channel that can look claims up but is not ready yet (WhatsApp
 * connecting): see recovery.ts. That channel's queue is held until its claims are settled.
 */
import { channelIds, type TableName } from '../../../shared/contract';
import type { ChannelStatusInfo, Delivery, EngineStatus } from '../../../shared/domain';
import type { Channel, ChannelId, DeliveryReceipt, LookupResult, SendResult } from '../channels/channel';
import type { Clock } from '../clock';
import { AppError, errorStack, notFound } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { businessDay } from '../schedule/zoned-time';
import type { SendingSequence } from '../store/sending-repository';
import type { Store } from '../store/store';
import { advanceSubscription } from './advance-subscription';
import { validateCatchUp } from './catch-up';
import { claimWork, nextWorkItem, type Claim, type ClaimOutcome, type WorkItem } from './claim';
import { newDeliveryKey } from './delivery-key';
import { createEngineStore, pacingFor, type EngineStore, type SendingContext } from './engine-store';
import { HEARTBEAT_INTERVAL_MS, type Heartbeat } from './engine-state';
import { describeStatus, type BlockedWork } from './engine-status';
import { nextSendSlot, type PacingDecision } from './pacing';
import { markSent, recordResult } from './record';
import { giveUpWaiting, recoverClaimed, type RecoveryDeps } from './recovery';
import { isWhatsAppElseSms, laneRoutes, NEW_WORK, NORMAL_ROUTING, retryRoutesFor, routeOf, type RoutingConditions } from './routing';
import { isStoreFailure, setAside, setAsideReason } from './set-aside';
import type { TimerHandle, Timers } from './timers';

/** The longest the engine sleeps: the safety re-check. */
export const SAFETY_TICK_MS = 60_000;
/** A timer this much later than asked means the computer was asleep. */
export const SLEEP_DETECT_MS = 2 * 60_000;
/** How often a channel that is down is asked whether it is back. */
export const PROBE_INTERVAL_MS = 60_000;
/** After a send reported the channel down although its status says ready: wait this long. */
export const CHANNEL_DOWN_HOLD_MS = 30_000;
/** After an unexpected error in a round: wait this long before that channel tries again. */
export const ERROR_HOLD_MS = 60_000;
/** A gap this long since the engine's last heartbeat was downtime (computer off or asleep, app closed). */
export const DOWNTIME_MIN_MS = SLEEP_DETECT_MS;
/** After a round found work it could not claim (should not happen): wait this long. */
export const STUCK_HOLD_MS = 5_000;
export const DEFAULT_SEND_TIMEOUT_MS = 2 * 60_000;
/** `data.changed` from the engine at most this often during a burst (real time; the UI refreshes on it). */
const DATA_EVENT_INTERVAL_MS = 250;
/** How long start-up recovery waits for a channel that is not ready yet before its claims become unknown (recovery.ts). */
export const RECOVERY_WAIT_MS = 5 * 60_000;
/** A receipt for a message whose send is not recorded yet is kept this long (clock time), at most this many. */
const UNMATCHED_RECEIPT_MS = 10 * 60_000;
const MAX_UNMATCHED_RECEIPTS = 1_000;
const DEFAULT_SMS_FALLBACK_AFTER_MINUTES = 60;
const SMS_NOT_DELIVERED = 'The SMS gateway took this message, but the phone reports it could not be delivered (no signal, a wrong number, or the network refused it).';

const CHANNEL_LABEL: Record<ChannelId, string> = { test: 'Test mode', sms: 'The SMS gateway', whatsapp: 'WhatsApp' };

/** What the engine needs to know about channels (channels/channel-registry.ts). */
export interface ChannelSource {
  get(id: ChannelId): Channel | null;
  status(id: ChannelId): ChannelStatusInfo;
  statuses(): ChannelStatusInfo[];
  onChange(listener: (status: ChannelStatusInfo) => void): () => void;
}

export interface DeliveryEngineDeps {
  store: Store;
  events: EventBus;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  channels: ChannelSource;
  /** The business time zone and the sending settings, read on every round. */
  context: () => SendingContext;
  /** Where media files live (`<sha256>.<extension>`). */
  mediaDir: string;
  /** [0, 1); injected so tests can fix gaps and backoff. */
  random?: () => number;
  sendTimeoutMs?: number;
  /** The WhatsApp settings (settings-service `whatsapp()`), read only while WhatsApp is not ready. Default: SMS after 60 minutes. */
  whatsappSettings?: () => { smsFallbackAfterMinutes: number };
}

/** Claims of a channel that start-up recovery waits for (recovery.ts). */
interface PendingRecovery {
  ids: number[];
  /** Past this instant, the claims become unknown. */
  until: number;
  running: Promise<void> | null;
}

type LanePlan =
  | { state: 'idle' }
  | { state: 'blocked'; reason: string }
  | { state: 'scheduled'; at: number; heldBy: PacingDecision['heldBy']; item: WorkItem };

interface Lane {
  readonly id: ChannelId;
  /** The queue's current run; null when it is not sending. The re-entrancy guard. */
  running: Promise<void> | null;
  /** Not before this instant (after a channel-down answer or an unexpected error). */
  heldUntil: number;
  lastProbeAt: number;
  plan: LanePlan;
}

interface PendingRecord {
  claim: Claim;
  result: SendResult;
  /** When the send finished: the time recorded for it, also when recorded with others. */
  at: number;
}

/**
 * At most this many messages are claimed in one transaction (and their results recorded in one)
 * when pacing holds nothing back (no gap, no cap): one durable commit per batch instead of one per
 * message. Small, so "Pause all" or a channel going down leaves little to give back.
 */
const CLAIM_BATCH = 32;

export class DeliveryEngine {
  private readonly env: EngineStore;
  private readonly lanes: Lane[];
  private readonly random: () => number;
  private readonly sendTimeoutMs: number;
  private readonly abort = new AbortController();
  private readonly unsubscribers: Array<() => void> = [];
  /** Probes of channels that are down and recoveries of deferred claims: awaited by stop() and waitForIdle(). */
  private readonly background = new Set<Promise<unknown>>();
  private readonly recoveries = new Map<ChannelId, PendingRecovery>();
  private readonly receiptListeners = new Map<ChannelId, { channel: Channel; unsubscribe: () => void }>();
  /** Receipts that named a WhatsApp message whose send was not recorded yet, by provider id. */
  private readonly unmatchedReceipts = new Map<string, { receipt: DeliveryReceipt; keptAt: number }>();
  private trailingFlush: ReturnType<typeof setTimeout> | null = null;
  /** Since when WhatsApp has not been ready, as this engine saw it; null while it is. */
  private whatsappDownSince: number | null = null;
  private readonly pendingRecords: PendingRecord[] = [];
  private readonly pendingTables = new Set<TableName>();
  /** True once recovery has finished: rounds run only after it. */
  private ready = false;
  private stopped = false;
  private starting: Promise<void> | null = null;
  private draining: Promise<void> | null = null;
  private timer: TimerHandle | null = null;
  private tickQueued = false;
  private emittingOwnChange = false;
  private lastDataEventAt = 0;
  private lastStatusJson = '';
  /** The engine's last sign of life (null until its first round, when the stored heartbeat is read). */
  private alive: Heartbeat | null = null;
  private heartbeatWrittenAt = Number.NEGATIVE_INFINITY;
  private heartbeatSendingKey = '';

  constructor(private readonly deps: DeliveryEngineDeps) {
    this.env = createEngineStore(deps.store, deps.clock, deps.context, deps.mediaDir);
    this.lanes = channelIds.map((id) => ({ id, running: null, heldUntil: 0, lastProbeAt: Number.NEGATIVE_INFINITY, plan: { state: 'idle' } }));
    this.random = deps.random ?? Math.random;
    this.sendTimeoutMs = deps.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  }

  /** Recovers deliveries a crash left claimed, then starts sending. Idempotent. */
  start(): Promise<void> {
    if (this.starting !== null) return this.starting;
    const { events, channels, logger } = this.deps;
    this.unsubscribers.push(
      events.on('data.changed', () => {
        if (!this.emittingOwnChange) this.wake();
      }),
      channels.onChange(() => {
        this.noteWhatsAppState(this.deps.clock.now());
        this.listenForReceipts();
        this.wake();
        this.publishStatus();
      }),
    );
    this.listenForReceipts();
    this.starting = (async () => {
      try {
        const { deferred } = await recoverClaimed(this.recoveryDeps(), {
          // Not ready YET (WhatsApp connecting): asked once it is, see recovery.ts.
          defer: (channel) => !channel.idempotentSend && channel.lookup !== undefined && channel.status().state !== 'ready',
        });
        const until = this.deps.clock.now() + RECOVERY_WAIT_MS;
        for (const [id, ids] of deferred) this.recoveries.set(id, { ids, until, running: null });
      } catch (error) {
        // Whatever could not be recovered stays claimed and is tried again at the next start.
        logger.error('Recovering interrupted deliveries failed', { error: errorStack(error) });
      }
      if (this.stopped) return;
      this.ready = true;
      this.tick();
    })();
    return this.starting;
  }

  /**
   * Stops the rounds and aborts sends in flight; their claims stay as they are and are recovered
   * at the next start. Nothing touches the database after this returns (the store may be closed
   * right away); the promise settles when every send in flight has given up.
   */
  stop(): Promise<void> {
    if (this.draining !== null) return this.draining;
    // The last sign of life: the time until the next start is downtime.
    if (this.alive !== null) this.writeHeartbeat({ at: this.deps.clock.now(), sending: this.alive.sending });
    this.stopped = true;
    this.clearTimer();
    if (this.trailingFlush !== null) clearTimeout(this.trailingFlush);
    this.trailingFlush = null;
    this.abort.abort();
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    for (const listener of this.receiptListeners.values()) listener.unsubscribe();
    this.receiptListeners.clear();
    const inFlight = [this.starting, ...this.lanes.map((lane) => lane.running), ...this.background];
    this.draining = Promise.allSettled(inFlight).then(() => undefined);
    return this.draining;
  }

  /** Runs a round as soon as possible (coalesced). */
  wake(): void {
    if (!this.ready || this.stopped || this.tickQueued) return;
    this.tickQueued = true;
    queueMicrotask(() => {
      this.tickQueued = false;
      this.tick();
    });
  }

  /** After the computer slept: channels may have dropped meanwhile, and due work is overdue. */
  resumedFromSleep(): void {
    for (const lane of this.lanes) lane.lastProbeAt = Number.NEGATIVE_INFINITY;
    this.wake();
  }

  /** For tests: resolves once no round is queued and no channel is sending or being probed. */
  async waitForIdle(): Promise<void> {
    for (;;) {
      // Let queued microtasks (a coalesced wake) and I/O callbacks run first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const busy = [this.ready || this.stopped ? null : this.starting, ...this.lanes.map((lane) => lane.running), ...this.background].filter(
        (p): p is Promise<unknown> => p !== null,
      );
      if (busy.length === 0 && !this.tickQueued) return;
      await Promise.allSettled(busy);
    }
  }

  status(): EngineStatus {
    const { store } = this.deps;
    const now = this.deps.clock.now();
    const context = this.deps.context();
    const sequences = this.env.sending.sequences();
    const conditions = this.routingAt(now, sequences);
    const day = businessDay(now, context.timeZone);
    let next: { at: number; heldBy: PacingDecision['heldBy'] } | null = null;
    for (const lane of this.lanes) {
      if (lane.plan.state === 'scheduled' && (next === null || lane.plan.at < next.at)) next = { at: lane.plan.at, heldBy: lane.plan.heldBy };
    }
    return describeStatus({
      pausedByOwner: this.env.state.pausedByOwner(),
      dueNow: this.env.sending.allDueCount(now) + store.deliveries.retriesDue(now),
      blocked: this.blockedWork(sequences, now, conditions),
      sending: this.lanes.some((lane) => lane.running !== null),
      next,
      sentToday: Math.max(...channelIds.map((id) => store.deliveries.sentBetween(id, day.startMs, day.endMs))),
      dailyCap: context.sending.pacing.dailyCap,
      unknownDeliveries: store.deliveries.countByStatus('unknown'),
      channels: this.deps.channels.statuses(),
      sequencesWithoutChannel: sequences
        .filter(
          (sequence) =>
            sequence.active &&
            sequence.channel === null &&
            this.env.sending.dueCount(sequence.id, Number.MAX_SAFE_INTEGER) + store.deliveries.retriesDueOfSequence(sequence.id, Number.MAX_SAFE_INTEGER) > 0,
        )
        .map((sequence) => sequence.name),
    });
  }

  /** Holds every outgoing message until `resumeAll`, also across restarts. Sends in flight finish. */
  pauseAll(): EngineStatus {
    return this.setPausedByOwner(true);
  }

  resumeAll(): EngineStatus {
    return this.setPausedByOwner(false);
  }

  /**
   * The owner's answer for a delivery whose outcome is `unknown`: send it again (under a new
   * key, through the normal queue), or record that it did go out (counts and progress as for
   * any send).
   */
  resolve(id: number, action: 'send-again' | 'mark-as-sent'): Delivery {
    const { store } = this.deps;
    const now = this.deps.clock.now();
    store.write(() => {
      const delivery = store.deliveries.findById(id);
      if (delivery === undefined) throw notFound('Delivery', id);
      if (delivery.status !== 'unknown') {
        throw new AppError('CONFLICT', `Only a message whose outcome is unknown can be resolved; this one is ${delivery.status}.`);
      }
      if (action === 'mark-as-sent') {
        markSent(this.env, delivery, { sentAt: delivery.claimedAt ?? now, providerMessageId: null, note: 'Marked as sent by you.' }, 'unknown', now);
      } else {
        store.deliveries.resend(id, newDeliveryKey(), now);
        advanceSubscription(this.env, delivery.subscriptionId, now);
      }
    });
    this.emitChanged(['deliveries', 'subscriptions', 'messages', 'sequences']);
    this.wake();
    this.publishStatus();
    const item = store.deliveries.findListItem(id);
    if (item === undefined) throw notFound('Delivery', id);
    return item;
  }

  /**
   * Records an acknowledgement reported after a send (a channel's `onReceipt`, or SMSGate's
   * `sms:delivered` webhook with `channel` 'sms' and our delivery key as the id). Forward only:
   * a repeated or late receipt changes nothing. Returns whether a delivery took it. Never throws
   * (a receipt is a nicety; failing to store one is logged).
   */
  recordReceipt(channel: ChannelId, receipt: DeliveryReceipt): boolean {
    if (this.stopped) return false;
    const { store, logger } = this.deps;
    try {
      const result = store.write(() => store.deliveries.recordReceipt({ channel, ...receipt }));
      if (result === 'recorded') this.noteReceiptChange();
      else if (result === 'unmatched' && channel === 'whatsapp') this.keepUnmatched(receipt);
      return result === 'recorded';
    } catch (error) {
      logger.warn('Could not record a delivery receipt', { channel, receipt, error: errorStack(error) });
      return false;
    }
  }

  /**
   * SMSGate's delivery reports (its `sms:sent` / `sms:delivered` / `sms:failed` webhook events,
   * handed over by the webhook receiver), by SMSGate's message id, which is our delivery key:
   * sent and delivered are receipts; failed is said on the delivery, which stays sent (the
   * gateway took it; the phone could not get it through). Returns whether a delivery changed.
   */
  recordSmsGateReport(messageId: string, level: 'server' | 'delivered' | 'failed', at: number): boolean {
    if (level !== 'failed') return this.recordReceipt('sms', { providerMessageId: messageId, level, at });
    if (this.stopped) return false;
    const { store, logger } = this.deps;
    try {
      const noted = store.write(() => store.deliveries.noteSmsNotDelivered(messageId, SMS_NOT_DELIVERED, this.deps.clock.now()));
      if (noted) this.noteReceiptChange();
      logger.warn('The SMS gateway reports a message as not delivered', { messageId, matched: noted });
      return noted;
    } catch (error) {
      logger.warn('Could not record a delivery report', { messageId, error: errorStack(error) });
      return false;
    }
  }

  private setPausedByOwner(paused: boolean): EngineStatus {
    this.deps.store.write(() => this.env.state.setPausedByOwner(paused));
    // A round forgets the planned sends, so the status shows nothing scheduled while paused.
    this.wake();
    // Worked out again only if publishing did not (stopped) or failed (then it throws to the caller).
    return this.publishStatus() ?? this.status();
  }

  // -------------------------------------------------------------------------------------------
  // Rounds
  // -------------------------------------------------------------------------------------------

  private tick(): void {
    if (!this.ready || this.stopped) return;
    this.clearTimer();
    const now = this.deps.clock.now();
    let wakeAt = now + SAFETY_TICK_MS;
    try {
      this.retryPendingRecords();
      const recoveryDeadline = this.continueRecoveries(now);
      if (recoveryDeadline !== null) wakeAt = Math.min(wakeAt, recoveryDeadline);
      const paused = this.env.state.pausedByOwner();
      const sequences = this.env.sending.sequences();
      const conditions = this.routingAt(now, sequences);
      const takeover = this.smsTakeoverAt(sequences, conditions);
      if (takeover !== null) wakeAt = Math.min(wakeAt, Math.max(takeover, now));
      this.noteAlive(now, paused, sequences, conditions);
      if (!paused) {
        const context = this.deps.context();
        for (const lane of this.lanes) {
          if (lane.running !== null) continue;
          lane.plan = this.planLane(lane, now, context, sequences, conditions);
          if (lane.plan.state === 'scheduled') {
            if (lane.plan.at <= now) this.startLane(lane);
            else wakeAt = Math.min(wakeAt, lane.plan.at);
          } else if (lane.plan.state === 'blocked') {
            this.probeIfDue(lane, now);
          }
        }
      } else {
        for (const lane of this.lanes) if (lane.running === null) lane.plan = { state: 'idle' };
      }
    } catch (error) {
      this.deps.logger.error('A delivery round failed; trying again shortly', { error: errorStack(error) });
    }
    this.armTimer(wakeAt, now);
    this.flushChanged();
    this.publishStatus();
  }

  /**
   * The heartbeat (catch-up.ts): a gap since the last sign of life is remembered as downtime;
   * then the heartbeat is written again, at most every HEARTBEAT_INTERVAL_MS unless what can send
   * has changed.
   */
  private noteAlive(now: number, paused: boolean, sequences: readonly SendingSequence[], conditions: RoutingConditions): void {
    const last = this.alive ?? this.env.state.heartbeat();
    if (last !== null && now - last.at > DOWNTIME_MIN_MS) {
      this.env.state.addDowntime({ from: last.at, to: now, sequenceIds: last.sending });
      this.deps.logger.info('The engine was not running for a while (computer off or asleep); catching up', {
        from: new Date(last.at).toISOString(),
        minutes: Math.round((now - last.at) / 60_000),
      });
    }
    const sending = paused ? [] : sequences.filter((s) => s.active && this.canSend(s, conditions)).map((s) => s.id);
    this.alive = { at: now, sending };
    const key = sending.join(',');
    if (now - this.heartbeatWrittenAt >= HEARTBEAT_INTERVAL_MS || key !== this.heartbeatSendingKey) {
      this.writeHeartbeat(this.alive);
      this.heartbeatSendingKey = key;
    }
  }

  private writeHeartbeat(heartbeat: Heartbeat): void {
    try {
      this.env.state.setHeartbeat(heartbeat);
      this.heartbeatWrittenAt = heartbeat.at;
    } catch (error) {
      // Only the catch-up setting's accuracy suffers; sending goes on.
      this.deps.logger.warn('Could not write the engine heartbeat', { error: errorStack(error) });
    }
  }

  /** Whether `sequence`'s new work can go out now: it has a channel and the queue serving it is ready. */
  private canSend(sequence: SendingSequence, conditions: RoutingConditions): boolean {
    const route = routeOf(sequence, NEW_WORK, conditions);
    return route !== null && this.deps.channels.status(route.channel).state === 'ready';
  }

  /** What a channel's queue should do next, at `now`. */
  private planLane(lane: Lane, now: number, context: SendingContext, sequences: readonly SendingSequence[], conditions: RoutingConditions): LanePlan {
    const item = nextWorkItem(this.env, laneRoutes(lane.id, sequences, conditions));
    if (item === undefined) return { state: 'idle' };
    const channel = this.deps.channels.get(lane.id);
    const status = this.deps.channels.status(lane.id);
    if (channel === null || status.state !== 'ready') return { state: 'blocked', reason: status.reason ?? notReady(lane.id) };
    // Nothing goes out here before the claims a crash left on this channel are settled.
    if (this.recoveries.has(lane.id)) return { state: 'blocked', reason: 'Checking what was being sent when the app stopped.' };
    // A broken setting must stop the channel here, not fail every message one by one in the claim.
    validateCatchUp(context.sending.catchUp);
    const from = Math.max(now, item.at, lane.heldUntil);
    const slot = this.slotFor(lane.id, from, context);
    return { state: 'scheduled', at: slot.at, heldBy: slot.heldBy, item };
  }

  /** The channel's pacing slot at or after `at`: gap after the last send, daily cap, window. */
  private slotFor(channel: ChannelId, at: number, context: SendingContext): PacingDecision {
    const { lastSentAt, gapMs } = this.env.state.pacing(channel);
    const settings = pacingFor(channel, context.sending);
    // Counted only under a cap (then it is at most the cap's worth of rows).
    let sentToday = 0;
    if (settings.dailyCap !== null) {
      const day = businessDay(at, context.timeZone);
      sentToday = this.deps.store.deliveries.sentBetween(channel, day.startMs, day.endMs);
    }
    return nextSendSlot({
      now: at,
      lastSentAt,
      gapMs,
      sentToday,
      settings,
      timeZone: context.timeZone,
      window: context.sending.window,
    });
  }

  private startLane(lane: Lane): void {
    lane.running = this.runLane(lane).finally(() => {
      lane.running = null;
      if (!this.stopped) {
        this.flushChanged();
        this.wake();
      }
    });
  }

  /**
   * Sends the channel's due work, one message at a time, until none is due or pacing holds it
   * back. In a burst, the record of one send and the claim of the next share a transaction: one
   * durable commit per message instead of two (a crash still leaves each delivery either claimed
   * or recorded, never in between). When pacing holds nothing back (no gap, no daily cap), up to
   * CLAIM_BATCH messages are claimed in that transaction and their results recorded together in
   * the next; each is still claimed before it is sent. "Pause all" or a channel going down in the
   * middle of a batch records what was sent and gives the rest back unsent and uncounted.
   */
  private async runLane(lane: Lane): Promise<void> {
    const { clock, logger, channels } = this.deps;
    /** Claimed together with the previous record(s), to be sent next, in order. */
    let held: Claim[] = [];
    /** Sent in this batch, recorded together once the batch is through. */
    let done: PendingRecord[] = [];
    try {
      for (;;) {
        // One send per turn of the event loop: a burst through an instant channel must not
        // starve the HTTP server, the IPC or the timers.
        await new Promise<void>((resolve) => setImmediate(resolve));
        // Stopping: held claims stay `claimed`; start-up recovery resends them under the same key.
        if (this.stopped) {
          this.recordAll(done);
          return;
        }
        let claim: Claim;
        const heldClaim = held.shift();
        if (heldClaim !== undefined) {
          if (done.length > 0 && this.env.state.pausedByOwner()) {
            // Paused in the middle of a batch: what was sent is recorded, the rest given back unsent.
            this.recordAll(done);
            this.giveBack([heldClaim, ...held], 'Sending was paused before it could go out.');
            return;
          }
          claim = heldClaim;
        } else {
          if (this.env.state.pausedByOwner()) return;
          const now = clock.now();
          const sequences = this.env.sending.sequences();
          const conditions = this.routingAt(now, sequences);
          const plan = this.planLane(lane, now, this.deps.context(), sequences, conditions);
          lane.plan = plan;
          if (plan.state !== 'scheduled' || plan.at > now) return;
          const outcome = this.claimOrSetAside(lane, plan.item, now, conditions);
          if (outcome === null) {
            // Set aside (or nothing left to set aside): go on with the rest of the queue.
            continue;
          }
          if (outcome.kind === 'handled') {
            this.noteChanged(outcome.tables);
            if (outcome.tables.length === 0) {
              // Nothing written means nothing changed; the lookup and the claim disagree about
              // this item (a bug). Back off briefly rather than spin on it.
              logger.warn('The next message could not be claimed; trying again shortly', { channel: lane.id, item: plan.item });
              lane.heldUntil = now + STUCK_HOLD_MS;
              return;
            }
            continue;
          }
          claim = outcome.claim;
          this.noteChanged(['deliveries', 'subscriptions']);
        }

        const channel = channels.get(lane.id);
        if (channel === null || channel.status().state !== 'ready') {
          // Gone or down since the claim was written: give the claim back, unsent and uncounted.
          const reason = this.notReadyReason(lane.id);
          this.recordAll(done);
          this.giveBack([claim, ...held], reason);
          return;
        }
        const result = await this.deliver(channel, claim);
        if (this.stopped) {
          // The send in flight was aborted: its claim stays for recovery; the ones before it are recorded.
          this.recordAll(done);
          return;
        }
        done.push({ claim, result, at: clock.now() });
        const channelDown = !result.ok && result.error.kind === 'channel-down';
        if (held.length > 0 && !channelDown) continue;
        const batch = done;
        done = [];
        const step = this.recordAndClaimNext(lane, batch);
        if (step === null) {
          this.pendingRecords.push(...batch);
          if (held.length > 0) this.giveBack(held, notReady(lane.id));
          return;
        }
        if (channelDown) {
          if (held.length > 0) this.giveBack(held, this.notReadyReason(lane.id));
          // The status normally says so already; if it does not, do not retry in a tight loop.
          lane.heldUntil = clock.now() + CHANNEL_DOWN_HOLD_MS;
          return;
        }
        held = step.next;
      }
    } catch (error) {
      lane.heldUntil = clock.now() + ERROR_HOLD_MS;
      logger.error(`Sending through ${lane.id} failed unexpectedly; it will be tried again in a minute`, { error: errorStack(error) });
    }
  }

  /**
   * Claims `item`, or, when claiming it throws something unexpected that is not the database's
   * fault, sets that one item aside as failed (set-aside.ts) so it cannot block the channel's
   * queue: null then, and the queue goes on with the next item. Errors of the store itself are
   * rethrown (the caller holds the channel for a while).
   */
  private claimOrSetAside(lane: Lane, item: WorkItem, now: number, conditions: RoutingConditions): ClaimOutcome | null {
    try {
      return claimWork(this.env, lane.id, item, now, conditions);
    } catch (error) {
      if (isStoreFailure(error)) throw error;
      this.deps.logger.error('A message could not be prepared for sending; it is set aside as failed and the others go on', {
        channel: lane.id,
        item,
        error: errorStack(error),
      });
      const tables = setAside(this.env, this.deps.logger, lane.id, item, setAsideReason(error), now);
      if (tables.length === 0) {
        // Nothing was left to set aside, yet the claim threw: the caller holds the channel briefly.
        throw error;
      }
      this.noteChanged(tables);
      return null;
    }
  }

  /**
   * Records a send's result and, when the channel may send again at once, claims its next
   * message, in one transaction. Null (logged) if the result could not be written: it is kept and
   * tried again next round. A failure to claim the next one never undoes the record.
   */
  private recordAndClaimNext(lane: Lane, batch: readonly PendingRecord[]): { next: Claim[] } | null {
    const { store, clock, logger } = this.deps;
    const tables = new Set<TableName>();
    try {
      let toSms = false;
      const next = store.write((): Claim[] => {
        const now = clock.now();
        let channelDown = false;
        for (const pending of batch) {
          const recorded = recordResult(this.env, pending.claim, pending.result, pending.at, this.random);
          for (const table of recorded.tables) tables.add(table);
          if (recorded.outcome.kind === 'channel-down') channelDown = true;
          if (recorded.outcome.kind === 'to-sms') toSms = true;
        }
        if (channelDown || this.env.state.pausedByOwner()) return [];
        const context = this.deps.context();
        const sequences = this.env.sending.sequences();
        const conditions = this.routingAt(now, sequences);
        const pacing = pacingFor(lane.id, context.sending);
        // Several at once only when pacing cannot hold any of them back (the cap counts sent ones only).
        const limit = pacing.minGapSeconds === 0 && pacing.maxGapSeconds === 0 && pacing.dailyCap === null ? CLAIM_BATCH : 1;
        const claims: Claim[] = [];
        try {
          for (let round = 0; claims.length < limit && round < 2 * limit; round++) {
            const plan = this.planLane(lane, now, context, sequences, conditions);
            lane.plan = plan;
            if (plan.state !== 'scheduled' || plan.at > now) break;
            // Nested: a savepoint, rolled back alone if the claim fails.
            const outcome = claimWork(this.env, lane.id, plan.item, now, conditions);
            for (const table of outcome.kind === 'send' ? (['deliveries', 'subscriptions'] as const) : outcome.tables) tables.add(table);
            if (outcome.kind === 'send') claims.push(outcome.claim);
            else if (outcome.tables.length === 0 || limit === 1) break;
          }
        } catch (error) {
          logger.error('Could not claim the next message; trying again next round', { error: errorStack(error) });
        }
        return claims;
      });
      this.noteChanged([...tables]);
      this.afterRecorded();
      // Handed to SMS: that queue may be idle; it starts at once rather than when this one pauses.
      if (toSms) this.wake();
      return { next };
    } catch (error) {
      logger.error('Could not record the result of a send; it is kept and recorded again shortly', {
        deliveryIds: batch.map((pending) => pending.claim.deliveryId),
        error: errorStack(error),
      });
      return null;
    }
  }

  /** Records sends made before the batch was cut short; what cannot be written is kept for the next round. */
  private recordAll(batch: readonly PendingRecord[]): void {
    for (const pending of batch) if (!this.record(pending)) this.pendingRecords.push(pending);
  }

  /** Gives claims that were not sent back, unsent and uncounted: they go out when sending can resume. */
  private giveBack(claims: readonly Claim[], reason: string): void {
    const now = this.deps.clock.now();
    this.deps.store.write(() => {
      for (const claim of claims) this.env.store.deliveries.markRetrying(claim.deliveryId, { nextAttemptAt: now, error: reason, refund: true }, now);
    });
    this.noteChanged(['deliveries']);
  }

  /**
   * Sends the claim; first, for a retry whose earlier attempt may have gone out over a channel
   * that cannot drop a repeat, asks the channel whether it did (the answer is recorded like a
   * send's: found → sent with that id; cannot tell → a transient failure, asked again later).
   */
  private async deliver(channel: Channel, claim: Claim): Promise<SendResult> {
    if (claim.failingSince !== null && !channel.idempotentSend && channel.lookup !== undefined) {
      const { message } = claim;
      const query = {
        deliveryKey: message.deliveryKey,
        to: message.to,
        whatsappId: message.whatsappId,
        text: message.text,
        mediaFileName: message.media?.fileName ?? null,
        // The first failed attempt was claimed at most one time limit before it failed.
        claimedAt: claim.failingSince - this.sendTimeoutMs,
      };
      const lookup = channel.lookup.bind(channel);
      const found = await this.withTimeLimit<LookupResult>(channel, 'lookup', (signal) => lookup(query, signal), {
        timedOut: { outcome: 'unknown', reason: 'the check took too long' },
        broken: { outcome: 'unknown', reason: 'the check failed unexpectedly' },
      });
      switch (found.outcome) {
        case 'sent':
          return { ok: true, providerMessageId: found.providerMessageId, note: 'An earlier attempt had gone out after all; it was not sent again.' };
        case 'failed':
          return { ok: false, error: found.error };
        case 'unknown':
          return { ok: false, error: { kind: 'transient', reason: `Could not check whether the earlier attempt went out (${found.reason}); it is checked again later.` } };
        case 'not-sent':
          break;
      }
    }
    return this.withTimeLimit<SendResult>(channel, 'send', (signal) => channel.send(claim.message, signal), {
      timedOut: { ok: false, error: { kind: 'transient', reason: 'The channel did not answer in time; it will be retried.', detail: 'engine time limit' } },
      broken: { ok: false, error: { kind: 'transient', reason: 'Sending failed unexpectedly; it will be retried.' } },
    });
  }

  /** Runs a channel call with the engine's abort signal and a time limit; a channel that ignores the signal is cut off anyway. */
  private async withTimeLimit<T>(channel: Channel, what: 'send' | 'lookup', call: (signal: AbortSignal) => Promise<T>, answers: { timedOut: T; broken: T }): Promise<T> {
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.sendTimeoutMs)]);
    const cutOff = new Promise<T>((resolve) => {
      const onAbort = (): void => resolve(answers.timedOut);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([call(signal), cutOff]);
    } catch (error) {
      // The channel contract says send and lookup never reject; a broken promise counts as a transient failure.
      this.deps.logger.error(`A channel rejected a ${what} (a bug in the channel)`, { channel: channel.id, error: errorStack(error) });
      return answers.broken;
    }
  }

  /** Records a send's result; false (logged) if it could not be written, to be tried again next round. */
  private record(pending: PendingRecord): boolean {
    try {
      const recorded = recordResult(this.env, pending.claim, pending.result, this.deps.clock.now(), this.random);
      this.noteChanged(recorded.tables);
      this.afterRecorded();
      if (recorded.outcome.kind === 'to-sms') this.wake();
      return true;
    } catch (error) {
      this.deps.logger.error('Could not record the result of a send; it is kept and recorded again shortly', {
        deliveryId: pending.claim.deliveryId,
        sent: pending.result.ok,
        error: errorStack(error),
      });
      return false;
    }
  }

  private retryPendingRecords(): void {
    this.recordAll(this.pendingRecords.splice(0));
  }

  private probeIfDue(lane: Lane, now: number): void {
    const channel = this.deps.channels.get(lane.id);
    if (channel === null || channel.status().state !== 'down' || now - lane.lastProbeAt < PROBE_INTERVAL_MS) return;
    lane.lastProbeAt = now;
    const probe = channel
      .probe(this.abort.signal)
      .catch((error: unknown) => this.deps.logger.warn(`Checking ${lane.id} failed`, { error: errorStack(error) }))
      .finally(() => this.background.delete(probe));
    this.background.add(probe);
  }

  // -------------------------------------------------------------------------------------------
  // Routing, recovery of deferred claims, receipts
  // -------------------------------------------------------------------------------------------

  /** The situation routing.ts decides by, at `now`. Reads WhatsApp's and SMS's status only when a "WhatsApp, else SMS" sequence is active. */
  private routingAt(now: number, sequences: readonly SendingSequence[]): RoutingConditions {
    const whatsappReady = this.noteWhatsAppState(now);
    if (whatsappReady || this.whatsappDownSince === null || !sequences.some((s) => s.active && isWhatsAppElseSms(s))) return NORMAL_ROUTING;
    if (this.deps.channels.status('sms').state !== 'ready') return NORMAL_ROUTING;
    return { smsStandsIn: now - this.whatsappDownSince >= this.smsFallbackAfterMs() };
  }

  /** When SMS will stand in for WhatsApp if nothing changes (to wake then), or null. */
  private smsTakeoverAt(sequences: readonly SendingSequence[], conditions: RoutingConditions): number | null {
    if (conditions.smsStandsIn || this.whatsappDownSince === null) return null;
    if (!sequences.some((s) => s.active && isWhatsAppElseSms(s)) || this.deps.channels.status('sms').state !== 'ready') return null;
    return this.whatsappDownSince + this.smsFallbackAfterMs();
  }

  /** Notes since when WhatsApp has not been ready; true when it is. */
  private noteWhatsAppState(now: number): boolean {
    const ready = this.deps.channels.status('whatsapp').state === 'ready';
    if (ready) this.whatsappDownSince = null;
    else this.whatsappDownSince ??= now;
    return ready;
  }

  private smsFallbackAfterMs(): number {
    const minutes = this.deps.whatsappSettings?.().smsFallbackAfterMinutes ?? DEFAULT_SMS_FALLBACK_AFTER_MINUTES;
    return minutes * 60_000;
  }

  private recoveryDeps(): RecoveryDeps {
    return {
      env: this.env,
      channel: (id) => this.deps.channels.get(id),
      logger: this.deps.logger,
      stopped: () => this.stopped,
      signal: this.abort.signal,
      sendTimeoutMs: this.sendTimeoutMs,
    };
  }

  /**
   * Recovers the deferred claims of every channel that has become ready (in the background; its
   * queue stays held until they are settled), and gives up on those whose wait is over. Returns
   * the earliest end of a wait still going, to wake then.
   */
  private continueRecoveries(now: number): number | null {
    let earliest: number | null = null;
    for (const [id, pending] of this.recoveries) {
      if (pending.running !== null) continue;
      const channel = this.deps.channels.get(id);
      if (channel === null || channel.status().state === 'ready') {
        // A channel no longer set up: recovery marks its claims unknown, saying so.
        const run = recoverClaimed(this.recoveryDeps(), { only: pending.ids })
          .then(() => undefined)
          .catch((error: unknown) => {
            // What could not be recovered stays claimed and is tried again at the next start.
            this.deps.logger.error('Recovering interrupted deliveries failed', { channel: id, error: errorStack(error) });
          })
          .finally(() => {
            this.background.delete(run);
            this.recoveries.delete(id);
            if (!this.stopped) {
              this.noteChanged(['deliveries', 'subscriptions', 'messages', 'sequences']);
              this.wake();
            }
          });
        pending.running = run;
        this.background.add(run);
      } else if (now >= pending.until) {
        const minutes = Math.round(RECOVERY_WAIT_MS / 60_000);
        const why = `${CHANNEL_LABEL[id]} was not ready within ${minutes} minutes of the restart to check`;
        const marked = this.deps.store.write(() => giveUpWaiting(this.env, pending.ids, why, now));
        this.recoveries.delete(id);
        this.deps.logger.warn('Gave up waiting for a channel to check interrupted deliveries; they are marked unknown', { channel: id, marked });
        this.noteChanged(['deliveries', 'subscriptions']);
      } else {
        earliest = earliest === null ? pending.until : Math.min(earliest, pending.until);
        const lane = this.lanes.find((l) => l.id === id);
        if (lane !== undefined) this.probeIfDue(lane, now);
      }
    }
    return earliest;
  }

  /** Subscribes to the receipts of every channel the registry hands out now (again when it hands out another instance). */
  private listenForReceipts(): void {
    if (this.stopped) return;
    for (const id of channelIds) {
      const channel = this.deps.channels.get(id);
      const current = this.receiptListeners.get(id);
      if (current !== undefined && current.channel === channel) continue;
      current?.unsubscribe();
      this.receiptListeners.delete(id);
      if (channel?.onReceipt === undefined) continue;
      const unsubscribe = channel.onReceipt((receipt) => this.recordReceipt(id, receipt));
      this.receiptListeners.set(id, { channel, unsubscribe });
    }
  }

  private keepUnmatched(receipt: DeliveryReceipt): void {
    const known = this.unmatchedReceipts.get(receipt.providerMessageId);
    if (known !== undefined && RECEIPT_ORDER.indexOf(known.receipt.level) >= RECEIPT_ORDER.indexOf(receipt.level)) return;
    this.unmatchedReceipts.delete(receipt.providerMessageId);
    this.unmatchedReceipts.set(receipt.providerMessageId, { receipt, keptAt: this.deps.clock.now() });
    // Oldest first (insertion order): drop beyond the limit.
    for (const key of this.unmatchedReceipts.keys()) {
      if (this.unmatchedReceipts.size <= MAX_UNMATCHED_RECEIPTS) break;
      this.unmatchedReceipts.delete(key);
    }
  }

  /** After a send was recorded: receipts that came before it may match now. */
  private afterRecorded(): void {
    if (this.unmatchedReceipts.size === 0) return;
    const now = this.deps.clock.now();
    const { store } = this.deps;
    let recorded = false;
    try {
      store.write(() => {
        for (const [id, kept] of this.unmatchedReceipts) {
          const result = now - kept.keptAt > UNMATCHED_RECEIPT_MS ? 'expired' : store.deliveries.recordReceipt({ channel: 'whatsapp', ...kept.receipt });
          if (result === 'unmatched') continue;
          this.unmatchedReceipts.delete(id);
          if (result === 'recorded') recorded = true;
        }
      });
    } catch (error) {
      this.deps.logger.warn('Could not record early delivery receipts', { error: errorStack(error) });
      return;
    }
    if (recorded) this.noteReceiptChange();
  }

  /** `data.changed ['deliveries']` for receipts: throttled, with a trailing event (real time, like the throttle). */
  private noteReceiptChange(): void {
    this.pendingTables.add('deliveries');
    const wait = DATA_EVENT_INTERVAL_MS - (performance.now() - this.lastDataEventAt);
    if (wait <= 0) {
      this.flushChanged();
      return;
    }
    if (this.trailingFlush !== null) return;
    this.trailingFlush = setTimeout(() => {
      this.trailingFlush = null;
      if (!this.stopped) this.flushChanged();
    }, wait);
    this.trailingFlush.unref();
  }

  private armTimer(at: number, now: number): void {
    this.clearTimer();
    const delay = Math.min(Math.max(0, at - now), SAFETY_TICK_MS);
    const expected = now + delay;
    this.timer = this.deps.timers.setTimeout(() => {
      this.timer = null;
      const late = this.deps.clock.now() - expected;
      if (late > SLEEP_DETECT_MS) {
        this.deps.logger.info('The computer seems to have been asleep; catching up', { lateMs: late });
        for (const lane of this.lanes) lane.lastProbeAt = Number.NEGATIVE_INFINITY;
      }
      this.tick();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  // -------------------------------------------------------------------------------------------
  // Status and events
  // -------------------------------------------------------------------------------------------

  /** Due messages that cannot go out until the owner acts or a channel comes back, per cause. */
  private blockedWork(sequences: readonly SendingSequence[], now: number, conditions: RoutingConditions): BlockedWork[] {
    const blocked: BlockedWork[] = [];
    const byChannel = new Map<ChannelId, number>();
    let fallbackWaiting = false;
    for (const sequence of sequences) {
      if (!sequence.active) continue;
      const route = routeOf(sequence, NEW_WORK, conditions);
      if (route === null) {
        // Its retries wait for a channel too.
        const count = this.env.sending.dueCount(sequence.id, now) + this.deps.store.deliveries.retriesDueOfSequence(sequence.id, now);
        if (count > 0) blocked.push({ count, reason: `choose a channel for “${sequence.name}”.` });
        continue;
      }
      if (this.deps.channels.status(route.channel).state === 'ready') continue;
      const count = this.env.sending.dueCount(sequence.id, now);
      if (count > 0) byChannel.set(route.channel, (byChannel.get(route.channel) ?? 0) + count);
      if (count > 0 && isWhatsAppElseSms(sequence)) fallbackWaiting = true;
    }
    for (const channel of channelIds) {
      if (this.deps.channels.status(channel).state === 'ready') continue;
      const retries = this.deps.store.deliveries.retriesDueOn(retryRoutesFor(channel, conditions), now);
      if (retries > 0) byChannel.set(channel, (byChannel.get(channel) ?? 0) + retries);
    }
    const takeover = fallbackWaiting ? this.smsTakeoverAt(sequences, conditions) : null;
    for (const [channel, count] of byChannel) {
      const reason = this.notReadyReason(channel);
      const minutes = Math.round(this.smsFallbackAfterMs() / 60_000);
      const hint = channel === 'whatsapp' && takeover !== null ? ` Sequences set to “WhatsApp, else SMS” switch to SMS once it has been down for ${minutes} minutes.` : '';
      blocked.push({ count, reason: `${reason}${hint}` });
    }
    return blocked;
  }

  /** Why the channel cannot send: its status's reason, or that it is not ready. */
  private notReadyReason(id: ChannelId): string {
    return this.deps.channels.status(id).reason ?? notReady(id);
  }

  /**
   * Announces the status if it changed since the last time. Returns it, or undefined when stopped
   * or when it could not be worked out or announced (logged).
   */
  private publishStatus(): EngineStatus | undefined {
    if (this.stopped) return undefined;
    try {
      const status = this.status();
      const json = JSON.stringify(status);
      if (json === this.lastStatusJson) return status;
      this.lastStatusJson = json;
      this.deps.events.emit('engine.status', status);
      return status;
    } catch (error) {
      this.deps.logger.error('Could not work out the engine status', { error: errorStack(error) });
      return undefined;
    }
  }

  private noteChanged(tables: readonly TableName[]): void {
    for (const table of tables) this.pendingTables.add(table);
    if (performance.now() - this.lastDataEventAt >= DATA_EVENT_INTERVAL_MS) {
      this.flushChanged();
      this.publishStatus();
    }
  }

  private flushChanged(): void {
    if (this.pendingTables.size === 0) return;
    const tables = [...this.pendingTables];
    this.pendingTables.clear();
    this.emitChanged(tables);
  }

  private emitChanged(tables: TableName[]): void {
    this.lastDataEventAt = performance.now();
    // The engine's own writes must not wake it again (it moves on by itself).
    this.emittingOwnChange = true;
    try {
      this.deps.events.dataChanged(...tables);
    } finally {
      this.emittingOwnChange = false;
    }
  }
}

const RECEIPT_ORDER: readonly DeliveryReceipt['level'][] = ['server', 'delivered', 'read', 'played'];

function notReady(id: ChannelId): string {
  return `${CHANNEL_LABEL[id]} is not ready.`;
}
