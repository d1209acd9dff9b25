import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../core/transport/security-headers';

const indexHtml = fs.readFileSync(fileURLToPath(new URL('../../renderer/index.html', import.meta.url)), 'utf8');

function metaPolicy(html: string): string | undefined {
  const tag = /<meta\s[^>]*http-equiv="Content-Security-Policy"[^>]*>/i.exec(html)?.[0];
  return tag === undefined ? undefined : /content="([^"]*)"/.exec(tag)?.[1];
}

describe('renderer/index.html', () => {
  it('carries the renderer CSP itself, for pages loaded from file:// that get no header', () => {
    // frame-ancestors is ignored in a meta tag (browsers warn about it); the header sends it.
    const expected = CONTENT_SECURITY_POLICY.split('; ')
      .filter((directive) => !directive.startsWith('frame-ancestors'))
      .join('; ');
    expect(metaPolicy(indexHtml)).toBe(expected);
  });

  it('has no inline script the policy would block: only the module entry file', () => {
    const scripts = [...indexHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.map((match) => [/\bsrc="([^"]+)"/.exec(match[1] ?? '')?.[1], match[2]?.trim()])).toEqual([['./src/main.tsx', '']]);
    expect(indexHtml).not.toMatch(/\son[a-z]+="/i);
  });
});
