/**
 * The headless server's access token.
 *
 * The server prints `http://127.0.0.1:5170/#token=…`. The fragment never reaches the server (so it
 * stays out of logs), but it is also where our hash routes live. So, before the router looks at the
 * hash, `takeTokenFromUrl` lifts the token out, keeps it in sessionStorage (it survives reloads of
 * this tab and nothing more), and rewrites the URL without it so it is not left on screen or in
 * the history.
 */
const STORAGE_KEY = 'seqa.token';

/** The token inside a location hash such as `#token=abc` or `#/settings&token=abc`, if any. */
export function tokenFromHash(hash: string): string | null {
  const match = /(?:^#?|[#&?/])token=([^&#]+)/.exec(hash);
  if (!match?.[1]) return null;
  try {
    const token = decodeURIComponent(match[1]).trim();
    return token === '' ? null : token;
  } catch {
    // A malformed %-escape: the link was mangled, treat it as "no token" so the user sees how to get one.
    return null;
  }
}

/** The hash with the token parameter removed; a bare `#token=…` becomes the empty string. */
export function hashWithoutToken(hash: string): string {
  const stripped = hash.replace(/([#&?/]|^#?)token=[^&#]*&?/, '$1').replace(/[&?]$/, '');
  return stripped === '#' ? '' : stripped;
}

export function takeTokenFromUrl(): void {
  const token = tokenFromHash(window.location.hash);
  if (token === null) return;
  window.sessionStorage.setItem(STORAGE_KEY, token);
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}${hashWithoutToken(window.location.hash)}`);
}

export function storedToken(): string | null {
  return window.sessionStorage.getItem(STORAGE_KEY);
}

export function forgetToken(): void {
  window.sessionStorage.removeItem(STORAGE_KEY);
}
