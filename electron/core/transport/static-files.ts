/**
 * Serves the built renderer (dist/renderer) to the headless UI. Only files under the static root
 * are reachable: the request path is decoded, resolved against the root and refused unless the
 * result stays inside it, so `..`, encoded `%2e%2e` and absolute paths cannot escape. Directories
 * and anything missing are 404; `/` is index.html.
 */
import { createReadStream, promises as fs } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from '../logger';
import { BASE_SECURITY_HEADERS, HTML_SECURITY_HEADERS } from './security-headers';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
};

export function contentTypeFor(filePath: string): string {
  return contentTypes[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside `root`, or undefined when the path is malformed or escapes it.
 * `root` must be absolute.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined; // malformed %-escape: not a file we have
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const resolved = path.resolve(root, relative);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  return resolved.startsWith(rootWithSep) ? resolved : undefined;
}

export type StaticOutcome = 'served' | 'not-found';

/** Streams the file for `urlPath`; answers nothing when it is not there (the caller sends 404). */
export async function serveStatic(
  root: string,
  urlPath: string,
  headOnly: boolean,
  res: ServerResponse,
  logger: Logger,
): Promise<StaticOutcome> {
  const filePath = resolveStaticPath(path.resolve(root), urlPath);
  if (filePath === undefined) return 'not-found';

  let size: number;
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) return 'not-found';
    size = stat.size;
  } catch {
    return 'not-found'; // missing or unreadable: the same answer either way
  }

  const type = contentTypeFor(filePath);
  const isHtml = type.startsWith('text/html');
  // Vite puts content-hashed bundles under assets/: they never change under the same name.
  const immutable = urlPath.startsWith('/assets/');
  res.writeHead(200, {
    ...(isHtml ? HTML_SECURITY_HEADERS : BASE_SECURITY_HEADERS),
    'Content-Type': type,
    'Content-Length': String(size),
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (headOnly) {
    res.end();
    return 'served';
  }

  await new Promise<void>((resolve) => {
    const stream = createReadStream(filePath);
    stream.on('error', (error) => {
      logger.warn('Could not read a static file', { file: filePath, error: error.message });
      res.destroy();
      resolve();
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
  return 'served';
}
