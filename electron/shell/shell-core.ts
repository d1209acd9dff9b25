/**
 * The core as the desktop shell sees it (`ShellCore`), bound to a CoreApp — or to anything shaped
 * like one whose engine may be replaced while it runs (a host that restarts the core to restore a
 * backup: pass `engine` as a getter of the current one). Reads and the
 * pause/resume go through the dispatcher — the same path as the window's calls, so inputs are
 * parsed and outputs checked against the contract — and a failure becomes an Error with the
 * owner-readable message.
 *
 * `settleSends` waits until no channel is sending (the engine's `waitForIdle`): with pacing the
 * queue stops after each message, so this is the send in flight; in a burst without pacing it is
 * the burst, which the quit sequence's time limit cuts short.
 */
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { DeliveryEngine } from '../core/engine/delivery-engine';
import type { EventBus } from '../core/events';
import type { Dispatch } from '../core/transport/dispatch';
import type { ShellCore } from './desktop-shell';

/** What of the core the shell holds: CoreApp has it all; a restarting host has it too. */
export interface ShellCoreSource {
  readonly events: EventBus;
  close(): void;
  readonly closed: Promise<void>;
}

export function shellCoreFor(
  core: ShellCoreSource,
  dispatch: Dispatch,
  engine: () => Pick<DeliveryEngine, 'resumedFromSleep' | 'waitForIdle'>,
): ShellCore {
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const { result } = await dispatch(method, input);
    if (!result.ok) throw new Error(result.error.message);
    // The dispatcher has checked the value against contract[method].output.
    return result.value as MethodOutput<M>;
  };
  return {
    engineStatus: () => call('engine.status', {}),
    pauseAll: () => call('engine.pauseAll', {}),
    resumeAll: () => call('engine.resumeAll', {}),
    channels: () => call('channels.list', {}),
    recentDeliveries: async (limit) => (await call('deliveries.list', { limit })).rows,
    on: (event, listener) => core.events.on(event, listener),
    resumedFromSleep: () => engine().resumedFromSleep(),
    settleSends: () => engine().waitForIdle(),
    close: () => core.close(),
    get closed() {
      return core.closed;
    },
  };
}
