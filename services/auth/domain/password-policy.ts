import { MAX_PASSWORD_BYTES } from './password-hash.js';

/** NIST SP 800-63B: at least 8 characters, no composition rules, long passphrases welcome. */
export const MIN_PASSWORD_LENGTH = 8;

export type PasswordProblem = 'too-short' | 'too-long' | 'same-as-email';

/** Problems with a new password (register, change); empty when acceptable. */
export function passwordProblems(password: string, email?: string): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const normalised = password.normalize('NFKC');
  // Count code points, not UTF-16 units, so an emoji counts as one character.
  if ([...normalised].length < MIN_PASSWORD_LENGTH) problems.push('too-short');
  if (Buffer.byteLength(normalised, 'utf8') > MAX_PASSWORD_BYTES) problems.push('too-long');
  if (email && normalised.trim().toLowerCase() === email.trim().toLowerCase())
    problems.push('same-as-email');
  return problems;
}
