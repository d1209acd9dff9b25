/**
 * The renderer's one door to the core, and the only module that knows which transport is in use.
 *
 * - In Electron the preload exposes `window.api` (typed `AppApi`); we use it as is.
 * - Headless, the same contract is spoken over HTTP: `POST /api/<method>` with a JSON body and a
 *   bearer token, answers in the `{ ok, value | error }` envelope (also on 4xx), and push events
 *   arrive as Server-Sent Events from `/api/events`.
 *
 * Callers use `call()` (resolves with the value, throws `ApiCallError`) and `subscribe()`.
 */
import {
  events as eventSchemas,
  eventNames,
  tableNames,
  type ApiError,
  type ApiResult,
  type AppApi,
  type ErrorCode,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../shared/contract';
import { storedToken } from './session-token';

declare global {
  interface Window {
    api?: AppApi;
  }
}

/** `NETWORK`: the core could not be reached at all (server stopped, connection lost). */
export type ClientErrorCode = ErrorCode | 'NETWORK';

export class ApiCallError extends Error {
  readonly code: ClientErrorCode;
  readonly field: string | undefined;

  constructor(code: ClientErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
    this.field = field;
  }
}

const NETWORK_MESSAGE =
  'Cannot reach Sequence Automation. Check that the app (or the headless server) is still running, then try again.';

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string';
}

function isEnvelope(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (record.ok === true && 'value' in record) || (record.ok === false && isApiError(record.error));
}

// ---------------------------------------------------------------------------------------------
// HTTP transport (headless)
// ---------------------------------------------------------------------------------------------
type Listener = (payload: unknown) => void;

function createHttpApi(token: string): AppApi {
  const listeners = new Map<EventName, Set<Listener>>();
  let source: EventSource | null = null;
  let hasConnected = false;

  function dispatch(event: EventName, payload: unknown): void {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  }

  function ensureEventSource(): void {
    if (source) return;
    source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    for (const name of eventNames) {
      source.addEventListener(name, (message: MessageEvent<string>) => {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch (error) {
          console.warn(`Ignoring event ${name} with a body that is not JSON`, error);
          return;
        }
        const parsed = eventSchemas[name].safeParse(data);
        if (parsed.success) dispatch(name, parsed.data);
        else console.warn(`Ignoring malformed ${name} event`, parsed.error.issues);
      });
    }
    // EventSource reconnects by itself; whatever changed while we were cut off was missed, so a
    // reconnect counts as "everything changed" and every open view refreshes.
    source.addEventListener('open', () => {
      if (hasConnected) dispatch('data.changed', { tables: [...tableNames] });
      hasConnected = true;
    });
  }

  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<ApiResult<MethodOutput<M>>> {
      let response: Response;
      try {
        response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(input),
        });
      } catch (error) {
        console.warn(`${method}: request failed`, error);
        throw new ApiCallError('NETWORK', NETWORK_MESSAGE);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (error) {
        console.warn(`${method}: answer is not JSON (HTTP ${response.status})`, error);
        throw new ApiCallError(
          response.status >= 500 ? 'INTERNAL' : 'NETWORK',
          `The server gave an unexpected answer (HTTP ${response.status}). Please try again.`,
        );
      }
      if (!isEnvelope(body)) {
        throw new ApiCallError('INTERNAL', `The server gave an unexpected answer (HTTP ${response.status}). Please try again.`);
      }
      return body as ApiResult<MethodOutput<M>>;
    },

    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      ensureEventSource();
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const stored = listener as Listener;
      set.add(stored);
      return () => {
        set.delete(stored);
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Transport selection
// ---------------------------------------------------------------------------------------------
let transport: AppApi | null = null;
const authRejectedListeners = new Set<() => void>();

/** Called when the server refuses our token (headless server restarted with a new one). */
export function onAuthRejected(listener: () => void): () => void {
  authRejectedListeners.add(listener);
  return () => {
    authRejectedListeners.delete(listener);
  };
}

/** Which transport this window runs on; `needs-token` means headless without a token yet. */
export function connectionMode(): 'electron' | 'http' | 'needs-token' {
  if (window.api) return 'electron';
  return storedToken() === null ? 'needs-token' : 'http';
}

function getTransport(): AppApi {
  if (transport) return transport;
  if (window.api) {
    transport = window.api;
    return transport;
  }
  const token = storedToken();
  if (token === null) throw new ApiCallError('UNAUTHORIZED', 'Open the link printed by the server to use the app.');
  transport = createHttpApi(token);
  return transport;
}

/** Calls a contract method; resolves with its value or throws `ApiCallError`. */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const api = getTransport();
  let result: ApiResult<MethodOutput<M>>;
  try {
    result = await api.call(method, input);
  } catch (error) {
    if (error instanceof ApiCallError) throw error;
    console.warn(`${method}: transport failed`, error);
    throw new ApiCallError('NETWORK', NETWORK_MESSAGE);
  }
  if (result.ok) return result.value;
  if (result.error.code === 'UNAUTHORIZED' && api !== window.api) for (const listener of authRejectedListeners) listener();
  throw new ApiCallError(result.error.code, result.error.message, result.error.field);
}

/** Listens to a push event; returns the unsubscribe function. */
export function subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return getTransport().on(event, listener);
}

/** A message fit for a toast, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiCallError) return error.message;
  console.error(error);
  return 'Something went wrong. Please try again.';
}
