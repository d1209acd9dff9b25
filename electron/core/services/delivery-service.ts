/**
 * The activity log: every delivery, newest activity first, with filters; and the owner's answer
 * for a delivery whose outcome is unknown (the engine does the work: it owns the send path).
 */
import type { ParsedInput } from '../../../shared/contract';
import type { Delivery } from '../../../shared/domain';
import type { DeliveryEngine } from '../engine/delivery-engine';
import type { ServiceDeps } from './service-deps';

export class DeliveryService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly engine: DeliveryEngine,
  ) {}

  list(input: ParsedInput<'deliveries.list'>): { rows: Delivery[]; total: number } {
    return this.deps.store.deliveries.list(input);
  }

  resolve(input: ParsedInput<'deliveries.resolve'>): Delivery {
    return this.engine.resolve(input.id, input.action);
  }
}
