import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks a presented token against the server's without leaking, through timing, how much of it
 * matched: both are hashed to fixed-length digests first, so even their lengths are not compared
 * directly, and the digests are compared with `timingSafeEqual`.
 */
export function createTokenCheck(expected: string): (presented: string | undefined) => boolean {
  const expectedDigest = createHash('sha256').update(expected, 'utf8').digest();
  return (presented) => {
    if (presented === undefined || presented === '') return false;
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    return timingSafeEqual(digest, expectedDigest);
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined for any other shape. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}
