import { AssertionError } from 'node:assert';
import { codeOf, headerOf, type HttpResult } from './http.js';

/*
 * Assertions that say what the platform answered: a failed e2e test is read by someone who
 * did not write it, so the message carries the status, the problem code and the body.
 */

const MAX_BODY = 400;

/** The answer in one line: status, code and (cut) body. */
export function describeAnswer(res: HttpResult): string {
  const body = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  const cut = body && body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}…` : body;
  return `${res.status}${cut ? ` ${cut}` : ''}`;
}

/** The answer's status must be `status` (or one of them). */
export function expectStatus(
  res: HttpResult,
  status: number | readonly number[],
  what: string,
): void {
  const wanted = typeof status === 'number' ? [status] : status;
  if (wanted.includes(res.status)) return;
  throw new AssertionError({
    message: `${what}: expected ${wanted.join(' or ')}, got ${describeAnswer(res)}`,
    actual: res.status,
    expected: status,
    operator: 'fail',
  });
}

/** A problem+json answer with this status and stable error code. */
export function expectProblem(res: HttpResult, status: number, code: string, what: string): void {
  expectStatus(res, status, what);
  const type = headerOf(res, 'content-type') ?? '';
  if (codeOf(res) !== code || !type.startsWith('application/problem+json')) {
    throw new AssertionError({
      message: `${what}: expected problem+json ${status} ${code}, got ${type || 'no content-type'} ${describeAnswer(res)}`,
      actual: codeOf(res),
      expected: code,
      operator: 'fail',
    });
  }
}

/** Narrows an answer's JSON body to an object (fails the test otherwise). */
export function bodyOf<T extends object = Record<string, unknown>>(
  res: HttpResult,
  what: string,
): T {
  if (typeof res.body !== 'object' || res.body === null) {
    throw new AssertionError({
      message: `${what}: expected a JSON body, got ${describeAnswer(res)}`,
    });
  }
  return res.body as T;
}
