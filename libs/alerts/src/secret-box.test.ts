import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AesGcmSecretCipher, parseSecretKey } from './secret-box.js';

describe('AesGcmSecretCipher', () => {
  const key = randomBytes(32);
  const cipher = new AesGcmSecretCipher(key);
  const url = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';

  it('opens what it sealed; the sealed text holds no trace of the secret and differs each time', () => {
    const a = cipher.seal(url, 'p:d1');
    const b = cipher.seal(url, 'p:d1');
    expect(cipher.open(a, 'p:d1')).toBe(url);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hooks.slack.com');
    expect(Buffer.from(a.slice(3), 'base64').toString('latin1')).not.toContain('XXXXXXXX');
  });

  it('refuses another context, another key and an altered value', () => {
    const sealed = cipher.seal(url, 'p:d1');
    expect(() => cipher.open(sealed, 'p:d2')).toThrow();
    expect(() => new AesGcmSecretCipher(randomBytes(32)).open(sealed, 'p:d1')).toThrow();
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => cipher.open(`v1:${bytes.toString('base64')}`, 'p:d1')).toThrow();
  });

  it('takes a key as 64 hex digits or base64 of 32 bytes, nothing shorter', () => {
    expect(parseSecretKey(key.toString('hex'))).toEqual(key);
    expect(parseSecretKey(key.toString('base64'))).toEqual(key);
    expect(() => parseSecretKey('short')).toThrow(/32 bytes/);
  });
});
