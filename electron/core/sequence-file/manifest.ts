/**
 * The sequence file's `manifest.json`, version 1:
 *
 *   { "format": "sequence-automation.sequence", "version": 1, "exportedAt": "<ISO>", "appVersion": "0.1.0",
 *     "sequence": { name, description, active, channel, smsFallback, stopOnReply },
 *     "messages": [ { name, body, delayAmount, delayUnit, sendAt, enabled,
 *                     media: { file: "media/1.pdf", fileName: "brochure.pdf", sha256 } | null } ] }
 *
 * Messages are listed in their order. Each attachment is a file of the zip under `media/`, named
 * by its index (never by anything the owner typed), with its SHA-256 so a damaged file is caught.
 * The sequence and message fields are checked with the same zod rules as the API's create methods,
 * so an imported sequence is one the owner could have typed in.
 */
import { z } from 'zod';
import { contract } from '../../../shared/contract';

export const SEQUENCE_FILE_FORMAT = 'sequence-automation.sequence';
export const SEQUENCE_FILE_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
/** `media/<n>.<ext>`: the only other names a sequence file may hold. */
export const MEDIA_ENTRY_PATTERN = /^media\/\d{1,5}\.[a-z0-9]{1,8}$/;
/** More messages than any real sequence has; keeps a hostile manifest small. */
export const MESSAGES_MAX = 1000;

/** Just enough to tell "not ours" and "from a newer app" apart from "damaged". */
export const ManifestHeaderSchema = z.object({ format: z.string(), version: z.number() });

const MediaRefSchema = z.strictObject({
  file: z.string().regex(MEDIA_ENTRY_PATTERN, 'an attachment is named wrongly'),
  fileName: contract['media.add'].input.shape.fileName,
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'an attachment has no valid checksum'),
});

const SequenceFieldsSchema = contract['sequences.create'].input.extend({ active: z.boolean() });

const MessageEntrySchema = contract['messages.create'].input.omit({ sequenceId: true, mediaId: true }).extend({
  media: MediaRefSchema.nullable(),
});

export const ManifestSchema = z.strictObject({
  format: z.literal(SEQUENCE_FILE_FORMAT),
  version: z.literal(SEQUENCE_FILE_VERSION),
  exportedAt: z.iso.datetime(),
  appVersion: z.string().max(50),
  sequence: SequenceFieldsSchema,
  messages: z.array(MessageEntrySchema).max(MESSAGES_MAX, `A sequence file can hold at most ${MESSAGES_MAX} messages`),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestInput = z.input<typeof ManifestSchema>;
