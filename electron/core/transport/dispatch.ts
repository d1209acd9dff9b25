/**
 * The one place where a request from outside meets the core: both transports (IPC and HTTP) hand
 * a method name and an untrusted input to the dispatcher and send back what it answers.
 *
 * What it guarantees, so the transports can stay thin:
 * - the input is parsed with the contract's zod schema before any handler runs;
 * - every failure is a value `{ ok: false, error }` with a stable code and an HTTP-style status;
 * - the handler's output is checked against the contract too (a mismatch is our bug, not the
 *   caller's), and only the parsed output leaves the process, so a handler cannot leak extra fields;
 * - errors that are not `AppError` are logged with the method name and answered with a generic
 *   message: stack traces, SQL and paths never reach the caller;
 * - it never throws and never rejects.
 */
import type { z } from 'zod';
import {
  contract,
  isMethodName,
  type ApiError,
  type ApiResult,
  type ErrorCode,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
} from '../../../shared/contract';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { ApiHandlers } from '../services/api-handlers';

export interface DispatchResponse {
  /** HTTP-style status; the IPC transport ignores it, the HTTP transport sends it. */
  status: number;
  result: ApiResult<unknown>;
}

export type Dispatch = (method: string, rawInput: unknown) => Promise<DispatchResponse>;

export const statusByCode: Readonly<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  CHANNEL_DOWN: 503,
  INTERNAL: 500,
};

export const INTERNAL_MESSAGE = 'Something went wrong. Please try again.';

export function failure(error: ApiError): DispatchResponse {
  return { status: statusByCode[error.code], result: { ok: false, error } };
}

export function failureOf(code: ErrorCode, message: string, field?: string): DispatchResponse {
  return failure(field === undefined ? { code, message } : { code, message, field });
}

/** The first zod issue, phrased for the owner, with the dotted path of the field at fault. */
export function validationFailure(error: z.ZodError): DispatchResponse {
  const issue = error.issues[0];
  if (!issue) return failureOf('VALIDATION', 'The request is not valid.');
  const path = issue.path.map((part) => String(part)).join('.');
  return failureOf('VALIDATION', issue.message, path === '' ? undefined : path);
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { error: error.message, stack: error.stack };
  return { error: String(error) };
}

async function run<M extends MethodName>(
  handlers: ApiHandlers,
  logger: Logger,
  method: M,
  rawInput: unknown,
): Promise<DispatchResponse> {
  const spec = contract[method];
  const parsedInput = spec.input.safeParse(rawInput);
  if (!parsedInput.success) return validationFailure(parsedInput.error);

  let output: MethodOutput<M>;
  try {
    const handler: ApiHandlers[M] = handlers[method];
    // zod cannot tie the parsed data to the generic M; the schema it came from is contract[M].input.
    output = await handler(parsedInput.data as ParsedInput<M>);
  } catch (error) {
    if (error instanceof AppError) return failure(error.toApiError());
    logger.error(`API method ${method} failed`, { method, ...describe(error) });
    return failureOf('INTERNAL', INTERNAL_MESSAGE);
  }

  const checked = spec.output.safeParse(output);
  if (!checked.success) {
    logger.error(`API method ${method} returned a value that does not match the contract`, {
      method,
      issues: checked.error.issues.slice(0, 5).map((issue) => ({
        path: issue.path.map((part) => String(part)).join('.'),
        message: issue.message,
      })),
    });
    return failureOf('INTERNAL', INTERNAL_MESSAGE);
  }
  return { status: 200, result: { ok: true, value: checked.data } };
}

export function createDispatcher(handlers: ApiHandlers, logger: Logger): Dispatch {
  return async (method, rawInput) => {
    if (!isMethodName(method)) return failureOf('NOT_FOUND', 'Unknown API method');
    try {
      return await run(handlers, logger, method, rawInput);
    } catch (error) {
      // Only reachable through a defect such as a throwing schema refinement; still never throw.
      logger.error(`API method ${method} failed outside its handler`, { method, ...describe(error) });
      return failureOf('INTERNAL', INTERNAL_MESSAGE);
    }
  };
}
