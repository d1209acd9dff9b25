/** Where the core reports what happened. The shells pass their own; tests pass a silent one. */
export interface Logger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  info: (message, details) => console.log(message, details ?? ''),
  warn: (message, details) => console.warn(message, details ?? ''),
  error: (message, details) => console.error(message, details ?? ''),
};

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Every event to each of `loggers` (e.g. the log file and the console). */
export function combineLoggers(...loggers: Logger[]): Logger {
  return {
    info: (message, details) => loggers.forEach((logger) => logger.info(message, details)),
    warn: (message, details) => loggers.forEach((logger) => logger.warn(message, details)),
    error: (message, details) => loggers.forEach((logger) => logger.error(message, details)),
  };
}
