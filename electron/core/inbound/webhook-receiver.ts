/**
 * The webhook receiver (Settings → Channels → Webhook receiver): a small node:http server the SMS
 * gateways call with customers' messages.
 *
 *   POST <path>/smsgate   SMSGate's signed events (sms:received, delivery reports)
 *   POST <path>/twilio    Twilio's incoming-message webhook
 *
 * What each route does is in webhook-requests.ts. Here: the configuration (a setting, with
 * SMSGate's signing key in the SecretStore — never in the database or an answer), starting,
 * stopping and restarting the server on it, and its state for the UI (`off`, `listening`,
 * `failed` with a readable reason such as a port in use), announced as `inbound.receiver`.
 *
 * Requests: POST only (405 otherwise), a body limit (413), unknown paths 404, a request timeout.
 * A failure while handling a message (the database, say) answers 500 — never 2xx — so the gateway
 * tries again.
 *
 * The URLs shown to the owner use the public address when one is set (what the gateway must call:
 * a tunnel for Twilio, the computer's address on the shop's Wi-Fi for SMSGate), else this
 * computer's first LAN address when listening on all interfaces.
 */
import { createServer, type IncomingMessage as HttpRequest, type Server, type ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import type { ParsedInput } from '../../../shared/contract';
import type { WebhookReceiverStatus } from '../../../shared/domain';
import type { SmsGatewayInput } from '../channels/channel-registry';
import { WEBHOOK_MAX_SKEW_MS } from '../channels/sms/smsgate-webhook';
import { registerSmsGateWebhooks, type RegistrationResult } from '../channels/sms/smsgate-webhooks';
import type { Clock } from '../clock';
import { AppError, errorMessage, errorStack } from '../errors';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { SecretStore } from '../secrets/secret-store';
import type { Store } from '../store/store';
import type { IncomingMessageSink } from './incoming-message';
import { readRawBody } from '../transport/http-body';
import { ReplayGuard } from './replay-guard';
import { handleSmsGate, handleTwilio, type SmsGateReceiptListener, type WebhookResponse } from './webhook-requests';

export const RECEIVER_SETTING = 'inbound.receiver';
export const SMSGATE_SIGNING_KEY_SECRET = 'inbound.smsGateSigningKey';
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;
const REQUEST_TIMEOUT_MS = 15_000;

const StoredConfigSchema = z.object({
  enabled: z.boolean(),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  path: z.string().min(1),
  publicUrl: z.string().nullable(),
});
type StoredConfig = z.infer<typeof StoredConfigSchema>;
type WebhookReceiverConfig = ParsedInput<'inbound.configureReceiver'>['config'];

/** Off until the owner turns it on; on all interfaces so a phone on the shop's Wi-Fi can reach it. */
export const DEFAULT_RECEIVER: StoredConfig = { enabled: false, host: '0.0.0.0', port: 8787, path: '/webhooks', publicUrl: null };

export interface WebhookReceiverDeps {
  store: Store;
  secrets: SecretStore;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  sink: IncomingMessageSink;
  /** The Twilio account's auth token while Twilio is the SMS provider, else null. */
  twilioAuthToken: () => string | null;
  /** SMSGate's address and login while it is the SMS provider, else null (for registering the webhook). */
  smsGateCredentials: () => SmsGatewayInput | null;
  /** SMSGate's delivery reports (sms:sent, sms:delivered, sms:failed), by SMSGate's message id. */
  onSmsGateReceipt?: SmsGateReceiptListener;
  bodyLimitBytes?: number;
  /** For tests: the fetch used to register the webhook with SMSGate. */
  fetch?: typeof fetch;
}

type ServerState = { kind: 'off' } | { kind: 'listening'; server: Server; port: number } | { kind: 'failed'; reason: string };

export class WebhookReceiver {
  private state: ServerState = { kind: 'off' };
  private readonly replays = new ReplayGuard(WEBHOOK_MAX_SKEW_MS * 2);
  private receivedCount = 0;
  private rejectedCount = 0;
  /** Serialises start/stop: a configure while one is in progress waits for it. */
  private transition: Promise<unknown> = Promise.resolve();
  /** The stored configuration, read once: this is its only writer. */
  private current: StoredConfig;
  private closed = false;

  constructor(private readonly deps: WebhookReceiverDeps) {
    this.current = this.storedConfig();
  }

  status(): WebhookReceiverStatus {
    const config = this.current;
    const state = this.state;
    const base = this.baseUrl(config, state.kind === 'listening' ? state.port : config.port);
    return {
      ...config,
      port: state.kind === 'listening' ? state.port : config.port,
      hasSmsGateSigningKey: this.signingKey() !== undefined,
      state: state.kind,
      reason: state.kind === 'failed' ? state.reason : null,
      urls: {
        smsgate: base === null ? null : `${base}${config.path}/smsgate`,
        // Twilio calls from the internet: only a public address is of use to it.
        twilio: config.publicUrl === null ? null : `${trimSlash(config.publicUrl)}${config.path}/twilio`,
      },
      receivedCount: this.receivedCount,
      rejectedCount: this.rejectedCount,
    };
  }

  /** Starts the server if the stored configuration says so (at app start). */
  start(): Promise<WebhookReceiverStatus> {
    return this.serialised(() => this.apply());
  }

  /** Saves the configuration (and the signing key, when given), then stops, starts or restarts the server. */
  configure(config: WebhookReceiverConfig): Promise<WebhookReceiverStatus> {
    return this.serialised(async () => {
      const { store, secrets, events, logger } = this.deps;
      if (config.smsGateSigningKey !== undefined) {
        try {
          secrets.set(SMSGATE_SIGNING_KEY_SECRET, config.smsGateSigningKey);
        } catch (error) {
          logger.error('Could not store the SMSGate signing key', { error: errorMessage(error) });
          throw new AppError('INTERNAL', `The signing key could not be stored safely: ${errorMessage(error)}`);
        }
      }
      const stored: StoredConfig = { enabled: config.enabled, host: config.host, port: config.port, path: trimSlash(config.path), publicUrl: config.publicUrl };
      store.write(() => store.settings.set(RECEIVER_SETTING, stored));
      this.current = stored;
      events.dataChanged('settings');
      return this.apply();
    });
  }

  /** Registers the receiver's SMSGate URL with the configured SMSGate. */
  async registerWithSmsGate(): Promise<RegistrationResult> {
    const credentials = this.deps.smsGateCredentials();
    if (credentials === null) return { ok: false, message: 'Set up SMSGate as the SMS provider first (Settings → Channels).' };
    const status = this.status();
    if (status.state !== 'listening') return { ok: false, message: 'Turn the webhook receiver on first: SMSGate needs an address to send to.' };
    if (status.urls.smsgate === null) return { ok: false, message: 'Enter the address SMSGate should call (the public address) first.' };
    if (!status.hasSmsGateSigningKey) return { ok: false, message: 'Enter the signing key from the SMSGate app (Settings → Webhooks) first.' };
    return registerSmsGateWebhooks({
      ...credentials,
      url: status.urls.smsgate,
      logger: this.deps.logger,
      ...(this.deps.fetch === undefined ? {} : { fetch: this.deps.fetch }),
    });
  }

  /**
   * Stops the server at once (requests in flight are cut; the gateways retry) and for good: a
   * start still in progress closes what it opens. Announces nothing: the app is closing. Idempotent.
   */
  async close(): Promise<void> {
    this.closed = true;
    const state = this.state;
    this.state = { kind: 'off' };
    if (state.kind === 'listening') await closeServer(state.server);
    await this.transition;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.transition.then(work, work);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private async apply(): Promise<WebhookReceiverStatus> {
    if (this.closed) return this.status();
    await this.stop();
    const config = this.current;
    if (config.enabled) {
      const next = await this.listen(config);
      if (this.closed) {
        if (next.kind === 'listening') await closeServer(next.server);
        return this.status();
      }
      this.setState(next);
    }
    return this.status();
  }

  private listen(config: StoredConfig): Promise<ServerState> {
    const server = createServer((req, res) => {
      this.handle(req, res, config).catch((error: unknown) => {
        this.deps.logger.error('The webhook receiver failed on a request', { error: errorStack(error) });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal error');
      });
    });
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.headersTimeout = REQUEST_TIMEOUT_MS;
    return new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        server.off('listening', onListening);
        this.deps.logger.warn('The webhook receiver could not start', { host: config.host, port: config.port, code: error.code, error: error.message });
        resolve({ kind: 'failed', reason: listenFailure(error, config) });
      };
      const onListening = (): void => {
        server.off('error', onError);
        server.on('error', (error) => this.deps.logger.error('The webhook receiver had an error', { error: errorMessage(error) }));
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : config.port;
        this.deps.logger.info('The webhook receiver is listening', { host: config.host, port, path: config.path });
        resolve({ kind: 'listening', server, port });
      };
      server.once('error', onError);
      server.once('listening', onListening);
      server.listen(config.port, config.host);
    });
  }

  private async stop(): Promise<void> {
    const state = this.state;
    this.setState({ kind: 'off' });
    if (state.kind === 'listening') await closeServer(state.server);
  }

  private async handle(req: HttpRequest, res: ServerResponse, config: StoredConfig): Promise<void> {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const route = pathname === `${config.path}/smsgate` ? 'smsgate' : pathname === `${config.path}/twilio` ? 'twilio' : null;
    if (route === null) return this.answer(res, { status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found', outcome: 'rejected', reason: 'unknown path' }, pathname);
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return this.answer(res, { status: 405, contentType: 'text/plain; charset=utf-8', body: 'Only POST', outcome: 'rejected', reason: `method ${req.method ?? ''}` }, pathname);
    }
    const body = await readRawBody(req, this.deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES);
    if (body.kind === 'aborted') return;
    if (body.kind === 'too-large') {
      res.setHeader('connection', 'close');
      return this.answer(res, { status: 413, contentType: 'text/plain; charset=utf-8', body: 'Too large', outcome: 'rejected', reason: 'body too large' }, pathname);
    }
    const request = { rawBody: body.body, headers: req.headers };
    const now = this.deps.clock.now();
    const response =
      route === 'smsgate'
        ? await handleSmsGate(request, { signingKey: this.signingKey(), now, sink: this.deps.sink, replays: this.replays, onReceipt: this.deps.onSmsGateReceipt })
        : await handleTwilio(request, { authToken: this.deps.twilioAuthToken(), url: this.twilioUrl(req, config), now, sink: this.deps.sink });
    this.answer(res, response, pathname);
  }

  private answer(res: ServerResponse, response: WebhookResponse, pathname: string): void {
    if (response.outcome === 'rejected') {
      this.rejectedCount++;
      this.deps.logger.warn('A webhook request was refused', { path: pathname, status: response.status, reason: response.reason });
    } else if (response.outcome === 'received') {
      this.receivedCount++;
    }
    res.writeHead(response.status, { 'content-type': response.contentType, 'cache-control': 'no-store' });
    res.end(response.body);
  }

  /** The URL Twilio signed: the public address plus the path and query it called. */
  private twilioUrl(req: HttpRequest, config: StoredConfig): string {
    const base = config.publicUrl === null ? `http://${req.headers.host ?? `${config.host}:${config.port}`}` : trimSlash(config.publicUrl);
    return `${base}${req.url ?? ''}`;
  }

  private baseUrl(config: StoredConfig, port: number): string | null {
    if (config.publicUrl !== null) return trimSlash(config.publicUrl);
    const host = config.host === '0.0.0.0' || config.host === '::' ? lanAddress() : config.host;
    if (host === null) return null;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  private storedConfig(): StoredConfig {
    const parsed = StoredConfigSchema.safeParse(this.deps.store.settings.get(RECEIVER_SETTING));
    return parsed.success ? parsed.data : DEFAULT_RECEIVER;
  }

  private signingKey(): string | undefined {
    try {
      return this.deps.secrets.get(SMSGATE_SIGNING_KEY_SECRET);
    } catch (error) {
      this.deps.logger.error('Could not read the SMSGate signing key', { error: errorMessage(error) });
      return undefined;
    }
  }

  private setState(next: ServerState): void {
    const before = this.state;
    this.state = next;
    if (before.kind === 'off' && next.kind === 'off') return;
    this.deps.events.emit('inbound.receiver', this.status());
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold the port; requests in flight are cut (the gateway retries).
    server.closeAllConnections();
  });
}

function listenFailure(error: NodeJS.ErrnoException, config: StoredConfig): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${config.port} is already in use by another program. Choose another port.`;
    case 'EACCES':
      return `This computer does not allow listening on port ${config.port}. Choose a port above 1024.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `This computer has no address ${config.host}. Use 0.0.0.0 (all networks) or 127.0.0.1 (this computer only).`;
    default:
      return `The webhook receiver could not start: ${error.message}`;
  }
}

/** This computer's first non-internal IPv4 address (what a phone on the same Wi-Fi calls), if any. */
function lanAddress(): string | null {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return null;
}

function trimSlash(text: string): string {
  return text.replace(/\/+$/, '');
}
