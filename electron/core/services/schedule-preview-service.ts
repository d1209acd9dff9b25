import type { ParsedInput } from '../../../shared/contract';
import type { SchedulePreview } from '../../../shared/domain';
import { notFound } from '../errors';
import { planSchedule } from '../schedule/timing-rules';
import type { ServiceDeps } from './service-deps';
import type { SettingsService } from './settings-service';

/**
 * "If someone subscribes now": when each enabled message of a sequence would go out, assuming each
 * is sent exactly on time, reckoned in the business time zone (DESIGN.md §4 steps 1, 2, 4).
 */
export class SchedulePreviewService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: SettingsService,
  ) {}

  preview(input: ParsedInput<'sequences.previewSchedule'>): SchedulePreview {
    const { store, clock } = this.deps;
    if (!store.sequences.exists(input.id)) throw notFound('Sequence', input.id);
    const enabled = store.messages.listBySequence(input.id).filter((message) => message.enabled);
    const ctx = this.settings.scheduleContext();
    const subscribedAt = input.subscribedAt ?? clock.now();
    const plan = planSchedule(subscribedAt, enabled, ctx);
    return {
      timeZone: ctx.timeZone,
      subscribedAt,
      items: plan.map(({ message, dueAt }) => ({
        messageId: message.id,
        name: message.name,
        position: message.position,
        dueAt,
      })),
    };
  }
}
