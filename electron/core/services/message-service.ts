/**
 * Message use cases inside one sequence. Positions stay 1..n without gaps through every create,
 * delete and reorder; each use case is one transaction, so a failure leaves the order as it was.
 * A message edit also marks its sequence as updated (the list shows counts that just changed).
 */
import { LIMITS, type DelayUnit, type ParsedInput } from '../../../shared/contract';
import type { Message } from '../../../shared/domain';
import { notFound, validation } from '../errors';
import type { MessageFields } from '../store/message-repository';
import type { ServiceDeps } from './service-deps';

const MINUTES_PER_UNIT: Record<DelayUnit, number> = { minutes: 1, hours: 60, days: 24 * 60 };

export class MessageService {
  constructor(private readonly deps: ServiceDeps) {}

  create(input: ParsedInput<'messages.create'>): Message {
    const { store, clock } = this.deps;
    const { sequenceId, enabled, ...fields } = input;
    const message = store.write(() => {
      if (store.sequences.findById(sequenceId) === undefined) throw notFound('Sequence', sequenceId);
      this.assertValidFields(fields);
      const now = clock.now();
      const id = store.messages.append(sequenceId, fields, enabled, now);
      store.sequences.touch(sequenceId, now);
      return this.message(id);
    });
    this.announce();
    return message;
  }

  /** Changes only the fields given. */
  update(input: ParsedInput<'messages.update'>): Message {
    const { store, clock } = this.deps;
    const message = store.write(() => {
      const current = this.existing(input.id);
      const fields: MessageFields = {
        name: input.name ?? current.name,
        body: input.body ?? current.body,
        mediaId: input.mediaId === undefined ? (current.media?.id ?? null) : input.mediaId,
        delayAmount: input.delayAmount ?? current.delayAmount,
        delayUnit: input.delayUnit ?? current.delayUnit,
        sendAt: input.sendAt === undefined ? current.sendAt : input.sendAt,
      };
      this.assertValidFields(fields);
      const now = clock.now();
      store.messages.update(input.id, fields, now);
      store.sequences.touch(current.sequenceId, now);
      return this.message(input.id);
    });
    this.announce();
    return message;
  }

  delete(id: number): { id: number } {
    const { store, clock } = this.deps;
    store.write(() => {
      const { sequenceId } = this.existing(id);
      store.messages.delete(id);
      store.messages.renumber(sequenceId, store.messages.idsBySequence(sequenceId));
      store.sequences.touch(sequenceId, clock.now());
    });
    this.announce();
    return { id };
  }

  /** `orderedIds` must name every message of the sequence exactly once. */
  reorder(input: ParsedInput<'messages.reorder'>): Message[] {
    const { store, clock } = this.deps;
    const { sequenceId, orderedIds } = input;
    const messages = store.write(() => {
      if (store.sequences.findById(sequenceId) === undefined) throw notFound('Sequence', sequenceId);
      const current = store.messages.idsBySequence(sequenceId);
      if (!isPermutation(orderedIds, current)) {
        throw validation(
          'The list of messages has changed since it was shown. Reload the sequence and try again.',
          'orderedIds',
        );
      }
      store.messages.renumber(sequenceId, orderedIds);
      store.sequences.touch(sequenceId, clock.now());
      return store.messages.listBySequence(sequenceId);
    });
    this.announce();
    return messages;
  }

  /** A disabled message keeps its place and is skipped when sending. */
  setEnabled(input: ParsedInput<'messages.setEnabled'>): Message {
    const { store, clock } = this.deps;
    const message = store.write(() => {
      const { sequenceId } = this.existing(input.id);
      const now = clock.now();
      store.messages.setEnabled(input.id, input.enabled, now);
      store.sequences.touch(sequenceId, now);
      return this.message(input.id);
    });
    this.announce();
    return message;
  }

  private announce(): void {
    this.deps.events.dataChanged('messages', 'sequences');
  }

  private existing(id: number): Message {
    const message = this.deps.store.messages.findById(id);
    if (message === undefined) throw notFound('Message', id);
    return message;
  }

  private message(id: number): Message {
    const message = this.deps.store.messages.findById(id);
    if (message === undefined) throw new Error(`Message ${id} vanished inside its own transaction.`);
    return message;
  }

  /** What the contract's schemas cannot check on their own. */
  private assertValidFields(fields: MessageFields): void {
    if (fields.delayAmount * MINUTES_PER_UNIT[fields.delayUnit] > LIMITS.delayMinutesMax) {
      throw validation('Delay can be at most 365 days', 'delayAmount');
    }
    if (fields.mediaId !== null && this.deps.store.media.findById(fields.mediaId) === undefined) {
      throw validation('The attached file is no longer available. Attach it again.', 'mediaId');
    }
  }
}

function isPermutation(candidate: readonly number[], ids: readonly number[]): boolean {
  if (candidate.length !== ids.length) return false;
  const remaining = new Set(ids);
  for (const id of candidate) {
    if (!remaining.delete(id)) return false;
  }
  return true;
}
