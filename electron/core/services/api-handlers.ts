import type { MethodName, MethodOutput, ParsedInput } from '../../../shared/contract';

/**
 * One function per contract method. Inputs arrive already parsed by the transport (defaults
 * filled, strings trimmed); outputs are the contract's output types. Throw `AppError` for
 * expected failures.
 */
export type ApiHandlers = {
  [M in MethodName]: (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};
