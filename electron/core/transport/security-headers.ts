/**
 * The Content-Security-Policy of the renderer, shared by both shells so the UI runs under the same
 * rules in Electron (set on every response by the session) and in headless mode (sent with the
 * built files). The renderer loads only its own bundle, talks only to its own origin, shows media
 * from data:/blob: URLs it made itself, and may not be framed.
 *
 * 'unsafe-inline' is allowed for styles only: React's `style` attributes need it, and styles cannot
 * run code. Scripts are 'self' only, with no inline script and no eval.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every response of the headless server carries. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Headers for HTML documents: the base set plus the CSP and a framing ban for old browsers. */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...BASE_SECURITY_HEADERS,
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
};
