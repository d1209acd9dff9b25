/**
 * The composition root of the core, shared by the Electron shell and the headless server:
 * open the store (migrating it, refusing a database from a newer app), build the services on
 * it, and bind them to the contract's methods. Nothing here knows about Electron or HTTP.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from './clock';
import { EventBus } from './events';
import { consoleLogger, type Logger } from './logger';
import { createExportService } from './import/export-service';
import { createImportService } from './import/import-service';
import { createApiHandlers, type ApiHandlers } from './services/api-handlers';
import { ContactService } from './services/contact-service';
import { MediaService } from './services/media-service';
import { MessageService } from './services/message-service';
import { SchedulePreviewService } from './services/schedule-preview-service';
import { SequenceService } from './services/sequence-service';
import type { ServiceDeps } from './services/service-deps';
import { SettingsService, detectMachineCountry } from './services/settings-service';
import { SubscriberService } from './services/subscriber-service';
import { openStore } from './store/store';

export const DATABASE_FILE_NAME = 'sequence-automation.db';
export const MEDIA_DIR_NAME = 'media';

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
}

export interface CoreApp {
  /** Every method of shared/contract.ts. */
  readonly handlers: ApiHandlers;
  /** Every write emits data.changed with the tables it touched. */
  readonly events: EventBus;
  readonly dataDir: string;
  /** Idempotent; closes the database. */
  close(): void;
}

export function openCoreApp(options: CoreAppOptions): CoreApp {
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logger = options.logger ?? consoleLogger;
  const machineTimeZone = options.machineTimeZone ?? detectMachineTimeZone();

  const dbPath = path.join(dataDir, DATABASE_FILE_NAME);
  const store = openStore(dbPath);
  try {
    if (store.migration.applied.length > 0) {
      logger.info('Database migrated', { from: store.migration.from, to: store.migration.to });
    }
    const events = new EventBus();
    const deps: ServiceDeps = { store, events, clock: options.clock ?? systemClock, logger };
    const settings = new SettingsService(deps, { timeZone: machineTimeZone, country: options.machineCountry ?? detectMachineCountry() });
    const worker = options.csvWorkerFile === undefined ? {} : { workerFile: options.csvWorkerFile };
    const imports = createImportService({ ...deps, dbPath, settings, ...worker });
    const csvExports = createExportService({ ...deps, dbPath, settings, ...worker });
    const handlers = createApiHandlers({
      sequences: new SequenceService(deps),
      messages: new MessageService(deps, settings),
      media: new MediaService(deps, path.join(dataDir, MEDIA_DIR_NAME)),
      settings,
      schedulePreview: new SchedulePreviewService(deps, settings),
      contacts: new ContactService(deps, settings),
      subscribers: new SubscriberService(deps, settings),
      imports,
      exports: csvExports,
      appInfo: { version: options.version, dataDir, shell: options.shell, machineTimeZone },
    });
    const close = (): void => {
      // A running import is cancelled (its worker rolls back on its own connection).
      imports.close().catch((error: unknown) => logger.error('Could not stop the running import', { error: String(error) }));
      store.close();
    };
    return { handlers, events, dataDir, close };
  } catch (error) {
    store.close();
    throw error;
  }
}

function detectMachineTimeZone(): string {
  // Some minimal environments report no zone at all; UTC is then the honest answer.
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
