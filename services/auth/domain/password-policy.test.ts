import { describe, expect, test } from 'vitest';
import { passwordProblems } from './password-policy.js';

describe('password policy', () => {
  test.each([
    ['correct horse', undefined, []],
    ['1234567', undefined, ['too-short']],
    ['12345678', undefined, []],
    ['🔑🔑🔑🔑🔑🔑🔑', undefined, ['too-short']],
    ['a'.repeat(1025), undefined, ['too-long']],
    ['Alice@Example.com', 'alice@example.com', ['same-as-email']],
  ])('%j → %j', (pw, email, problems) => {
    expect(passwordProblems(pw, email)).toEqual(problems);
  });
});
