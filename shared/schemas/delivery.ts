/**
 * Sending: the sending window, pacing, catch-up and failure policies, channel configuration,
 * the activity log and the engine's state. The method map that uses them is in ../contract.ts.
 */
import { z } from 'zod';
import { EpochMsSchema, IdSchema } from './primitives';

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time such as 09:00');
/** A calendar day, `yyyy-MM-dd`. */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date such as 2026-12-25')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'Not a real date');

export const channelIds = ['test', 'sms', 'whatsapp'] as const;
export const ChannelIdSchema = z.enum(channelIds);
export type ChannelIdName = z.infer<typeof ChannelIdSchema>;

export const SendingWindowSchema = z.object({
  /** Nothing goes out between start and end (may wrap midnight, e.g. 21:00–09:00). Null: no quiet hours. */
  quietHours: z.object({ start: TimeOfDay, end: TimeOfDay }).nullable(),
  /** ISO weekdays 1 = Monday … 7 = Sunday on which messages may go out. */
  allowedWeekdays: z
    .array(z.number().int().min(1).max(7))
    .min(1, 'Allow at least one weekday')
    .max(7)
    .refine((days) => new Set(days).size === days.length, 'Each weekday at most once'),
  /** Days nothing goes out (holidays), as yyyy-MM-dd in the business time zone. */
  closedDates: z.array(IsoDateSchema).max(366),
});

export const PacingSchema = z
  .object({
    minGapSeconds: z.number().int().min(0).max(3600),
    maxGapSeconds: z.number().int().min(0).max(3600),
    /** Most messages per day per channel; null = no cap. */
    dailyCap: z.number().int().min(1).max(100_000).nullable(),
  })
  .refine((pacing) => pacing.maxGapSeconds >= pacing.minGapSeconds, {
    message: 'The longest gap cannot be shorter than the shortest',
    path: ['maxGapSeconds'],
  });

export const CatchUpPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('send-late') }),
  z.object({ kind: z.literal('skip-if-late'), hours: z.number().int().min(1).max(24 * 30) }),
]);

export const PermanentFailurePolicySchema = z.enum(['move-on', 'stop-subscription']);

export const SmsGateConfigSchema = z.object({
  /** Local server `http://<phone-ip>:8080` or the cloud server. */
  baseUrl: z.string().trim().url('Enter the gateway address, e.g. http://192.168.1.20:8080').max(500),
  username: z.string().trim().min(1, 'Username is required').max(200),
  /** Write-only: `settings.get` never returns it (see `hasPassword`). */
  password: z.string().min(1, 'Password is required').max(500),
});

export const SendingSettingsSchema = z.object({
  window: SendingWindowSchema,
  pacing: PacingSchema,
  catchUp: CatchUpPolicySchema,
  onPermanentFailure: PermanentFailurePolicySchema,
});

/** What `settings.get` says about the SMS gateway (the password never leaves the core). */
export const SmsGateStatusSchema = z.object({
  baseUrl: z.string(),
  username: z.string(),
  hasPassword: z.boolean(),
});

export const deliveryStatuses = ['claimed', 'retrying', 'sent', 'failed', 'unknown', 'skipped'] as const;
export const DeliveryStatusSchema = z.enum(deliveryStatuses);

export const DeliverySchema = z.object({
  id: IdSchema,
  subscriptionId: IdSchema,
  sequenceId: IdSchema,
  sequenceName: z.string(),
  messageId: IdSchema,
  messageName: z.string(),
  contactName: z.string(),
  phone: z.string().nullable(),
  channel: ChannelIdSchema,
  status: DeliveryStatusSchema,
  /** The furthest acknowledgement after the send (WhatsApp's ticks, SMSGate's delivery report). */
  receipt: z.enum(['server', 'delivered', 'read', 'played']).nullable(),
  receiptAt: EpochMsSchema.nullable(),
  attempts: z.number().int().min(0),
  dueAt: EpochMsSchema.nullable(),
  sentAt: EpochMsSchema.nullable(),
  nextAttemptAt: EpochMsSchema.nullable(),
  renderedText: z.string(),
  error: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  updatedAt: EpochMsSchema,
});

export const DeliveriesListInputSchema = z.strictObject({
  status: DeliveryStatusSchema.nullable().optional().default(null),
  channel: ChannelIdSchema.nullable().optional().default(null),
  sequenceId: IdSchema.nullable().optional().default(null),
  search: z.string().trim().max(100).optional().default(''),
  offset: z.number().int().min(0).max(10_000_000).optional().default(0),
  limit: z.number().int().min(1).max(500).optional().default(100),
});

export const DeliveryResolveInputSchema = z.strictObject({
  id: IdSchema,
  /** For an `unknown` delivery: send it again, or record that it did go out. */
  action: z.enum(['send-again', 'mark-as-sent']),
});

export const ChannelStatusSchema = z.object({
  channel: ChannelIdSchema,
  state: z.enum(['ready', 'connecting', 'down', 'not-configured']),
  reason: z.string().nullable(),
});

export const EngineStatusSchema = z.object({
  state: z.enum(['running', 'paused', 'waiting-for-channel', 'idle']),
  /** Why it is in that state, for the status bar. */
  detail: z.string(),
  pausedByOwner: z.boolean(),
  nextSendAt: EpochMsSchema.nullable(),
  dueNow: z.number().int().min(0),
  sentToday: z.number().int().min(0),
  dailyCap: z.number().int().min(1).nullable(),
  unknownDeliveries: z.number().int().min(0),
  channels: z.array(ChannelStatusSchema),
});
