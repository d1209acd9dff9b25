/**
 * The shop's linked WhatsApp session: one whatsapp-web.js client at a time, its state machine,
 * and the watchdog that keeps it alive (issue 8, DESIGN.md §6).
 *
 *   disconnected ──link()──▶ starting ──qr──▶ qr ──scanned──▶ authenticating ──▶ ready
 *        ▲                      │  (a saved session skips the QR)                   │
 *        └──── unlink() / the phone removed this device / QR not scanned ◀──────────┘
 *   failed: no browser, or it could not be started (the reason says what to do).
 *
 * - `link()` starts a client; a session saved under `<dataDir>/whatsapp-session` (LocalAuth)
 *   reconnects without a QR. `start()` does that at app start when a session exists (a marker,
 *   `linked.json`, is written once a session first becomes ready, with the account, so the status
 *   can name the number while reconnecting). `unlink()` logs out (the phone drops the device)
 *   and deletes the session folder.
 * - The phone removing the device (disconnect reason LOGOUT/UNPAIRED, or auth_failure) ends in
 *   `disconnected` with `loggedOutByPhone`, the session deleted and a reason offering to link
 *   again. Nothing restarts by itself then: a QR needs the owner.
 * - Watchdog: a client that does not reach `ready` within `readyTimeoutMs` of starting (or of
 *   being scanned, or of WhatsApp Web starting to reconnect), that disconnects for any other
 *   reason, whose browser dies, or that the channel reports broken ("Session closed"), is
 *   destroyed and a new one started after a backoff: base × 2^(n−1) for the n-th failure in a
 *   row, capped; reaching `ready` resets it. A QR nobody scans ends the attempt after
 *   `qrTimeoutMs` (the browser is not left running in the tray for nothing).
 * - Never two clients at once: every start, stop and restart runs in one queue, and the old
 *   client is destroyed (its browser gone) before the next one is created. Events of a client
 *   that is no longer current are ignored.
 * - `close()` (app quit) destroys the client; nothing is emitted afterwards.
 *
 * Every change is emitted as the `whatsapp.status` event and passed to `onStatusChange`
 * listeners (the channel maps it to its ChannelStatus).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { WhatsAppState, WhatsAppStatus } from '../../../../shared/domain';
import type { Clock } from '../../clock';
import type { TimerHandle, Timers } from '../../engine/timers';
import { errorMessage } from '../../errors';
import type { EventBus } from '../../events';
import type { Logger } from '../../logger';
import type { BrowserLookup } from './browser-finder';
import { isBrowserLaunchFailure } from './whatsapp-errors';
import type { WhatsAppClient, WhatsAppClientFactory, WhatsAppMessage } from './whatsapp-client';
import { phoneOfWhatsAppId } from './whatsapp-ids';

/** The folder under the data folder where LocalAuth keeps the session. */
export const WHATSAPP_SESSION_DIR_NAME = 'whatsapp-session';
const LINKED_MARKER = 'linked.json';

export const DEFAULT_READY_TIMEOUT_MS = 3 * 60_000;
export const DEFAULT_QR_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_BACKOFF_BASE_MS = 5_000;
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60_000;

/** Disconnect reasons that mean the device is no longer linked (whatsapp-web.js: 'LOGOUT', WAState UNPAIRED*). */
const LOGGED_OUT_REASONS = new Set(['LOGOUT', 'UNPAIRED', 'UNPAIRED_IDLE']);
/** WAStates WhatsApp Web passes through while it re-establishes its connection. */
const RECONNECTING_STATES = new Set(['OPENING', 'PAIRING', 'TIMEOUT']);

export const REASONS = {
  notLinked: 'WhatsApp is not linked. Link it in Settings → Channels → WhatsApp.',
  loggedOutByPhone: 'WhatsApp on your phone removed this computer from its linked devices. Link again to keep sending.',
  sessionRejected: 'WhatsApp no longer accepts the saved link. Link again in Settings → Channels → WhatsApp.',
  qrExpired: 'The QR code was not scanned in time. Click Link to show a new one.',
  stuck: 'WhatsApp did not finish connecting.',
  dropped: 'The connection to WhatsApp was lost.',
  broken: 'WhatsApp stopped responding.',
  startFailed: 'WhatsApp could not be started.',
  reconnecting: 'WhatsApp is reconnecting. If this takes long, check the internet connection of this computer and of your phone.',
} as const;

export interface WhatsAppConnectionDeps {
  /** `<dataDir>/whatsapp-session`. */
  sessionDir: string;
  clientFactory: WhatsAppClientFactory;
  /** Where the browser is (browser-finder.ts with the current settings); asked at every start. */
  findBrowser: () => BrowserLookup;
  events: EventBus;
  clock: Clock;
  timers: Timers;
  logger: Logger;
  readyTimeoutMs?: number;
  qrTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

type Account = NonNullable<WhatsAppStatus['account']>;

const MarkerSchema = z.object({ phone: z.string().nullable(), name: z.string().nullable() });

interface Running {
  readonly generation: number;
  readonly client: WhatsAppClient;
  /** This client has been ready (a CONNECTED after reconnecting brings it back). */
  wasReady: boolean;
}

export type WhatsAppMessageListener = (message: WhatsAppMessage, client: WhatsAppClient) => void;
export type WhatsAppAckListener = (messageId: string, ack: number) => void;

export class WhatsAppConnection {
  private state: WhatsAppState = 'disconnected';
  private qr: string | null = null;
  private account: Account | null;
  private reason: string | null = REASONS.notLinked;
  private loggedOutByPhone = false;
  private hasSession: boolean;
  private browser: BrowserLookup;
  private updatedAt: number;

  private current: Running | null = null;
  private generation = 0;
  /** Failures in a row since the last `ready`: the backoff exponent. */
  private failures = 0;
  private restartTimer: TimerHandle | null = null;
  private watchdogTimer: TimerHandle | null = null;
  private qrTimer: TimerHandle | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly statusListeners = new Set<(status: WhatsAppStatus) => void>();
  private readonly messageListeners = new Set<WhatsAppMessageListener>();
  private readonly ackListeners = new Set<WhatsAppAckListener>();
  private readonly readyTimeoutMs: number;
  private readonly qrTimeoutMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;

  constructor(private readonly deps: WhatsAppConnectionDeps) {
    this.readyTimeoutMs = deps.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    this.qrTimeoutMs = deps.qrTimeoutMs ?? DEFAULT_QR_TIMEOUT_MS;
    this.backoffBaseMs = deps.backoffBaseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.backoffMaxMs = deps.backoffMaxMs ?? DEFAULT_BACKOFF_MAX_MS;
    this.browser = deps.findBrowser();
    this.account = this.readMarker();
    this.hasSession = this.account !== null;
    this.updatedAt = deps.clock.now();
  }

  status(): WhatsAppStatus {
    return {
      state: this.state,
      qr: this.qr,
      account: this.account,
      reason: this.reason,
      loggedOutByPhone: this.loggedOutByPhone,
      browser: this.browser.found ? { path: this.browser.path, source: this.browser.source } : null,
      hasSession: this.hasSession,
      updatedAt: this.updatedAt,
    };
  }

  /** Returns an unsubscribe function. */
  onStatusChange(listener: (status: WhatsAppStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Messages other people sent (unfiltered: groups, status updates and all). */
  onMessage(listener: WhatsAppMessageListener): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onAck(listener: WhatsAppAckListener): () => void {
    this.ackListeners.add(listener);
    return () => this.ackListeners.delete(listener);
  }

  /** The client to send through, only while ready. */
  readyClient(): WhatsAppClient | null {
    return this.state === 'ready' && this.current !== null ? this.current.client : null;
  }

  /** At app start: reconnects a saved session by itself. */
  start(): void {
    if (!this.hasSession) return;
    this.link().catch((error: unknown) => this.deps.logger.error('Reconnecting WhatsApp failed', { error: errorMessage(error) }));
  }

  /** Starts the client (if it is not running): QR codes follow, or a saved session reconnects. */
  async link(): Promise<WhatsAppStatus> {
    await this.enqueue(async () => {
      if (this.closed || this.current !== null) return;
      this.cancelRestart();
      this.failures = 0;
      await this.spawn();
    });
    return this.status();
  }

  /** Logs out (the phone drops this device), stops the client and deletes the saved session. */
  async unlink(): Promise<WhatsAppStatus> {
    await this.enqueue(async () => {
      if (this.closed) return;
      this.cancelRestart();
      const running = this.detach();
      let reason: string = REASONS.notLinked;
      if (running !== null) {
        if (running.wasReady && this.state === 'ready') {
          try {
            await running.client.logout();
          } catch (error) {
            this.deps.logger.warn('WhatsApp logout failed; deleting the session here anyway', { error: errorMessage(error) });
            reason = 'Unlinked on this computer. WhatsApp could not be told, so remove this computer under Linked devices on your phone.';
          }
        }
        await this.destroy(running);
      }
      this.removeSession();
      this.failures = 0;
      this.account = null;
      this.set({ state: 'disconnected', qr: null, reason, loggedOutByPhone: false });
    });
    return this.status();
  }

  /**
   * The channel found the session broken ("Session closed", a dead page): restart `client` if it
   * is still the current one.
   */
  reportBroken(client: WhatsAppClient, error: unknown): void {
    const running = this.current;
    if (running === null || running.client !== client) return;
    this.deps.logger.warn('WhatsApp session broken; restarting the client', { error: errorMessage(error) });
    this.restart(running, REASONS.broken, 'disconnected');
  }

  /**
   * Resolves true once ready, false as soon as it is clear it will not be soon: after
   * `timeoutMs`, on abort, or when the connection is not on its way (needs a QR scanned, is
   * unlinked, or failed without a retry pending).
   */
  whenReady(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.state === 'ready') return Promise.resolve(true);
    if (!this.onItsWay() || signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (ready: boolean): void => {
        unsubscribe();
        this.deps.timers.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(ready);
      };
      const onAbort = (): void => finish(false);
      const unsubscribe = this.onStatusChange((status) => {
        if (status.state === 'ready') finish(true);
        else if (!this.onItsWay()) finish(false);
      });
      const timer = this.deps.timers.setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Looks for the browser again (the setting changed); the status shows the result. */
  refreshBrowser(): void {
    const next = this.deps.findBrowser();
    const same = JSON.stringify(next) === JSON.stringify(this.browser);
    this.browser = next;
    if (!same) this.set({});
  }

  /** Resolves once no start, stop or restart is in progress (tests and benchmarks settle on it). */
  async idle(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.queue;
      await tail;
    } while (tail !== this.queue);
  }

  /** Stops the client for good (app quit). Resolves once its browser is gone. */
  close(): Promise<void> {
    if (this.closed) return this.queue;
    this.closed = true;
    this.cancelRestart();
    this.statusListeners.clear();
    return this.enqueue(async () => {
      const running = this.detach();
      if (running !== null) await this.destroy(running);
    });
  }

  // --- lifecycle (runs in the queue) ------------------------------------------------------------

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    // A failed step must not block the ones after it; the caller still sees the failure.
    this.queue = next.catch((error: unknown) => this.deps.logger.error('WhatsApp connection step failed', { error: errorMessage(error) }));
    return next;
  }

  private async spawn(): Promise<void> {
    this.browser = this.deps.findBrowser();
    if (!this.browser.found) {
      this.set({ state: 'failed', qr: null, reason: this.browser.reason });
      return;
    }
    const browserPath = this.browser.path;
    let client: WhatsAppClient;
    try {
      client = this.deps.clientFactory({ sessionDir: this.deps.sessionDir, browserPath });
    } catch (error) {
      this.deps.logger.error('Could not create the WhatsApp client', { error: errorMessage(error) });
      this.set({ state: 'failed', qr: null, reason: `${REASONS.startFailed} (${errorMessage(error)})` });
      return;
    }
    const running: Running = { generation: ++this.generation, client, wasReady: false };
    this.current = running;
    this.listen(running);
    this.set({ state: 'starting', qr: null, reason: null, loggedOutByPhone: false });
    this.armWatchdog(running);
    client.initialize().catch((error: unknown) => {
      if (this.current !== running) return;
      this.deps.logger.warn('WhatsApp client failed to start', { error: errorMessage(error) });
      if (isBrowserLaunchFailure(error)) {
        this.restart(running, `The browser (${browserPath}) could not be started. If this keeps happening, install Google Chrome or choose another browser in Settings → Channels → WhatsApp.`, 'failed');
      } else {
        this.restart(running, REASONS.startFailed, 'disconnected');
      }
    });
  }

  /** Replaces `running` with a new client after the backoff (unless something else replaced it first). */
  private restart(running: Running, why: string, state: 'disconnected' | 'failed'): void {
    this.enqueue(async () => {
      if (this.closed || this.current !== running) return;
      this.detach();
      await this.destroy(running);
      this.failures++;
      const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.min(this.failures - 1, 30));
      // Set before the status goes out, so listeners see that a retry is on its way.
      this.restartTimer = this.deps.timers.setTimeout(() => {
        this.restartTimer = null;
        this.enqueue(async () => {
          if (!this.closed && this.current === null) await this.spawn();
        }).catch(() => undefined);
      }, delay);
      this.set({ state, qr: null, reason: `${why} Trying again in ${describeDelay(delay)}.` });
    }).catch(() => undefined);
  }

  private loggedOut(running: Running, reason: string): void {
    this.enqueue(async () => {
      if (this.closed || this.current !== running) return;
      this.detach();
      await this.destroy(running);
      this.removeSession();
      this.account = null;
      this.failures = 0;
      this.set({ state: 'disconnected', qr: null, reason, loggedOutByPhone: true });
    }).catch(() => undefined);
  }

  /** Makes `current` null, so the old client's events are ignored from here on. */
  private detach(): Running | null {
    const running = this.current;
    this.current = null;
    this.clearTimer('watchdogTimer');
    this.clearTimer('qrTimer');
    return running;
  }

  private async destroy(running: Running): Promise<void> {
    try {
      await running.client.destroy();
    } catch (error) {
      this.deps.logger.warn('Closing the WhatsApp client failed', { error: errorMessage(error) });
    }
  }

  // --- events of the current client ---------------------------------------------------------------

  private listen(running: Running): void {
    const { client } = running;
    const mine = (): boolean => !this.closed && this.current === running;
    client.on('qr', (qr) => {
      if (!mine()) return;
      this.clearTimer('watchdogTimer');
      if (this.state !== 'qr') this.armQrTimeout(running);
      this.set({ state: 'qr', qr, reason: null });
    });
    client.on('authenticated', () => {
      if (!mine()) return;
      this.clearTimer('qrTimer');
      this.set({ state: 'authenticating', qr: null, reason: null });
      this.armWatchdog(running);
    });
    client.on('ready', () => {
      if (!mine()) return;
      running.wasReady = true;
      this.failures = 0;
      this.clearTimer('watchdogTimer');
      this.clearTimer('qrTimer');
      this.account = accountOf(client) ?? this.account;
      this.writeMarker();
      this.set({ state: 'ready', qr: null, reason: null, loggedOutByPhone: false });
    });
    client.on('auth_failure', (message) => {
      if (!mine()) return;
      this.deps.logger.warn('WhatsApp refused the saved session', { message });
      this.loggedOut(running, REASONS.sessionRejected);
    });
    client.on('disconnected', (reason) => {
      if (!mine()) return;
      this.deps.logger.warn('WhatsApp disconnected', { reason });
      if (LOGGED_OUT_REASONS.has(reason)) this.loggedOut(running, REASONS.loggedOutByPhone);
      else this.restart(running, REASONS.dropped, 'disconnected');
    });
    client.on('change_state', (socketState) => {
      if (!mine() || !running.wasReady) return;
      if (socketState === 'CONNECTED' && this.state === 'starting') {
        this.clearTimer('watchdogTimer');
        this.set({ state: 'ready', reason: null });
      } else if (RECONNECTING_STATES.has(socketState) && this.state === 'ready') {
        this.set({ state: 'starting', reason: REASONS.reconnecting });
        this.armWatchdog(running);
      }
    });
    client.on('message', (message) => {
      if (!mine()) return;
      for (const listener of [...this.messageListeners]) this.guard('message', () => listener(message, client));
    });
    client.on('message_ack', (messageId, ack) => {
      if (!mine()) return;
      for (const listener of [...this.ackListeners]) this.guard('message_ack', () => listener(messageId, ack));
    });
  }

  private armWatchdog(running: Running): void {
    this.clearTimer('watchdogTimer');
    this.watchdogTimer = this.deps.timers.setTimeout(() => {
      this.watchdogTimer = null;
      if (this.current === running && (this.state === 'starting' || this.state === 'authenticating')) {
        this.deps.logger.warn('WhatsApp did not become ready in time; restarting the client', { state: this.state });
        this.restart(running, REASONS.stuck, 'disconnected');
      }
    }, this.readyTimeoutMs);
  }

  private armQrTimeout(running: Running): void {
    this.clearTimer('qrTimer');
    this.qrTimer = this.deps.timers.setTimeout(() => {
      this.qrTimer = null;
      if (this.current !== running || this.state !== 'qr') return;
      this.enqueue(async () => {
        if (this.closed || this.current !== running) return;
        this.detach();
        await this.destroy(running);
        this.set({ state: 'disconnected', qr: null, reason: REASONS.qrExpired });
      }).catch(() => undefined);
    }, this.qrTimeoutMs);
  }

  // --- helpers ------------------------------------------------------------------------------------

  /** Ready soon without the owner doing anything: starting or reconnecting, or a retry pending. */
  private onItsWay(): boolean {
    if (this.restartTimer !== null) return true;
    return this.current !== null && (this.state === 'starting' || this.state === 'authenticating');
  }

  private cancelRestart(): void {
    this.clearTimer('restartTimer');
  }

  private clearTimer(which: 'restartTimer' | 'watchdogTimer' | 'qrTimer'): void {
    const handle = this[which];
    if (handle !== null) this.deps.timers.clearTimeout(handle);
    this[which] = null;
  }

  private set(patch: Partial<Pick<WhatsAppStatus, 'state' | 'qr' | 'reason' | 'loggedOutByPhone'>>): void {
    if (this.closed) return;
    if (patch.state !== undefined) this.state = patch.state;
    if (patch.qr !== undefined) this.qr = patch.qr;
    if (patch.reason !== undefined) this.reason = patch.reason;
    if (patch.loggedOutByPhone !== undefined) this.loggedOutByPhone = patch.loggedOutByPhone;
    this.updatedAt = this.deps.clock.now();
    const status = this.status();
    this.deps.events.emit('whatsapp.status', status);
    for (const listener of [...this.statusListeners]) this.guard('status', () => listener(status));
  }

  private guard(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.deps.logger.error(`A WhatsApp ${what} listener failed`, { error: errorMessage(error) });
    }
  }

  private readMarker(): Account | null {
    const file = path.join(this.deps.sessionDir, LINKED_MARKER);
    if (!existsSync(file)) return null;
    try {
      const parsed = MarkerSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      // A damaged marker still means a session was linked here: reconnect, the name comes back once ready.
      return parsed.success ? parsed.data : { phone: null, name: null };
    } catch (error) {
      this.deps.logger.warn('The WhatsApp session marker could not be read', { error: errorMessage(error) });
      return { phone: null, name: null };
    }
  }

  private writeMarker(): void {
    try {
      mkdirSync(this.deps.sessionDir, { recursive: true });
      writeFileSync(path.join(this.deps.sessionDir, LINKED_MARKER), JSON.stringify(this.account ?? { phone: null, name: null }));
      this.hasSession = true;
    } catch (error) {
      this.deps.logger.error('Could not note the linked WhatsApp session; it will need linking again after a restart', { error: errorMessage(error) });
    }
  }

  private removeSession(): void {
    try {
      // The browser may hold files a moment after closing (Windows): retry a few times.
      rmSync(this.deps.sessionDir, { recursive: true, force: true, maxRetries: 4, retryDelay: 250 });
    } catch (error) {
      this.deps.logger.error('Could not delete the WhatsApp session folder', { error: errorMessage(error), dir: this.deps.sessionDir });
    }
    this.hasSession = false;
  }
}

function accountOf(client: WhatsAppClient): Account | null {
  const linked = client.account();
  if (linked === null) return null;
  return { phone: phoneOfWhatsAppId(linked.wid), name: linked.pushname === null || linked.pushname.trim() === '' ? null : linked.pushname };
}

function describeDelay(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
