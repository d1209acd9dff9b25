import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { Store } from '../store/store';

/** What every service is built from; app.ts wires one of each. */
export interface ServiceDeps {
  readonly store: Store;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly logger: Logger;
}
