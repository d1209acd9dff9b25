/**
 * Bytes → base64 for `media.add`, safe for 16 MB files.
 *
 * `String.fromCharCode(...bytes)` on the whole file overflows the call stack, and one huge binary
 * string doubles the memory. Encoding in chunks whose length is a multiple of 3 lets each chunk's
 * base64 be concatenated as is (no padding in the middle).
 */
const CHUNK_BYTES = 3 * 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    const chunk = bytes.subarray(start, start + CHUNK_BYTES);
    let binary = '';
    for (let i = 0; i < chunk.length; i += 1) binary += String.fromCharCode(chunk[i] ?? 0);
    parts.push(btoa(binary));
  }
  return parts.join('');
}

/** Base64 → bytes (the other way round). */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
