import { CONTENT_SECURITY_POLICY } from '../core/transport/security-headers';

/**
 * Response headers with our Content-Security-Policy in force, for
 * `session.webRequest.onHeadersReceived`. Any CSP the response already carried (in any letter
 * case) is replaced, so nothing loaded can relax it. The same policy is sent by the headless server.
 */
const replaced = new Set(['content-security-policy', 'x-content-type-options']);

export function withContentSecurityPolicy(
  headers: Record<string, string[]> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!replaced.has(name.toLowerCase())) result[name] = value;
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  result['X-Content-Type-Options'] = ['nosniff'];
  return result;
}
