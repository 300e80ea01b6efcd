import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';

/** One thing wrong with a set of parameters: where (JSON Pointer) and what. */
export interface ParameterProblem {
  readonly path: string;
  readonly message: string;
}

/** Schema option naming the message shown when a value does not match (TypeBox's own is too terse). */
export interface WithErrorMessage {
  readonly errorMessage?: string;
}

function messageFor(schema: TSchema & WithErrorMessage, fallback: string): string {
  if (schema.errorMessage) return schema.errorMessage;
  const members = (schema as { anyOf?: readonly { const?: unknown }[] }).anyOf;
  if (members?.every((m) => m.const !== undefined)) {
    return `Expected one of ${members.map((m) => JSON.stringify(m.const)).join(', ')}`;
  }
  return fallback;
}

/**
 * Every schema violation of `value`, one per path (the first is the most specific), in
 * path order so that the same input always lists the same problems in the same order.
 */
export function schemaProblems(schema: TSchema, value: unknown): ParameterProblem[] {
  const byPath = new Map<string, ParameterProblem>();
  for (const e of Value.Errors(schema, value)) {
    const path = e.path === '' ? '/' : e.path;
    // A missing property reports the property's schema; its custom message would mislead.
    const message =
      e.type === ValueErrorType.ObjectRequiredProperty
        ? 'Expected required property'
        : messageFor(e.schema, e.message);
    if (!byPath.has(path)) byPath.set(path, { path, message });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
