/**
 * Message use cases inside one sequence. Positions stay 1..n without gaps through every create,
 * delete and reorder; each use case is one transaction, so a failure leaves the order as it was.
 * A message edit also marks its sequence as updated (the list shows counts that just changed), and
 * recomputes the next message and due time of the sequence's active and paused subscribers in the
 * same transaction (subscription-progress.ts): nobody receives a message twice because of an edit.
 */
import { LIMITS, type DelayUnit, type ParsedInput } from '../../../shared/contract';
import type { Message } from '../../../shared/domain';
import { notFound, validation } from '../errors';
import type { MessageFields } from '../store/message-repository';
import type { ServiceDeps } from './service-deps';
import type { SettingsService } from './settings-service';
import { recomputeForSequence } from './subscription-progress';

const MINUTES_PER_UNIT: Record<DelayUnit, number> = { minutes: 1, hours: 60, days: 24 * 60 };

export class MessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: SettingsService,
  ) {}

  create(input: ParsedInput<'messages.create'>): Message {
    const { store, clock } = this.deps;
    const { sequenceId, enabled, ...fields } = input;
    const message = store.write(() => {
      if (!store.sequences.exists(sequenceId)) throw notFound('Sequence', sequenceId);
      this.assertValidFields(fields);
      const now = clock.now();
      const id = store.messages.append(sequenceId, fields, enabled, now);
      store.sequences.touch(sequenceId, now);
      return { result: this.message(id), recomputed: this.recompute(sequenceId, now) };
    });
    this.announce(message.recomputed);
    return message.result;
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
      // Only the timing decides who gets what when: a new text or name changes nobody's schedule.
      const timingChanged =
        fields.delayAmount !== current.delayAmount || fields.delayUnit !== current.delayUnit || fields.sendAt !== current.sendAt;
      return { result: this.message(input.id), recomputed: timingChanged ? this.recompute(current.sequenceId, now) : 0 };
    });
    this.announce(message.recomputed);
    return message.result;
  }

  delete(id: number): { id: number } {
    const { store, clock } = this.deps;
    const outcome = store.write(() => {
      const { sequenceId, position } = this.existing(id);
      const now = clock.now();
      // Before the delete: whoever reached this message keeps their place (its successor is next).
      // Those are also the ones with a delivery of it, which goes with it.
      const reached = store.subscriptions.shiftForDeletedMessage(sequenceId, position);
      store.messages.delete(id);
      store.messages.renumber(sequenceId, store.messages.idsBySequence(sequenceId));
      store.sequences.touch(sequenceId, now);
      return { reached, recomputed: this.recompute(sequenceId, now) };
    });
    if (outcome.reached > 0) this.deps.events.dataChanged('messages', 'sequences', 'subscriptions', 'deliveries');
    else this.announce(outcome.recomputed);
    return { id };
  }

  /** `orderedIds` must name every message of the sequence exactly once. */
  reorder(input: ParsedInput<'messages.reorder'>): Message[] {
    const { store, clock } = this.deps;
    const { sequenceId, orderedIds } = input;
    const messages = store.write(() => {
      if (!store.sequences.exists(sequenceId)) throw notFound('Sequence', sequenceId);
      const current = store.messages.idsBySequence(sequenceId);
      if (!isPermutation(orderedIds, current)) {
        throw validation(
          'The list of messages has changed since it was shown. Reload the sequence and try again.',
          'orderedIds',
        );
      }
      const now = clock.now();
      store.messages.renumber(sequenceId, orderedIds);
      store.sequences.touch(sequenceId, now);
      return { result: store.messages.listBySequence(sequenceId), recomputed: this.recompute(sequenceId, now) };
    });
    this.announce(messages.recomputed);
    return messages.result;
  }

  /** A disabled message keeps its place and is skipped when sending. */
  setEnabled(input: ParsedInput<'messages.setEnabled'>): Message {
    const { store, clock } = this.deps;
    const message = store.write(() => {
      const { sequenceId } = this.existing(input.id);
      const now = clock.now();
      store.messages.setEnabled(input.id, input.enabled, now);
      store.sequences.touch(sequenceId, now);
      return { result: this.message(input.id), recomputed: this.recompute(sequenceId, now) };
    });
    this.announce(message.recomputed);
    return message.result;
  }

  /** Brings the sequence's live subscriptions in line with its messages; how many changed. */
  private recompute(sequenceId: number, now: number): number {
    return recomputeForSequence(this.deps.store, sequenceId, { ...this.settings.scheduleContext(), now });
  }

  private announce(recomputed: number): void {
    if (recomputed > 0) this.deps.events.dataChanged('messages', 'sequences', 'subscriptions');
    else this.deps.events.dataChanged('messages', 'sequences');
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
