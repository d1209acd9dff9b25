import { describe, expect, it } from 'vitest';
import { hashWithoutToken, tokenFromHash } from './session-token';

describe('tokenFromHash', () => {
  it('reads the token the headless server prints', () => {
    expect(tokenFromHash('#token=abc123')).toBe('abc123');
  });

  it('reads a token that follows a route', () => {
    expect(tokenFromHash('#/settings&token=xyz')).toBe('xyz');
  });

  it('decodes %-escapes', () => {
    expect(tokenFromHash('#token=a%2Bb')).toBe('a+b');
  });

  it('finds nothing in a plain route or an empty token', () => {
    expect(tokenFromHash('#/sequences/4')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });

  it('treats a mangled escape as no token', () => {
    expect(tokenFromHash('#token=%E0%A4%A')).toBeNull();
  });
});

describe('hashWithoutToken', () => {
  it('drops a bare token hash entirely', () => {
    expect(hashWithoutToken('#token=abc')).toBe('');
  });

  it('keeps the route around the token', () => {
    expect(hashWithoutToken('#/settings&token=abc')).toBe('#/settings');
    expect(hashWithoutToken('#/settings&token=abc&x=1')).toBe('#/settings&x=1');
  });
});
