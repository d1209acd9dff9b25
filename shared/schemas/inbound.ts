/**
 * Customers who write in (issue 8): the inbound log (inbox), what each message did, and the
 * owner's rules for it (auto-subscription, STOP/START keywords).
 * The method map that uses them is in ../contract.ts.
 */
import { z } from 'zod';
import { EpochMsSchema, IdSchema } from './primitives';

export const inboundProviders = ['whatsapp', 'smsgate', 'twilio', 'test'] as const;
export const InboundProviderSchema = z.enum(inboundProviders);

/** What one inbound message did; the inbox shows these in words. */
export const InboundActionSchema = z.discriminatedUnion('kind', [
  /** A new contact was created from it (the consent record points at this message). */
  z.object({ kind: z.literal('contact-created'), contactId: IdSchema }),
  z.object({ kind: z.literal('subscribed'), sequenceId: IdSchema, sequenceName: z.string(), subscriptionId: IdSchema }),
  /** Auto-subscription skipped: active in or completed that sequence already. */
  z.object({ kind: z.literal('already-subscribed'), sequenceId: IdSchema, sequenceName: z.string() }),
  z.object({ kind: z.literal('opted-out'), keyword: z.string() }),
  z.object({ kind: z.literal('opted-in'), keyword: z.string() }),
  /** Stop-on-reply ended this subscription. */
  z.object({ kind: z.literal('stopped'), sequenceId: IdSchema, sequenceName: z.string(), subscriptionId: IdSchema }),
  /** The STOP/START confirmation reply: sent, or why not. */
  z.object({ kind: z.literal('confirmation'), sent: z.boolean(), detail: z.string() }),
  /** Not acted on (e.g. from an opted-out contact, or nothing configured). */
  z.object({ kind: z.literal('nothing'), reason: z.string() }),
]);

export const InboundMessageSchema = z.object({
  id: IdSchema,
  channel: z.enum(['whatsapp', 'sms']),
  provider: InboundProviderSchema,
  fromPhone: z.string().nullable(),
  fromWhatsappId: z.string().nullable(),
  contactId: IdSchema.nullable(),
  contactName: z.string().nullable(),
  body: z.string(),
  receivedAt: EpochMsSchema,
  actions: z.array(InboundActionSchema),
});

export const InboundListInputSchema = z.strictObject({
  search: z.string().trim().max(100).optional().default(''),
  offset: z.number().int().min(0).max(10_000_000).optional().default(0),
  limit: z.number().int().min(1).max(500).optional().default(100),
});

const Keyword = z
  .string()
  .trim()
  .min(1, 'Keywords cannot be empty')
  .max(40, 'Keywords are at most 40 characters');

export const InboundSettingsSchema = z.object({
  /** Settings → Sequence Auto Subscription: the sequences a new customer joins on their first message. */
  autoSubscribeSequenceIds: z.array(IdSchema).max(100).refine((ids) => new Set(ids).size === ids.length, 'Each sequence at most once'),
  /**
   * A whole message equal to one of these (case- and accent-insensitive, trimmed) opts the contact
   * out of everything. Defaults: STOP, UNSUBSCRIBE, CANCEL, QUIT, END (+ the business language's).
   */
  stopKeywords: z.array(Keyword).min(1, 'Keep at least one STOP keyword').max(50),
  startKeywords: z.array(Keyword).min(1, 'Keep at least one START keyword').max(50),
  /** Sent once after STOP / START. */
  stopConfirmation: z.string().trim().min(1).max(500),
  startConfirmation: z.string().trim().min(1).max(500),
});
