import { describe, expect, it } from 'vitest';
import { bytesToBase64 } from './base64';

function decode(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

describe('bytesToBase64', () => {
  it('encodes known values with correct padding', () => {
    expect(bytesToBase64(new TextEncoder().encode('Man'))).toBe('TWFu');
    expect(bytesToBase64(new TextEncoder().encode('Ma'))).toBe('TWE=');
    expect(bytesToBase64(new TextEncoder().encode('M'))).toBe('TQ==');
    expect(bytesToBase64(new Uint8Array())).toBe('');
  });

  it('round-trips a 16 MB file across chunk boundaries without overflowing the stack', () => {
    const bytes = new Uint8Array(16 * 1024 * 1024 + 1);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 31 + 7) % 256;
    const encoded = bytesToBase64(bytes);
    expect(encoded.length).toBe(Math.ceil(bytes.length / 3) * 4);
    const decoded = decode(encoded);
    expect(decoded.length).toBe(bytes.length);
    // Compare by hand: a deep equality on 16 MB makes the test runner's diffing run out of memory.
    const firstMismatch = decoded.findIndex((byte, i) => byte !== bytes[i]);
    expect(firstMismatch).toBe(-1);
  });
});
