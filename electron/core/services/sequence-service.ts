/**
 * Sequence use cases: list, open, create, rename/pause, duplicate, delete. Each write is one
 * transaction and announces the tables it touched after it commits. The list carries subscriber
 * counts (all subscriptions, and active ones); deleting a sequence deletes its subscriptions.
 */
import { LIMITS, type ParsedInput } from '../../../shared/contract';
import type { SequenceDetail, SequenceSummary } from '../../../shared/domain';
import { AppError, notFound } from '../errors';
import type { ServiceDeps } from './service-deps';

export class SequenceService {
  constructor(private readonly deps: ServiceDeps) {}

  list(): SequenceSummary[] {
    return this.deps.store.sequences.list();
  }

  get(id: number): SequenceDetail {
    const { sequences, messages } = this.deps.store;
    const sequence = sequences.findById(id);
    if (sequence === undefined) throw notFound('Sequence', id);
    return { sequence, messages: messages.listBySequence(id) };
  }

  create(input: ParsedInput<'sequences.create'>): SequenceSummary {
    const { store, clock, events } = this.deps;
    const created = store.write(() => {
      this.assertNameFree(input.name);
      const id = store.sequences.insert(
        { name: input.name, description: input.description, active: true, channel: input.channel, smsFallback: input.smsFallback, stopOnReply: input.stopOnReply },
        clock.now(),
      );
      return this.summary(id);
    });
    events.dataChanged('sequences');
    return created;
  }

  update(input: ParsedInput<'sequences.update'>): SequenceSummary {
    const { store, clock, events } = this.deps;
    const updated = store.write(() => {
      const current = store.sequences.findById(input.id);
      if (current === undefined) throw notFound('Sequence', input.id);
      const name = input.name ?? current.name;
      this.assertNameFree(name, input.id);
      store.sequences.update(
        input.id,
        {
          name,
          description: input.description ?? current.description,
          active: input.active ?? current.active,
          channel: input.channel === undefined ? current.channel : input.channel,
          ...(input.smsFallback === undefined ? {} : { smsFallback: input.smsFallback }),
          ...(input.stopOnReply === undefined ? {} : { stopOnReply: input.stopOnReply }),
        },
        clock.now(),
      );
      return this.summary(input.id);
    });
    events.dataChanged('sequences');
    return updated;
  }

  /**
   * A copy with every message (order, delays, exact times, enabled flags, media), no subscribers
   * and sent counts back at 0, named "<name> (copy)", "(copy 2)", … — the first name not taken.
   */
  duplicate(id: number): SequenceSummary {
    const { store, clock, events } = this.deps;
    const copy = store.write(() => {
      const source = store.sequences.findById(id);
      if (source === undefined) throw notFound('Sequence', id);
      const now = clock.now();
      const copyId = store.sequences.insert(
        {
          name: this.freeCopyName(source.name),
          description: source.description,
          active: source.active,
          channel: source.channel,
          smsFallback: source.smsFallback,
          stopOnReply: source.stopOnReply,
        },
        now,
      );
      store.messages.copyAll(id, copyId, now);
      return this.summary(copyId);
    });
    events.dataChanged('sequences', 'messages');
    return copy;
  }

  delete(id: number): { id: number } {
    const { store, events } = this.deps;
    store.write(() => {
      if (!store.sequences.delete(id)) throw notFound('Sequence', id);
    });
    events.dataChanged('sequences', 'messages', 'subscriptions', 'deliveries');
    return { id };
  }

  private summary(id: number): SequenceSummary {
    const summary = this.deps.store.sequences.findById(id);
    if (summary === undefined) throw new Error(`Sequence ${id} vanished inside its own transaction.`);
    return summary;
  }

  private assertNameFree(name: string, exceptId?: number): void {
    const holder = this.deps.store.sequences.findIdByName(name);
    if (holder !== undefined && holder !== exceptId) {
      throw new AppError('CONFLICT', `A sequence called “${name}” already exists. Choose another name.`, 'name');
    }
  }

  private freeCopyName(name: string): string {
    for (let n = 1; ; n++) {
      const candidate = copyName(name, n);
      if (this.deps.store.sequences.findIdByName(candidate) === undefined) return candidate;
    }
  }
}

/** "<name> (copy)" for n = 1, "<name> (copy n)" after; the base is shortened to stay within the name limit. */
export function copyName(name: string, n: number): string {
  const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
  return truncate(name, LIMITS.sequenceNameMax - suffix.length).trimEnd() + suffix;
}

/** At most `max` UTF-16 units (the unit the name limit counts in), never splitting a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
