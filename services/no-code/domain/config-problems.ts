import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';

/** Schema violations of a component's config, one per path, as JSON Pointer and message. */
export function configProblems(
  schema: TSchema,
  value: unknown,
): { path: string; message: string }[] {
  const byPath = new Map<string, string>();
  for (const e of Value.Errors(schema, value)) {
    const path = e.path === '' ? '/' : e.path;
    if (byPath.has(path)) continue;
    const members = (e.schema as { anyOf?: readonly { const?: unknown }[] }).anyOf;
    const custom = (e.schema as { errorMessage?: string }).errorMessage;
    byPath.set(
      path,
      e.type === ValueErrorType.ObjectRequiredProperty
        ? 'Expected required property'
        : custom !== undefined
          ? custom
          : members?.every((m) => m.const !== undefined)
            ? `Expected one of ${members.map((m) => JSON.stringify(m.const)).join(', ')}`
            : e.message,
    );
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}
