/**
 * Test doubles for the transport tests (imported only by *.test.ts): handler objects that implement
 * just the methods a test needs, and a logger that remembers what it was told.
 */
import type { MethodOutput } from '../../../shared/contract';
import type { Logger } from '../logger';
import type { ApiHandlers } from '../services/api-handlers';

/** A handlers object with only some methods; calling a missing one throws like a real bug would. */
export function fakeHandlers(partial: Partial<ApiHandlers>): ApiHandlers {
  return partial as ApiHandlers;
}

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  details: Record<string, unknown> | undefined;
}

export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return {
    lines,
    info: (message, details) => lines.push({ level: 'info', message, details }),
    warn: (message, details) => lines.push({ level: 'warn', message, details }),
    error: (message, details) => lines.push({ level: 'error', message, details }),
  };
}

export function sampleSequence(overrides: Partial<MethodOutput<'sequences.create'>> = {}): MethodOutput<'sequences.create'> {
  return {
    id: 1,
    name: 'Welcome',
    description: '',
    active: true,
    messageCount: 0,
    enabledMessageCount: 0,
    channel: null,
    smsFallback: false,
    stopOnReply: false,
    subscriberCount: 0,
    activeSubscriberCount: 0,
    sentCount: 0,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

/**
 * Reads an event stream's body as text; the function it returns resolves once everything read so
 * far contains `needle` (and throws if the stream ends first).
 */
export function sseReader(body: ReadableStream<Uint8Array>): (needle: string) => Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let received = '';
  return async (needle) => {
    while (!received.includes(needle)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before ${JSON.stringify(needle)}`);
      received += value;
    }
  };
}
