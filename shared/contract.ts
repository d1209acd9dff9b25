/**
 * THE API of Sequence Automation.
 *
 * Every method the renderer may call is declared here once, as `domain.verb` → { input, output }
 * zod schemas. The Electron IPC transport, the headless HTTP transport, the core handlers and the
 * renderer client are all typed from this map, and both transports parse every input with it
 * before any handler runs. Push events (main → renderer) have their own map below.
 *
 * This file imports neither side (no Node, no DOM): it is compiled into both.
 */
import { z } from 'zod';
import { isValidTimeZone } from './time-zone';
import {
  ContactDetailSchema,
  ContactListItemSchema,
  ContactSchema,
  ContactsImportInputSchema,
  ContactsListInputSchema,
  ContactUpsertInputSchema,
  CountryCodeSchema,
  CsvExportSchema,
  ImportProgressSchema,
  ImportResultSchema,
  SubscriberAddInputSchema,
  SubscriberDetailSchema,
  SubscriberSchema,
  SubscribersListInputSchema,
  page,
} from './schemas/people';
export * from './schemas/people';
import {
  ChannelIdSchema,
  ChannelStatusSchema,
  DeliveriesListInputSchema,
  DeliveryResolveInputSchema,
  DeliverySchema,
  EngineStatusSchema,
  SendingSettingsSchema,
} from './schemas/delivery';
export * from './schemas/delivery';
import {
  InboundListInputSchema,
  InboundMessageSchema,
  InboundSettingsSchema,
} from './schemas/inbound';
export * from './schemas/inbound';
import {
  SendTestMessageInputSchema,
  SendTestMessageResultSchema,
  SmsProviderConfigSchema,
  SmsProviderStatusSchema,
  WebhookReceiverConfigSchema,
  WebhookReceiverStatusSchema,
  WhatsAppSettingsSchema,
  WhatsAppStatusSchema,
} from './schemas/channels';
export * from './schemas/channels';
import {
  BackupIdSchema,
  BackupListSchema,
  BackupSchema,
  LogsFolderSchema,
  RestoreResultSchema,
  SequenceFileSchema,
  SequenceImportInputSchema,
} from './schemas/data-safety';
export * from './schemas/data-safety';

// ---------------------------------------------------------------------------------------------
// Limits a shop owner can run into; the UI shows the same numbers.
// ---------------------------------------------------------------------------------------------
export const LIMITS = {
  sequenceNameMax: 100,
  sequenceDescriptionMax: 1000,
  messageNameMax: 100,
  messageBodyMax: 4096,
  mediaBytesMax: 16 * 1024 * 1024,
  mediaFileNameMax: 255,
  /** 365 days, whichever unit the owner picked. */
  delayMinutesMax: 365 * 24 * 60,
} as const;

/** Longest base64 string `media.add` accepts before decoding (≈17 MB of file). */
export const MEDIA_BASE64_CHARS_MAX = 23 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Errors: values with a stable code and a message a shop owner can read.
// ---------------------------------------------------------------------------------------------
export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_LARGE',
  'UNAUTHORIZED',
  'CHANNEL_DOWN',
  'INTERNAL',
] as const;
export const ErrorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Dotted path of the input field at fault, so the UI can show the message next to it. */
  field: z.string().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------
import { EpochMsSchema, IdSchema } from './schemas/primitives';
export { EpochMsSchema, IdSchema };

export const delayUnits = ['minutes', 'hours', 'days'] as const;
export const DelayUnitSchema = z.enum(delayUnits);
export type DelayUnit = z.infer<typeof DelayUnitSchema>;

/** Wall-clock time of day, 24h `HH:mm`. */
export const TimeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 09:00');

export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine(isValidTimeZone, 'Unknown time zone');

const trimmed = (max: number, label: string) =>
  z
    .string()
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`);

const SequenceNameSchema = trimmed(LIMITS.sequenceNameMax, 'Name');
const SequenceDescriptionSchema = z
  .string()
  .trim()
  .max(LIMITS.sequenceDescriptionMax, `Description must be at most ${LIMITS.sequenceDescriptionMax} characters`);

const MessageNameSchema = trimmed(LIMITS.messageNameMax, 'Name');
const MessageBodySchema = z
  .string()
  .max(LIMITS.messageBodyMax, `Message must be at most ${LIMITS.messageBodyMax} characters`);
const DelayAmountSchema = z
  .number()
  .int('Delay must be a whole number')
  .min(0, 'Delay cannot be negative')
  .max(LIMITS.delayMinutesMax, 'Delay can be at most 365 days');

// ---------------------------------------------------------------------------------------------
// Domain objects as the API returns them
// ---------------------------------------------------------------------------------------------
export const mediaKinds = ['image', 'video', 'audio', 'document'] as const;
export const MediaKindSchema = z.enum(mediaKinds);

export const MediaSchema = z.object({
  id: IdSchema,
  fileName: z.string(),
  mimeType: z.string(),
  kind: MediaKindSchema,
  sizeBytes: z.number().int().min(0),
  sha256: z.string(),
  createdAt: EpochMsSchema,
});

export const SequenceSummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string(),
  active: z.boolean(),
  messageCount: z.number().int().min(0),
  enabledMessageCount: z.number().int().min(0),
  /** How its messages go out; null until the owner picks one (due messages then wait). */
  channel: ChannelIdSchema.nullable(),
  /** With channel 'whatsapp': "WhatsApp, else SMS" (per message, when not on WhatsApp or WhatsApp is down too long). */
  smsFallback: z.boolean(),
  /** Any reply from the customer (other than STOP/START) stops their subscription. */
  stopOnReply: z.boolean(),
  subscriberCount: z.number().int().min(0),
  activeSubscriberCount: z.number().int().min(0),
  sentCount: z.number().int().min(0),
  createdAt: EpochMsSchema,
  updatedAt: EpochMsSchema,
});

export const MessageSchema = z.object({
  id: IdSchema,
  sequenceId: IdSchema,
  /** 1-based order inside the sequence, contiguous. */
  position: z.number().int().min(1),
  name: z.string(),
  body: z.string(),
  media: MediaSchema.nullable(),
  delayAmount: z.number().int().min(0),
  delayUnit: DelayUnitSchema,
  sendAt: TimeOfDaySchema.nullable(),
  enabled: z.boolean(),
  sentCount: z.number().int().min(0),
  createdAt: EpochMsSchema,
  updatedAt: EpochMsSchema,
});

export const SequenceDetailSchema = z.object({
  sequence: SequenceSummarySchema,
  messages: z.array(MessageSchema),
});

export const SettingsSchema = z.object({
  /** IANA name; all wall-clock rules (exact times, days) are reckoned in it. */
  timeZone: TimeZoneSchema,
  /** Country assumed for phone numbers typed without `+` (default: from the machine's locale). */
  defaultCountry: CountryCodeSchema,
  /** Sending hours, pacing, catch-up and failure policies. */
  sending: SendingSettingsSchema,
  /** Auto-subscription and STOP/START keywords. */
  inbound: InboundSettingsSchema,
  whatsapp: WhatsAppSettingsSchema,
});

/** What `settings.update` takes: any of the settings, each replaced whole. */
export const SettingsUpdateSchema = z.strictObject({
  timeZone: TimeZoneSchema.optional(),
  defaultCountry: CountryCodeSchema.optional(),
  sending: SendingSettingsSchema.optional(),
  inbound: InboundSettingsSchema.optional(),
  whatsapp: WhatsAppSettingsSchema.optional(),
});

export const SchedulePreviewSchema = z.object({
  timeZone: TimeZoneSchema,
  subscribedAt: EpochMsSchema,
  items: z.array(
    z.object({
      messageId: IdSchema,
      name: z.string(),
      position: z.number().int().min(1),
      dueAt: EpochMsSchema,
    }),
  ),
});

export const AppInfoSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  /** Where the core runs; the UI is the same either way. */
  shell: z.enum(['electron', 'headless']),
  machineTimeZone: z.string(),
});

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------
const ById = z.strictObject({ id: IdSchema });

const MessageFields = {
  name: MessageNameSchema,
  body: MessageBodySchema,
  mediaId: IdSchema.nullable(),
  delayAmount: DelayAmountSchema,
  delayUnit: DelayUnitSchema,
  sendAt: TimeOfDaySchema.nullable(),
};

// ---------------------------------------------------------------------------------------------
// The method map
// ---------------------------------------------------------------------------------------------
export const contract = {
  'app.info': { input: z.strictObject({}), output: AppInfoSchema },

  'sequences.list': { input: z.strictObject({}), output: z.array(SequenceSummarySchema) },
  'sequences.get': { input: ById, output: SequenceDetailSchema },
  'sequences.create': {
    input: z.strictObject({
      name: SequenceNameSchema,
      description: SequenceDescriptionSchema.optional().default(''),
      channel: ChannelIdSchema.nullable().optional().default(null),
      smsFallback: z.boolean().optional().default(false),
      stopOnReply: z.boolean().optional().default(false),
    }),
    output: SequenceSummarySchema,
  },
  'sequences.update': {
    input: z.strictObject({
      id: IdSchema,
      name: SequenceNameSchema.optional(),
      description: SequenceDescriptionSchema.optional(),
      active: z.boolean().optional(),
      channel: ChannelIdSchema.nullable().optional(),
      smsFallback: z.boolean().optional(),
      stopOnReply: z.boolean().optional(),
    }),
    output: SequenceSummarySchema,
  },
  'sequences.duplicate': { input: ById, output: SequenceSummarySchema },
  'sequences.delete': { input: ById, output: z.object({ id: IdSchema }) },
  'sequences.previewSchedule': {
    input: z.strictObject({
      id: IdSchema,
      /** Defaults to now. */
      subscribedAt: EpochMsSchema.optional(),
    }),
    output: SchedulePreviewSchema,
  },

  'messages.create': {
    input: z.strictObject({
      sequenceId: IdSchema,
      ...MessageFields,
      mediaId: MessageFields.mediaId.optional().default(null),
      sendAt: MessageFields.sendAt.optional().default(null),
      enabled: z.boolean().optional().default(true),
    }),
    output: MessageSchema,
  },
  'messages.update': {
    input: z.strictObject({
      id: IdSchema,
      name: MessageFields.name.optional(),
      body: MessageFields.body.optional(),
      mediaId: MessageFields.mediaId.optional(),
      delayAmount: MessageFields.delayAmount.optional(),
      delayUnit: MessageFields.delayUnit.optional(),
      sendAt: MessageFields.sendAt.optional(),
    }),
    output: MessageSchema,
  },
  'messages.delete': { input: ById, output: z.object({ id: IdSchema }) },
  'messages.reorder': {
    input: z.strictObject({
      sequenceId: IdSchema,
      /** Every message id of the sequence, exactly once, in the new order. */
      orderedIds: z.array(IdSchema).min(1).max(10_000),
    }),
    output: z.array(MessageSchema),
  },
  'messages.setEnabled': {
    input: z.strictObject({ id: IdSchema, enabled: z.boolean() }),
    output: MessageSchema,
  },

  'media.add': {
    input: z.strictObject({
      fileName: z.string().trim().min(1, 'File name is required').max(LIMITS.mediaFileNameMax),
      /** File content, base64. Size is checked on the decoded bytes. */
      dataBase64: z
        .string()
        .min(1, 'The file is empty')
        // base64 of 16 MB is ~21.4 MB. The cap here only keeps absurd strings from being decoded;
        // it is set a little higher so that a file slightly over 16 MB gets the service's precise
        // TOO_LARGE answer rather than a generic validation error.
        .max(MEDIA_BASE64_CHARS_MAX, 'Files can be at most 16 MB'),
    }),
    output: MediaSchema,
  },

  'contacts.list': { input: ContactsListInputSchema, output: page(ContactListItemSchema) },
  'contacts.get': { input: ById, output: ContactDetailSchema },
  'contacts.upsert': { input: ContactUpsertInputSchema, output: ContactSchema },
  /** Deletes the contact and cancels everything still pending for them. */
  'contacts.delete': { input: ById, output: z.object({ id: IdSchema }) },
  /** Resolves when the import has finished or was cancelled; `import.progress` events report on the way. */
  'contacts.import': { input: ContactsImportInputSchema, output: ImportResultSchema },
  'contacts.cancelImport': { input: z.strictObject({ importId: z.string().min(1).max(64) }), output: z.object({ cancelled: z.boolean() }) },
  'contacts.export': { input: z.strictObject({ search: z.string().trim().max(100).optional().default('') }), output: CsvExportSchema },

  'subscribers.add': { input: SubscriberAddInputSchema, output: SubscriberSchema },
  'subscribers.list': { input: SubscribersListInputSchema, output: page(SubscriberSchema) },
  'subscribers.get': { input: ById, output: SubscriberDetailSchema },
  'subscribers.pause': { input: ById, output: SubscriberSchema },
  'subscribers.resume': { input: ById, output: SubscriberSchema },
  'subscribers.unsubscribe': { input: ById, output: SubscriberSchema },
  /** Removes the subscription itself (its history goes with it); the contact stays. */
  'subscribers.remove': { input: ById, output: z.object({ id: IdSchema }) },
  'subscribers.export': { input: z.strictObject({ sequenceId: IdSchema }), output: CsvExportSchema },

  'settings.get': { input: z.strictObject({}), output: SettingsSchema },
  'settings.update': { input: SettingsUpdateSchema, output: SettingsSchema },

  /** Every channel's state (test mode, SMS gateway, WhatsApp). */
  'channels.list': { input: z.strictObject({}), output: z.array(ChannelStatusSchema) },
  /** The SMS provider's settings without its secrets. Null when not set up. */
  'channels.getSmsProvider': { input: z.strictObject({}), output: SmsProviderStatusSchema.nullable() },
  /**
   * Saves (or, with null, removes) the SMS provider, then checks the connection; secrets are kept
   * encrypted. A secret left out keeps the stored one (same provider only).
   */
  'channels.configureSmsProvider': { input: z.strictObject({ config: SmsProviderConfigSchema.nullable() }), output: ChannelStatusSchema },
  /** Sends one message now, outside any sequence (Settings → Send test message). */
  'channels.sendTestMessage': { input: SendTestMessageInputSchema, output: SendTestMessageResultSchema },

  'whatsapp.status': { input: z.strictObject({}), output: WhatsAppStatusSchema },
  /** Starts the client: a saved session reconnects, otherwise QR codes follow as `whatsapp.status` events. */
  'whatsapp.link': { input: z.strictObject({}), output: WhatsAppStatusSchema },
  /** Logs the device out and deletes the saved session. */
  'whatsapp.unlink': { input: z.strictObject({}), output: WhatsAppStatusSchema },

  /** The inbox: inbound messages, newest first, with what each one did. */
  'inbound.list': { input: InboundListInputSchema, output: page(InboundMessageSchema) },
  'inbound.getReceiver': { input: z.strictObject({}), output: WebhookReceiverStatusSchema },
  /** Saves the webhook receiver's settings and (re)starts or stops it. */
  'inbound.configureReceiver': { input: z.strictObject({ config: WebhookReceiverConfigSchema }), output: WebhookReceiverStatusSchema },
  /** Registers the receiver's URL for sms:received with the configured SMSGate (its /webhooks API). */
  'inbound.registerSmsGateWebhook': { input: z.strictObject({}), output: z.object({ ok: z.boolean(), message: z.string() }) },

  'engine.status': { input: z.strictObject({}), output: EngineStatusSchema },
  /** Holds every outgoing message until `engine.resumeAll`. */
  'engine.pauseAll': { input: z.strictObject({}), output: EngineStatusSchema },
  'engine.resumeAll': { input: z.strictObject({}), output: EngineStatusSchema },

  /** The activity log: every delivery, newest first. */
  'deliveries.list': { input: DeliveriesListInputSchema, output: page(DeliverySchema) },
  /** For an `unknown` delivery (a crash hid whether it went out): send again, or mark as sent. */
  'deliveries.resolve': { input: DeliveryResolveInputSchema, output: DeliverySchema },

  /** The database's backups (automatic daily ones, the owner's, the copies kept before a restore), newest first. */
  'backups.list': { input: z.strictObject({}), output: BackupListSchema },
  /** Backs the database up now (SQLite's online backup: sending goes on meanwhile). */
  'backups.create': { input: z.strictObject({}), output: BackupSchema },
  /**
   * Replaces the database with a backup (the UI asks first): the core stops, keeps a copy of the
   * current database, restarts on the backup, and carries over what went out since it was taken.
   */
  'backups.restore': { input: z.strictObject({ id: BackupIdSchema }), output: RestoreResultSchema },
  /** One sequence with its messages and attachments as one zip file (base64, like `media.add`). */
  'sequences.export': { input: ById, output: SequenceFileSchema },
  /** Adds the sequence a file holds (checked whole first; a taken name gets "(imported)"). */
  'sequences.import': {
    input: SequenceImportInputSchema,
    output: z.object({ sequence: SequenceSummarySchema, renamedFrom: z.string().nullable() }),
  },
  /** Where the log files are; the desktop app also opens the folder. */
  'app.openLogsFolder': { input: z.strictObject({}), output: LogsFolderSchema },
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
/** What a caller passes (defaults optional). */
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
/** What a handler receives after parsing (defaults filled in). */
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export const methodNames = Object.keys(contract) as MethodName[];
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

// ---------------------------------------------------------------------------------------------
// Push events (main → renderer)
// ---------------------------------------------------------------------------------------------
export const tableNames = ['sequences', 'messages', 'media', 'settings', 'contacts', 'subscriptions', 'deliveries', 'inbound_messages'] as const;
export const TableNameSchema = z.enum(tableNames);
export type TableName = z.infer<typeof TableNameSchema>;

export const events = {
  /** Some write touched these tables: views that read them refresh. */
  'data.changed': z.object({ tables: z.array(TableNameSchema).min(1) }),
  /** A CSV import moved on (throttled: a few per second at most). */
  'import.progress': ImportProgressSchema,
  /** The sending engine's state changed (status bar). */
  'engine.status': EngineStatusSchema,
  /** A channel connected, dropped or was configured. */
  'channel.status': ChannelStatusSchema,
  /** The WhatsApp session moved on (new QR code, linked, dropped). */
  'whatsapp.status': WhatsAppStatusSchema,
  /** The webhook receiver started, stopped or failed. */
  'inbound.receiver': WebhookReceiverStatusSchema,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** The shape `window.api` has in Electron (preload) and the HTTP client mimics. */
export interface AppApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** IPC channel names shared by preload and the IPC transport (own file: keeps zod out of the preload). */
export { IPC } from './ipc-channels';
