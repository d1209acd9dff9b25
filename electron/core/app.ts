/**
 * The composition root of the core, shared by the Electron shell and the headless server:
 * open the store (migrating it, refusing a database from a newer app), build the services on
 * it, the channels and the delivery engine, and bind them to the contract's methods. Nothing
 * here knows about Electron or HTTP: what the core needs from its shell (secrets, timers) comes
 * in through CoreAppOptions.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ChannelRegistry } from './channels/channel-registry';
import type { BrowserLookup } from './channels/whatsapp/browser-finder';
import type { WhatsAppClientFactory } from './channels/whatsapp/whatsapp-client';
import { createWhatsApp } from './channels/whatsapp/whatsapp-setup';
import { systemClock, type Clock } from './clock';
import { DeliveryEngine } from './engine/delivery-engine';
import { systemTimers, type Timers } from './engine/timers';
import { EventBus } from './events';
import type { IncomingMessageSink } from './inbound/incoming-message';
import { consoleLogger, type Logger } from './logger';
import { createExportService } from './import/export-service';
import { createImportService } from './import/import-service';
import { createApiHandlers, type ApiHandlers } from './services/api-handlers';
import { FileSecretStore } from './secrets/file-secret-store';
import type { SecretStore } from './secrets/secret-store';
import { ContactService } from './services/contact-service';
import { DeliveryService } from './services/delivery-service';
import { MediaService } from './services/media-service';
import { MessageService } from './services/message-service';
import { createRecomputeRunner } from './services/recompute-runner';
import { SchedulePreviewService } from './services/schedule-preview-service';
import { SequenceService } from './services/sequence-service';
import type { ServiceDeps } from './services/service-deps';
import { SettingsService, detectMachineCountry } from './services/settings-service';
import { SubscriberService } from './services/subscriber-service';
import { openStore } from './store/store';
import { InboundService } from './inbound/inbound-service';
import { WebhookReceiver } from './inbound/webhook-receiver';
import type { RestoreResult } from '../../shared/contract';
import { BACKUPS_DIR_NAME } from './backup/backup-files';
import { BackupService } from './backup/backup-service';
import { createDataSafetyActions } from './backup/data-safety-actions';
import { SequenceFileService } from './sequence-file/sequence-file-service';

export const DATABASE_FILE_NAME = 'sequence-automation.db';
export const MEDIA_DIR_NAME = 'media';
export const LOGS_DIR_NAME = 'logs';

export interface CoreAppOptions {
  /** Created if missing; DB at <dataDir>/sequence-automation.db; media files in <dataDir>/media/. */
  dataDir: string;
  shell: 'electron' | 'headless';
  version: string;
  clock?: Clock;
  logger?: Logger;
  /** Default: the machine's zone as Intl reports it. */
  machineTimeZone?: string;
  /** Default country for phone numbers until the owner sets one. Default: the region of the machine's locale, else US. */
  machineCountry?: string;
  /** The CSV import/export worker bundle. Default: csv-worker.js beside the running bundle. */
  csvWorkerFile?: string;
  /** The engine's timers (tests and benchmarks drive time with engine/manual-timers.ts). Default: Node's. */
  timers?: Timers;
  /** Where passwords are kept. Default: `<dataDir>/secrets.json`, owner-only (the headless way). */
  secretStore?: SecretStore;
  engine?: {
    /** Start sending right after opening (default true). Tests that drive the engine call `engine.start()` themselves. */
    autoStart?: boolean;
    /** [0, 1) for gaps and backoff jitter; default Math.random. */
    random?: () => number;
  };
  /** For tests: the fetch the SMS gateway channel uses. */
  smsFetch?: typeof fetch;
  /** The WhatsApp client (channels/whatsapp/). Default: whatsapp-web.js; test wiring passes a fake. */
  whatsappClientFactory?: WhatsAppClientFactory;
  /** Where the browser for WhatsApp is. Default: the path in Settings, else the usual install locations. */
  whatsappFindBrowser?: () => BrowserLookup;
  /** Where customers' incoming messages go (the inbound handling). Tests pass their own; see the SLOT in openCoreApp. */
  incomingSink?: IncomingMessageSink;
  /** Data safety (core/backup/): the daily backup, the logs folder, restoring a backup. */
  dataSafety?: {
    /** Take the daily backup (default off for a bare CoreApp; the CoreHost turns it on). */
    dailyBackups?: boolean;
    /** The timers of the daily backup check. Default: Node's (never `timers`, which tests drive through days). */
    backupTimers?: Timers;
    /** Where the log files are. Default: `<dataDir>/logs`. */
    logsDir?: string;
    /** Opens a folder in the file manager (Electron: shell.openPath). Absent in headless: the owner is shown the path. */
    openFolder?: (folder: string) => Promise<void>;
    /** Restores a backup: given by the CoreHost, which can restart the core (core-host.ts). */
    restore?: (backupId: string) => Promise<RestoreResult>;
  };
}

export interface CoreApp {
  /** Every method of shared/contract.ts. */
  readonly handlers: ApiHandlers;
  /** Every write emits data.changed with the tables it touched. */
  readonly events: EventBus;
  readonly dataDir: string;
  /** The sending engine: `wake()` on resume from sleep; `start()`/`waitForIdle()` for tests. */
  readonly engine: DeliveryEngine;
  /** Customers who write in: every inbound source hands its messages to it (`settled()` for tests). */
  readonly inbound: InboundService;
  /** The webhook receiver for SMS gateways (off until configured). */
  readonly receiver: WebhookReceiver;
  /**
   * Idempotent; stops the engine (sends in flight are aborted and recovered at the next start)
   * and closes the database. `closed` settles once the aborted sends have given up.
   */
  close(): void;
  readonly closed: Promise<void>;
}

export function openCoreApp(options: CoreAppOptions): CoreApp {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logger = options.logger ?? consoleLogger;
  const machineTimeZone = options.machineTimeZone ?? detectMachineTimeZone();

  const dbPath = path.join(dataDir, DATABASE_FILE_NAME);
  const mediaDir = path.join(dataDir, MEDIA_DIR_NAME);
  const store = openStore(dbPath);
  try {
    if (store.migration.applied.length > 0) {
      logger.info('Database migrated', { from: store.migration.from, to: store.migration.to });
    }
    const events = new EventBus();
    const clock = options.clock ?? systemClock;
    const deps: ServiceDeps = { store, events, clock, logger };
    const settings = new SettingsService(deps, { timeZone: machineTimeZone, country: options.machineCountry ?? detectMachineCountry() });
    // Edits of large sequences queue their recompute; this works through it in short slices.
    const recompute = createRecomputeRunner({ store, events, clock, logger, settings });
    const timers = options.timers ?? systemTimers;
    const whatsapp = createWhatsApp({
      dataDir,
      store,
      events,
      clock,
      timers,
      logger,
      settings: () => settings.whatsapp(),
      ...(options.whatsappClientFactory === undefined ? {} : { clientFactory: options.whatsappClientFactory }),
      ...(options.whatsappFindBrowser === undefined ? {} : { findBrowser: options.whatsappFindBrowser }),
    });
    // Customers' WhatsApp messages go to the inbound handling, built below once the channels
    // it answers STOP/START through exist (nothing arrives before `whatsapp.start()`).
    let incomingSink: IncomingMessageSink | null = options.incomingSink ?? null;
    whatsapp.channel.onIncoming((message) => {
      if (incomingSink === null) {
        logger.error('A WhatsApp message came in before the inbound handling was ready', { id: message.providerMessageId });
        return;
      }
      incomingSink.receive(message).catch((error: unknown) => logger.error('An incoming WhatsApp message could not be handled', { error: String(error) }));
    });
    const secrets = options.secretStore ?? new FileSecretStore(dataDir);
    const channels = new ChannelRegistry({
      store,
      secrets,
      events,
      clock,
      logger,
      whatsapp: whatsapp.channel,
      defaultCountry: () => settings.get().defaultCountry,
      ...(options.smsFetch === undefined ? {} : { smsFetch: options.smsFetch }),
    });
    const engine = new DeliveryEngine({
      store,
      events,
      clock,
      timers,
      logger,
      channels,
      context: () => settings.sendingContext(),
      mediaDir,
      whatsappSettings: () => settings.whatsapp(),
      ...(options.engine?.random === undefined ? {} : { random: options.engine.random }),
    });
    const inbound = new InboundService(deps, settings, channels);
    // Before any message can arrive (the receiver and WhatsApp start below), so only the ones the
    // app stopped while sending are still 'sending'. A row it cannot read must not stop the app.
    try {
      inbound.recoverInterruptedConfirmations();
    } catch (error) {
      logger.error('The STOP/START confirmations interrupted by the last stop could not be settled', { error: String(error) });
    }
    const sink = options.incomingSink ?? inbound;
    incomingSink = sink;
    const receiver = new WebhookReceiver({
      store,
      secrets,
      events,
      clock,
      logger,
      sink,
      twilioAuthToken: () => channels.twilioCredentials()?.authToken ?? null,
      smsGateCredentials: () => channels.smsGateCredentials(),
      // SMSGate's delivery reports (by its message id, which is our delivery key): receipts on the delivery.
      onSmsGateReceipt: (messageId, level, at) => {
        engine.recordSmsGateReport(messageId, level, at);
      },
      ...(options.smsFetch === undefined ? {} : { fetch: options.smsFetch }),
    });
    const worker = options.csvWorkerFile === undefined ? {} : { workerFile: options.csvWorkerFile };
    const imports = createImportService({ ...deps, dbPath, settings, ...worker });
    const csvExports = createExportService({ ...deps, dbPath, settings, ...worker });
    const media = new MediaService(deps, mediaDir);
    const backups = new BackupService({ store, clock, logger, backupsDir: path.join(dataDir, BACKUPS_DIR_NAME), timeZone: () => settings.sendingContext().timeZone });
    const safety = options.dataSafety ?? {};
    const handlers = createApiHandlers({
      sequences: new SequenceService(deps),
      messages: new MessageService(deps, settings),
      media,
      settings,
      schedulePreview: new SchedulePreviewService(deps, settings),
      contacts: new ContactService(deps, settings),
      subscribers: new SubscriberService(deps, settings),
      imports,
      exports: csvExports,
      channels,
      whatsapp,
      engine,
      inbound,
      receiver,
      deliveries: new DeliveryService(deps, engine),
      appInfo: { version: options.version, dataDir, shell: options.shell, machineTimeZone },
      backups,
      sequenceFiles: new SequenceFileService(deps, media, mediaDir, options.version),
      dataSafety: createDataSafetyActions({
        logsDir: safety.logsDir ?? path.join(dataDir, LOGS_DIR_NAME),
        logger,
        ...(safety.openFolder === undefined ? {} : { openFolder: safety.openFolder }),
        ...(safety.restore === undefined ? {} : { restore: safety.restore }),
      }),
    });
    let closed: Promise<void> | null = null;
    const close = (): void => {
      if (closed !== null) return;
      // Both stop at once (nothing touches the database afterwards); aborted sends settle later.
      // The WhatsApp browser closes meanwhile.
      closed = Promise.all([engine.stop(), recompute.stop(), whatsapp.close(), backups.stop(), receiver.close()]).then(() => undefined);
      channels.close();
      // A running import is cancelled (its worker rolls back on its own connection).
      imports.close().catch((error: unknown) => logger.error('Could not stop the running import', { error: String(error) }));
      store.close();
    };
    recompute.start();
    receiver.start().catch((error: unknown) => logger.error('The webhook receiver could not start', { error: String(error) }));
    if (safety.dailyBackups === true) backups.startDaily(safety.backupTimers ?? systemTimers);
    // A linked WhatsApp reconnects by itself.
    whatsapp.start();
    if (options.engine?.autoStart !== false) {
      engine.start().catch((error: unknown) => logger.error('The delivery engine could not start', { error: String(error) }));
    }
    return {
      handlers,
      events,
      dataDir,
      engine,
      inbound,
      receiver,
      close,
      get closed() {
        return closed ?? Promise.resolve();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}

function detectMachineTimeZone(): string {
  // Some minimal environments report no zone at all; UTC is then the honest answer.
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
