import { describe, expect, test } from 'vitest';
import { createPasswordHasher, MAX_PASSWORD_BYTES, OWASP_SCRYPT } from './password-hash.js';

// Cheap parameters keep most tests fast; one test runs the OWASP parameters for real.
const fast = createPasswordHasher({ params: { ln: 10, r: 8, p: 1 } });

describe('password hashing (scrypt)', () => {
  test('OWASP parameters: stored string carries them, and the password verifies', async () => {
    const hasher = createPasswordHasher();
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(OWASP_SCRYPT).toEqual({ ln: 17, r: 8, p: 1 });
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
    [
      'hostile memory cost',
      '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ],
  ])('a malformed stored hash (%s) fails without throwing', async (_n, stored) => {
    expect(await fast.verify('x', stored)).toBe(false);
  });

  test('verification reads the parameters from the stored string', async () => {
    const stored = await createPasswordHasher({ params: { ln: 11, r: 4, p: 2 } }).hash('pw');
    expect(stored.startsWith('$scrypt$ln=11,r=4,p=2$')).toBe(true);
    expect(await fast.verify('pw', stored)).toBe(true);
    expect(fast.needsRehash(stored)).toBe(true);
    expect(fast.needsRehash(await fast.hash('pw'))).toBe(false);
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
