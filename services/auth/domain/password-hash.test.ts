import { scryptSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { createPasswordHasher, MAX_PASSWORD_BYTES, OWASP_ARGON2ID } from './password-hash.js';

// Cheap parameters keep most tests fast; one test runs the OWASP parameters for real.
const fast = createPasswordHasher({ params: { m: 64, t: 1, p: 1 } });

/** A hash as versions before the nineteenth session stored it (scrypt, base64url). */
function legacyScrypt(password: string, ln = 10): string {
  const salt = Buffer.from('legacy-salt-0001');
  const key = scryptSync(password, salt, 32, { N: 2 ** ln, r: 8, p: 1 });
  return `$scrypt$ln=${ln},r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

describe('password hashing (argon2id)', () => {
  test('OWASP parameters: stored string carries them, and the password verifies', async () => {
    const hasher = createPasswordHasher();
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(hasher.needsRehash(stored)).toBe(false);
    expect(OWASP_ARGON2ID).toEqual({ m: 19456, t: 2, p: 1 });
  });

  test('a standard PHC string made by another implementation verifies (hash-wasm)', async () => {
    const stored =
      '$argon2id$v=19$m=64,t=1,p=1$YWxwaGludHJhLXNhbHQtMQ$Am0muDhHIjtoWBY/0U+B/AWNpT+BUWIe6xiaqe/sTg8';
    expect(await fast.verify('correct horse battery staple', stored)).toBe(true);
    expect(await fast.verify('correct horse battery stapler', stored)).toBe(false);
  });

  test('a wrong password fails', async () => {
    const stored = await fast.hash('s3cret-password');
    expect(await fast.verify('s3cret-passwore', stored)).toBe(false);
  });

  test('two hashes of one password differ (random salt)', async () => {
    expect(await fast.hash('same')).not.toBe(await fast.hash('same'));
  });

  test('an unknown user (undefined hash) is checked against a dummy and fails', async () => {
    expect(await fast.verify('anything', undefined)).toBe(false);
  });

  test.each([
    ['garbage', 'not-a-hash'],
    ['bcrypt', '$2b$12$abcdefghijklmnopqrstuuJ4t7eMz4kJz1eQ8d3Bq0x0w6a7b8c9d'],
    ['argon2i', '$argon2i$v=19$m=64,t=1,p=1$YWxwaGludHJhLXNhbHQtMQ$' + 'A'.repeat(43)],
    [
      'hostile argon2 memory cost (4 GiB)',
      '$argon2id$v=19$m=4194304,t=2,p=1$YWxwaGludHJhLXNhbHQtMQ$' + 'A'.repeat(43),
    ],
    [
      'hostile argon2 time cost',
      '$argon2id$v=19$m=64,t=99,p=1$YWxwaGludHJhLXNhbHQtMQ$' + 'A'.repeat(43),
    ],
    [
      'hostile scrypt memory cost',
      '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
  ])('a malformed or out-of-bounds stored hash (%s) fails without throwing', async (_n, stored) => {
    expect(await fast.verify('x', stored)).toBe(false);
    expect(fast.needsRehash(stored)).toBe(true);
  });

  test('verification reads the parameters from the stored string', async () => {
    const stored = await createPasswordHasher({ params: { m: 128, t: 2, p: 2 } }).hash('pw');
    expect(stored.startsWith('$argon2id$v=19$m=128,t=2,p=2$')).toBe(true);
    expect(await fast.verify('pw', stored)).toBe(true);
    expect(fast.needsRehash(stored)).toBe(true);
    expect(fast.needsRehash(await fast.hash('pw'))).toBe(false);
  });

  test('a scrypt hash stored by an earlier version still verifies, and asks for a rehash', async () => {
    const stored = legacyScrypt('older password');
    expect(await fast.verify('older password', stored)).toBe(true);
    expect(await fast.verify('older passwore', stored)).toBe(false);
    expect(fast.needsRehash(stored)).toBe(true);
  });

  test('parameters outside the bounds are refused when the hasher is made', () => {
    expect(() => createPasswordHasher({ params: { m: 4, t: 1, p: 1 } })).toThrow(RangeError);
  });

  test('NFKC normalisation: composed and decomposed forms match', async () => {
    const stored = await fast.hash('caf\u00e9');
    expect(await fast.verify('cafe\u0301', stored)).toBe(true);
  });

  test('length cap: hashing refuses, verifying fails', async () => {
    const long = 'a'.repeat(MAX_PASSWORD_BYTES + 1);
    await expect(fast.hash(long)).rejects.toMatchObject({ code: 'ALP_AUTH_PASSWORD_TOO_LONG' });
    const stored = await fast.hash('a'.repeat(MAX_PASSWORD_BYTES));
    expect(await fast.verify('a'.repeat(MAX_PASSWORD_BYTES), stored)).toBe(true);
    expect(await fast.verify(long, stored)).toBe(false);
  });
});
