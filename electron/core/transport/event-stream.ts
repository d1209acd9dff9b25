/**
 * Server-Sent Events for the headless UI: every event on the bus goes to every open stream as
 * `event: <name>\ndata: <json>\n\n`. A comment line every 25 s keeps proxies and idle timers from
 * closing a quiet stream. Each stream drops its bus listener and timer when the client leaves, and
 * a client that stops reading is cut off rather than buffered without bound.
 */
import type { ServerResponse } from 'node:http';
import type { EventBus } from '../events';
import { BASE_SECURITY_HEADERS } from './security-headers';

export const HEARTBEAT_MS = 25_000;
/** A stream this far behind is a client that is not reading; it reconnects if it ever wakes. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

export interface EventStreams {
  open(res: ServerResponse): void;
  /** Ends every open stream (server shutdown). */
  closeAll(): void;
  readonly size: number;
}

export function createEventStreams(events: EventBus, heartbeatMs = HEARTBEAT_MS): EventStreams {
  const open = new Set<ServerResponse>();

  return {
    get size() {
      return open.size;
    },

    open(res) {
      res.writeHead(200, {
        ...BASE_SECURITY_HEADERS,
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      // Sent at once so the client (and tests) know the stream is live before any event.
      res.write('retry: 2000\n: connected\n\n');
      open.add(res);

      const write = (chunk: string): void => {
        if (res.writableLength > MAX_BUFFERED_BYTES) {
          res.destroy();
          return;
        }
        res.write(chunk);
      };
      const stopListening = events.onAny((name, payload) => {
        write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
      });
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);

      const cleanUp = (): void => {
        clearInterval(heartbeat);
        stopListening();
        open.delete(res);
      };
      // 'close' on the response fires both when we end it and when the client disconnects.
      res.once('close', cleanUp);
    },

    closeAll() {
      for (const res of open) res.end();
      open.clear();
    },
  };
}
