/**
 * Customers who write in (issue 8): the inbound log (inbox), what each message did, and the
 * owner's rules for it (auto-subscription, STOP/START keywords).
 * The method map that uses them is in ../contract.ts.
 */
import { z } from 'zod';
import { EpochMsSchema, IdSchema } from './primitives';

export const inboundProviders = ['whatsapp', 'smsgate', 'twilio', 'test'] as const;
export const InboundProviderSchema = z.enum(inboundProviders);

/**
 * Where the STOP/START confirmation reply is (inbound/inbound-service.ts, step 4):
 * - `sending`: recorded, in its own commit, just before the channel is called; replaced by the
 *   outcome after. Still there at the next start, the app stopped during the send.
 * - `sent`: the channel took it.
 * - `failed`: it did not go out (`detail` says why, for the owner).
 * - `perhaps-sent`: the app stopped while sending it through a channel that cannot be asked again
 *   without risking a second one (WhatsApp, Twilio, an HTTP template); it is not sent again.
 */
export const confirmationStates = ['sending', 'sent', 'failed', 'perhaps-sent'] as const;
export const ConfirmationStateSchema = z.enum(confirmationStates);

/**
 * The confirmation action. A row stored without `state` (the shape released before the state
 * was explicit: `sent` and a text) is read as `sent`, or as `failed` when not sent; the result
 * always has `state`, and `sent` is dropped. That shape never recorded a send in progress, so
 * no old row reads as `sending` or `perhaps-sent`.
 */
const ConfirmationActionSchema = z
  .object({
    kind: z.literal('confirmation'),
    state: ConfirmationStateSchema.optional(),
    /** The old shape only. */
    sent: z.boolean().optional(),
    /** `failed`: why, in the owner's words; `sent`: what went out, and how; otherwise empty. */
    detail: z.string(),
  })
  .transform(({ kind, state, sent, detail }, ctx) => {
    if (state !== undefined) return { kind, state, detail };
    if (sent === undefined) {
      ctx.addIssue({ code: 'custom', message: 'A confirmation needs its state', path: ['state'] });
      return z.NEVER;
    }
    return sent ? { kind, state: 'sent' as const, detail } : { kind, state: 'failed' as const, detail: legacyFailure(detail) };
  });

/** The reason alone: the old failures began with "Not sent: ", which the inbox now says itself. */
function legacyFailure(detail: string): string {
  return detail.startsWith('Not sent: ') ? detail.slice('Not sent: '.length) : detail;
}

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
  /** The STOP/START confirmation reply, and where it is. */
  ConfirmationActionSchema,
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
