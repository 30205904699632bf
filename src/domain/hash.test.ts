import { describe, expect, it } from 'vitest';
import { sha256Hex, utf8Bytes } from './hash.js';

describe('sha256Hex', () => {
  it('is SHA-256 of the UTF-8 bytes, lowercase hex (FIPS 180-2 test vector "abc")', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
    const text = 'ünïcödé 😀';
    expect(sha256Hex(text)).toBe(sha256Hex(Buffer.from(text, 'utf8')));
    expect(utf8Bytes(text)).toBe(Buffer.from(text, 'utf8').length);
  });
});
