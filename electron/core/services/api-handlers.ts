import type { MethodName, MethodOutput, ParsedInput } from '../../../shared/contract';
import type { AppInfo } from '../../../shared/domain';
import type { ChannelRegistry } from '../channels/channel-registry';
import type { WhatsAppSetup } from '../channels/whatsapp/whatsapp-setup';
import type { DeliveryEngine } from '../engine/delivery-engine';
import type { ExportService } from '../import/export-service';
import type { ImportService } from '../import/import-service';
import type { ContactService } from './contact-service';
import type { DeliveryService } from './delivery-service';
import type { MediaService } from './media-service';
import type { MessageService } from './message-service';
import type { SchedulePreviewService } from './schedule-preview-service';
import type { SequenceService } from './sequence-service';
import type { SettingsService } from './settings-service';
import type { SubscriberService } from './subscriber-service';
import type { InboundService } from '../inbound/inbound-service';
import type { WebhookReceiver } from '../inbound/webhook-receiver';
import type { BackupService } from '../backup/backup-service';
import type { DataSafetyActions } from '../backup/data-safety-actions';
import type { SequenceFileService } from '../sequence-file/sequence-file-service';

/**
 * One function per contract method. Inputs arrive already parsed by the transport (defaults
 * filled, strings trimmed); outputs are the contract's output types. Throw `AppError` for
 * expected failures.
 */
export type ApiHandlers = {
  [M in MethodName]: (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

export interface ApiServices {
  readonly sequences: SequenceService;
  readonly messages: MessageService;
  readonly media: MediaService;
  readonly settings: SettingsService;
  readonly schedulePreview: SchedulePreviewService;
  readonly contacts: ContactService;
  readonly subscribers: SubscriberService;
  readonly imports: ImportService;
  readonly exports: ExportService;
  readonly channels: ChannelRegistry;
  readonly whatsapp: WhatsAppSetup;
  readonly engine: DeliveryEngine;
  readonly deliveries: DeliveryService;
  readonly appInfo: AppInfo;
  readonly inbound: InboundService;
  readonly receiver: WebhookReceiver;
  readonly backups: BackupService;
  readonly sequenceFiles: SequenceFileService;
  readonly dataSafety: DataSafetyActions;
}

/** Binds every contract method to its use case; no logic of its own. */
export function createApiHandlers(services: ApiServices): ApiHandlers {
  const { sequences, messages, media, settings, schedulePreview, contacts, subscribers, imports, exports: csvExports, appInfo } = services;
  const { channels, engine, deliveries } = services;
  return {
    'app.info': () => ({ ...appInfo }),

    'sequences.list': () => sequences.list(),
    'sequences.get': ({ id }) => sequences.get(id),
    'sequences.create': (input) => sequences.create(input),
    'sequences.update': (input) => sequences.update(input),
    'sequences.duplicate': ({ id }) => sequences.duplicate(id),
    'sequences.delete': ({ id }) => sequences.delete(id),
    'sequences.previewSchedule': (input) => schedulePreview.preview(input),

    'messages.create': (input) => messages.create(input),
    'messages.update': (input) => messages.update(input),
    'messages.delete': ({ id }) => messages.delete(id),
    'messages.reorder': (input) => messages.reorder(input),
    'messages.setEnabled': (input) => messages.setEnabled(input),

    'media.add': (input) => media.add(input),

    'contacts.list': (input) => contacts.list(input),
    'contacts.get': ({ id }) => contacts.get(id),
    'contacts.upsert': (input) => contacts.upsert(input),
    'contacts.delete': ({ id }) => contacts.delete(id),
    'contacts.import': (input) => imports.run(input),
    'contacts.cancelImport': ({ importId }) => imports.cancel(importId),
    'contacts.export': (input) => csvExports.contacts(input),

    'subscribers.add': (input) => subscribers.add(input),
    'subscribers.list': (input) => subscribers.list(input),
    'subscribers.get': ({ id }) => subscribers.get(id),
    'subscribers.pause': ({ id }) => subscribers.pause(id),
    'subscribers.resume': ({ id }) => subscribers.resume(id),
    'subscribers.unsubscribe': ({ id }) => subscribers.unsubscribe(id),
    'subscribers.remove': ({ id }) => subscribers.remove(id),
    'subscribers.export': (input) => csvExports.subscribers(input),

    'settings.get': () => settings.get(),
    'settings.update': (input) => settings.update(input),

    'channels.list': () => channels.statuses(),
    'channels.getSmsProvider': () => channels.smsProvider(),
    'channels.configureSmsProvider': ({ config }) => channels.configureSmsProvider(config),
    'channels.sendTestMessage': (input) => channels.sendTestMessage(input),

    'whatsapp.status': () => services.whatsapp.status(),
    'whatsapp.link': () => services.whatsapp.link(),
    'whatsapp.unlink': () => services.whatsapp.unlink(),

    'inbound.list': (input) => services.inbound.list(input),
    'inbound.getReceiver': () => services.receiver.status(),
    'inbound.configureReceiver': ({ config }) => services.receiver.configure(config),
    'inbound.registerSmsGateWebhook': () => services.receiver.registerWithSmsGate(),

    'engine.status': () => engine.status(),
    'engine.pauseAll': () => engine.pauseAll(),
    'engine.resumeAll': () => engine.resumeAll(),

    'deliveries.list': (input) => deliveries.list(input),
    'deliveries.resolve': (input) => deliveries.resolve(input),

    'backups.list': () => services.backups.list(),
    'backups.create': () => services.backups.create('manual'),
    'backups.restore': ({ id }) => services.dataSafety.restore(id),
    'sequences.export': ({ id }) => services.sequenceFiles.export(id),
    'sequences.import': (input) => services.sequenceFiles.import(input),
    'app.openLogsFolder': () => services.dataSafety.openLogsFolder(),
  };
}
