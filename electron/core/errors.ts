import type { ApiError, ErrorCode } from '../../shared/contract';

/**
 * An error a shop owner may see. Services throw these for expected failures (unknown id, name
 * taken, file too large); the transports turn them into `{ ok: false, error }`. Anything else that
 * escapes a handler is a bug: it is logged and answered as INTERNAL without details.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = field;
  }

  toApiError(): ApiError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

export const notFound = (what: string, id: number): AppError =>
  new AppError('NOT_FOUND', `${what} ${id} does not exist (it may have been deleted).`);

export const validation = (message: string, field?: string): AppError =>
  new AppError('VALIDATION', message, field);

/** An error's message (or, for something thrown that is not an Error, its text): for people and one-line logs. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error's stack trace, else its message (or its text): for a technician's log. */
export function errorStack(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
