/**
 * TEST SUPPORT — an HTTP proxy on 127.0.0.1 in front of the fake SMSGate server that passes each
 * request on at once but holds the answer back for a random few milliseconds. The gateway has
 * accepted the message while the app still waits for the answer: the window in which a crash
 * leaves a delivery `claimed` although the message went out, which start-up recovery must settle
 * without sending it twice. Counts what the gateway answered to message POSTs. Not app code.
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  readonly baseUrl: string;
  /** Answers to POST …/messages by status (202 = accepted as new, 409 = same id seen before). */
  readonly postAnswers: Map<number, number>;
  close(): Promise<void>;
}

export async function startSlowProxy(targetBaseUrl: string, delayMs: () => number): Promise<SlowProxy> {
  const target = new URL(targetBaseUrl);
  const postAnswers = new Map<number, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: `${target.pathname.replace(/\/$/, '')}${req.url ?? ''}`, headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const status = answer.statusCode ?? 502;
            if (req.method === 'POST' && (req.url ?? '').endsWith('/messages')) postAnswers.set(status, (postAnswers.get(status) ?? 0) + 1);
            // The app may have been killed meanwhile: its socket is gone, and that is fine.
            setTimeout(() => {
              if (res.destroyed) return;
              res.writeHead(status, answer.headers);
              res.end(Buffer.concat(body));
            }, delayMs());
          });
        },
      );
      upstream.on('error', (error) => {
        if (!res.destroyed) {
          res.writeHead(502, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: error.message }));
        }
      });
      upstream.end(Buffer.concat(chunks));
    });
    res.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    postAnswers,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
