import { pathToFileURL } from 'node:url';

/** The part of Electron's WebFrameMain the check reads. */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

/** The part of an IPC event the check reads (`IpcMainInvokeEvent` satisfies it). */
export interface IpcSenderLike {
  readonly senderFrame: SenderFrameLike | null;
}

function comparablePath(url: URL, caseInsensitive: boolean): string | undefined {
  let pathname: string;
  try {
    // Chromium and Node may percent-encode the same path differently; compare decoded paths.
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return undefined; // a malformed escape is not our page
  }
  return caseInsensitive ? pathname.toLowerCase() : pathname;
}

/**
 * Whether `url` shows our own renderer: the file:// URL of index.html, with any hash or query
 * (the renderer routes with the hash). Anything else — another file, http(s), data:, about:blank —
 * is not ours.
 */
export function isOwnPage(url: string, indexFile: string, platform: NodeJS.Platform = process.platform): boolean {
  return ownPageCheck(indexFile, platform)(url);
}

/** `isOwnPage` for one index file, with the expected path worked out once. */
function ownPageCheck(indexFile: string, platform: NodeJS.Platform): (url: string) => boolean {
  // Windows paths are case-insensitive; elsewhere two spellings are two files.
  const caseInsensitive = platform === 'win32';
  const expected = comparablePath(pathToFileURL(indexFile), caseInsensitive);
  return (url) => {
    if (expected === undefined) return false;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
    return comparablePath(parsed, caseInsensitive) === expected;
  };
}

/**
 * The IPC sender check (after VS Code's validated ipcMain): only the top frame of a window showing
 * our own index.html may call the API. A frame that navigated away or was destroyed has no
 * `senderFrame` and is refused; so is any subframe, whatever it loaded.
 */
export function createTrustedSenderCheck(
  indexFile: string,
  platform: NodeJS.Platform = process.platform,
): (event: IpcSenderLike) => boolean {
  const isOurs = ownPageCheck(indexFile, platform);
  return (event) => {
    const frame = event.senderFrame;
    if (frame === null || frame.parent !== null) return false;
    return isOurs(frame.url);
  };
}
