/**
 * Contacts, subscriptions and imports: the schemas of the people who receive sequences.
 * The method map that uses them is in ../contract.ts.
 */
import { z } from 'zod';
import { EpochMsSchema, IdSchema } from './primitives';

export const PEOPLE_LIMITS = {
  contactNameMax: 200,
  attributeKeyMax: 64,
  attributeValueMax: 1000,
  attributesMax: 50,
  phoneInputMax: 40,
  searchMax: 100,
  pageSizeMax: 500,
  /** Larger CSV files are refused before parsing (100,000 contacts is about 5 MB). */
  csvBytesMax: 20 * 1024 * 1024,
  csvRowsMax: 200_000,
} as const;

const CSV_TEXT_CHARS_MAX = 23 * 1024 * 1024;

export const subscriptionStatuses = ['active', 'paused', 'completed', 'unsubscribed', 'stopped', 'failed'] as const;
export const SubscriptionStatusSchema = z.enum(subscriptionStatuses);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatusSchema>;

export const contactSources = ['manual', 'import', 'inbound'] as const;
export const ContactSourceSchema = z.enum(contactSources);
export const subscriptionSources = ['manual', 'auto', 'import'] as const;
export const SubscriptionSourceSchema = z.enum(subscriptionSources);

/** ISO 3166-1 alpha-2 country used for numbers typed without a leading `+`. */
export const CountryCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'Use a two-letter country code such as DE or US');

/** As typed by a person: normalised to E.164 by the core (libphonenumber-js). */
export const PhoneInputSchema = z
  .string()
  .trim()
  .min(1, 'Phone number is required')
  .max(PEOPLE_LIMITS.phoneInputMax, 'That is too long for a phone number');

/** Characters an attribute name may use (length is checked separately: `PEOPLE_LIMITS.attributeKeyMax`). */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z0-9_.\- ]+$/;

export const AttributeKeySchema = z
  .string()
  .trim()
  .min(1, 'Attribute names cannot be empty')
  .max(PEOPLE_LIMITS.attributeKeyMax)
  .regex(ATTRIBUTE_KEY_PATTERN, 'Attribute names may use letters, digits, spaces, "_", "-" and "."');

export const AttributesSchema = z
  .record(AttributeKeySchema, z.string().max(PEOPLE_LIMITS.attributeValueMax))
  .refine((attributes) => Object.keys(attributes).length <= PEOPLE_LIMITS.attributesMax, {
    message: `At most ${PEOPLE_LIMITS.attributesMax} attributes per contact`,
  });

const ContactNameSchema = z.string().trim().max(PEOPLE_LIMITS.contactNameMax, `Names can be at most ${PEOPLE_LIMITS.contactNameMax} characters`);

export const ContactSchema = z.object({
  id: IdSchema,
  /** E.164, e.g. +4915112345678. Null for a customer known only by a WhatsApp privacy id. */
  phone: z.string().nullable(),
  /** The id WhatsApp messages go to (`…@c.us`, or `…@lid` when no number is known). */
  whatsappId: z.string().nullable(),
  /** The number lookup: null not asked yet, 'on', 'not-on' (the number is not on WhatsApp). */
  whatsappStatus: z.enum(['on', 'not-on']).nullable(),
  name: z.string(),
  attributes: z.record(z.string(), z.string()),
  optedOutAt: EpochMsSchema.nullable(),
  source: ContactSourceSchema,
  createdAt: EpochMsSchema,
  updatedAt: EpochMsSchema,
});

export const ContactMembershipSchema = z.object({
  subscriptionId: IdSchema,
  sequenceId: IdSchema,
  sequenceName: z.string(),
  status: SubscriptionStatusSchema,
});

export const ContactListItemSchema = ContactSchema.extend({
  memberships: z.array(ContactMembershipSchema),
});

const MessageRefSchema = z.object({ id: IdSchema, name: z.string(), position: z.number().int().min(1) });

/** One row of a sequence's subscribers view. */
export const SubscriberSchema = z.object({
  id: IdSchema,
  contactId: IdSchema,
  sequenceId: IdSchema,
  phone: z.string().nullable(),
  name: z.string(),
  status: SubscriptionStatusSchema,
  /** Why it ended other than by completing (stopped on reply, opted out by STOP, unsubscribed by hand). */
  endReason: z.string().nullable(),
  source: SubscriptionSourceSchema,
  subscribedAt: EpochMsSchema,
  lastSentMessage: MessageRefSchema.nullable(),
  lastSentAt: EpochMsSchema.nullable(),
  nextMessage: MessageRefSchema.nullable(),
  nextDueAt: EpochMsSchema.nullable(),
  sentCount: z.number().int().min(0),
});

export const timelineEntryStatuses = ['sent', 'scheduled', 'pending', 'skipped', 'failed', 'unknown', 'disabled', 'cancelled'] as const;
export const TimelineEntrySchema = z.object({
  messageId: IdSchema,
  name: z.string(),
  position: z.number().int().min(1),
  status: z.enum(timelineEntryStatuses),
  /** For a sent message: how far the provider acknowledged it (WhatsApp: delivered, read). */
  receipt: z.enum(['server', 'delivered', 'read', 'played']).nullable(),
  /** The channel it went (or goes) through. */
  channel: z.enum(['test', 'sms', 'whatsapp']).nullable(),
  /** When it was sent / skipped / failed, or when it is planned. Null when it will never go out. */
  at: EpochMsSchema.nullable(),
  error: z.string().nullable(),
});

export const SubscriberDetailSchema = z.object({
  subscriber: SubscriberSchema,
  contact: ContactSchema,
  sequenceName: z.string(),
  timeline: z.array(TimelineEntrySchema),
});

export const ContactDetailSchema = z.object({
  contact: ContactSchema,
  subscriptions: z.array(SubscriberSchema.extend({ sequenceName: z.string() })),
});

const Paging = {
  offset: z.number().int().min(0).max(10_000_000).optional().default(0),
  limit: z.number().int().min(1).max(PEOPLE_LIMITS.pageSizeMax).optional().default(100),
};
const SortDirectionSchema = z.enum(['asc', 'desc']).optional().default('asc');
const SearchSchema = z.string().trim().max(PEOPLE_LIMITS.searchMax).optional().default('');

export const ContactsListInputSchema = z.strictObject({
  search: SearchSchema,
  sort: z.enum(['name', 'phone', 'createdAt']).optional().default('name'),
  direction: SortDirectionSchema,
  ...Paging,
});

export const SubscribersListInputSchema = z.strictObject({
  sequenceId: IdSchema,
  search: SearchSchema,
  status: SubscriptionStatusSchema.nullable().optional().default(null),
  sort: z.enum(['name', 'phone', 'status', 'subscribedAt', 'lastSentAt', 'nextDueAt']).optional().default('subscribedAt'),
  direction: SortDirectionSchema,
  ...Paging,
});

export const page = <T extends z.ZodType>(row: T) => z.object({ rows: z.array(row), total: z.number().int().min(0) });

export const ContactUpsertInputSchema = z.strictObject({
  /** Given: update that contact. Absent: create, or merge into the contact with this phone. */
  id: IdSchema.optional(),
  /**
   * Required to create. On an update, absent keeps the stored one: a contact known only by a
   * WhatsApp id can be renamed without a phone, or given one.
   */
  phone: PhoneInputSchema.optional(),
  name: ContactNameSchema.optional(),
  attributes: AttributesSchema.optional(),
});

export const SubscriberAddInputSchema = z.strictObject({
  sequenceId: IdSchema,
  phone: PhoneInputSchema,
  name: ContactNameSchema.optional(),
  attributes: AttributesSchema.optional(),
  /** When the sequence starts for them; defaults to now. Used as the first message's base. */
  startAt: EpochMsSchema.optional(),
});

// --- CSV import --------------------------------------------------------------------------------

export const ImportMappingSchema = z.strictObject({
  /** Column header (or `Column N` when the file has no header row) holding the phone number. */
  phone: z.string().min(1, 'Choose the column with the phone number'),
  name: z.string().nullable().optional().default(null),
  /** Other columns to keep as custom attributes, keyed by the attribute name to store. */
  attributes: z.array(z.strictObject({ column: z.string().min(1), attribute: AttributeKeySchema })).max(PEOPLE_LIMITS.attributesMax).optional().default([]),
});

export const ContactsImportInputSchema = z.strictObject({
  /** Chosen by the client so it can follow `import.progress` and cancel. */
  importId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Invalid import id'),
  fileName: z.string().trim().max(255).optional().default('import.csv'),
  // Capped a little above the limit so a file just over 20 MB gets the import's precise TOO_LARGE
  // answer; the HTTP transport's 24 MB body limit stops anything bigger.
  csvText: z.string().min(1, 'The file is empty').max(CSV_TEXT_CHARS_MAX, 'CSV files can be at most 20 MB'),
  hasHeader: z.boolean().optional().default(true),
  mapping: ImportMappingSchema,
  /** Subscribe everyone imported to this sequence (optional). */
  sequenceId: IdSchema.nullable().optional().default(null),
});

export const ImportRowErrorSchema = z.object({ line: z.number().int().min(1), reason: z.string(), raw: z.string() });

export const ImportResultSchema = z.object({
  importId: z.string(),
  status: z.enum(['completed', 'cancelled']),
  totalRows: z.number().int().min(0),
  created: z.number().int().min(0),
  updated: z.number().int().min(0),
  /** Rows that repeated a phone seen earlier in the same file, merged into it. */
  mergedDuplicates: z.number().int().min(0),
  subscribed: z.number().int().min(0),
  alreadySubscribed: z.number().int().min(0),
  skipped: z.array(ImportRowErrorSchema),
  /** The skipped rows as a CSV report (line, reason, original row), ready to download. */
  errorReportCsv: z.string(),
});

export const ImportProgressSchema = z.object({
  importId: z.string(),
  phase: z.enum(['parsing', 'validating', 'writing', 'done', 'cancelled', 'failed']),
  processed: z.number().int().min(0),
  total: z.number().int().min(0),
});

export const CsvExportSchema = z.object({ fileName: z.string(), csv: z.string(), rowCount: z.number().int().min(0) });
