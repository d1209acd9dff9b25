/**
 * Binds the contract to Electron's `ipcMain` without importing Electron: the shell passes in
 * `ipcMain` (anything with `handle`/`removeHandler`), the check that an event came from our own
 * window, and a `send` that pushes an event to that window.
 *
 * One channel, not one per method. DESIGN.md §2 sketches a handler per method; we register a
 * single `IPC.call` handler instead because every method needs exactly the same steps (sender
 * check → zod parse → handler → envelope) and the method name is itself checked against the
 * contract by the dispatcher, so per-method channels would add registrations without adding a
 * check. The channel stays strict: the sender is verified before anything else is looked at, the
 * method must be a string naming a contract method, and exactly one input argument is accepted.
 */
import type { ApiResult, EventName } from '../../../shared/contract';
import { IPC } from '../../../shared/contract';
import type { EventBus } from '../events';
import type { Dispatch } from './dispatch';

/** The part of Electron's `ipcMain` we use; `ipcMain` itself satisfies it. */
export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface BindIpcOptions<E> {
  ipcMain: IpcMainLike<E>;
  /** True only for frames showing our own renderer (Electron: `event.senderFrame`). */
  isTrustedSender: (event: E) => boolean;
  dispatch: Dispatch;
  events: EventBus;
  /** Push one event to the app window (Electron: `webContents.send(IPC.event, event, payload)`). */
  send: (event: EventName, payload: unknown) => void;
}

const untrusted: ApiResult<never> = {
  ok: false,
  error: { code: 'UNAUTHORIZED', message: 'This window is not allowed to use the app API.' },
};

const badCall: ApiResult<never> = {
  ok: false,
  error: { code: 'VALIDATION', message: 'An API call needs a method name and one input object.' },
};

/** Registers the IPC handler and event forwarding; returns a function that undoes both. */
export function bindIpc<E>(options: BindIpcOptions<E>): () => void {
  const { ipcMain, isTrustedSender, dispatch, events, send } = options;

  ipcMain.handle(IPC.call, async (event: E, ...args: unknown[]): Promise<ApiResult<unknown>> => {
    if (!isTrustedSender(event)) return untrusted;
    const [method, input] = args;
    if (typeof method !== 'string' || args.length > 2) return badCall;
    const { result } = await dispatch(method, input);
    return result;
  });

  const stopForwarding = events.onAny((name, payload) => send(name, payload));

  let bound = true;
  return () => {
    if (!bound) return;
    bound = false;
    stopForwarding();
    ipcMain.removeHandler(IPC.call);
  };
}
