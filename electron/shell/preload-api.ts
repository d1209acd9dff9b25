/**
 * What the preload exposes as `window.api`, built over a minimal slice of `ipcRenderer` so it can be
 * tested without Electron. Exactly two functions cross the context bridge — `call` and `on` — each
 * bound to one fixed channel; `ipcRenderer` itself never does (Electron's context-isolation guide),
 * so the page cannot send on arbitrary channels or listen to anything but our events.
 */
// Types only from the contract: the sandboxed preload bundle must stay small (no zod, no schemas).
import type {
  ApiResult,
  AppApi,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../shared/contract';
import { IPC } from '../../shared/ipc-channels';

/** The part of Electron's `ipcRenderer` the preload uses. */
export interface IpcRendererLike<E> {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: E, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: E, ...args: unknown[]) => void): unknown;
}

export function createPreloadApi<E>(ipc: IpcRendererLike<E>): AppApi {
  return {
    call<M extends MethodName>(method: M, input: MethodInput<M>) {
      // The main process answers with the contract's envelope (see core/transport/ipc.ts).
      return ipc.invoke(IPC.call, method, input) as Promise<ApiResult<MethodOutput<M>>>;
    },
    on<N extends EventName>(event: N, listener: (payload: EventPayload<N>) => void) {
      const forward = (_event: E, name: unknown, payload: unknown): void => {
        // Events come from our main process, which emits them typed by the contract's event map.
        if (name === event) listener(payload as EventPayload<N>);
      };
      ipc.on(IPC.event, forward);
      return () => {
        ipc.removeListener(IPC.event, forward);
      };
    },
  };
}
