import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import type { ValidationRule } from 'graphql';

// graphql ships CJS (index.js) and ESM (index.mjs). Mercurius require()s the CJS build;
// Vite (vitest) resolves an `import` to the ESM build, and graphql refuses schema objects
// from "another realm". Loading it with require() gives us the instance Mercurius uses, in
// Node and under vitest alike.
const { NoSchemaIntrospectionCustomRule } = createRequire(import.meta.url)(
  'graphql',
) as typeof GraphQL;

/** Deepest selection nesting accepted; the platform query needs 3. */
export const MAX_QUERY_DEPTH = 8;

export interface GraphLimits {
  readonly queryDepth: number;
  readonly validationRules: readonly ValidationRule[];
}

/**
 * Query limits per profile. In production the schema is not introspectable (`__schema`,
 * `__type`); `__typename` stays available because clients rely on it for caching.
 */
export function graphLimits(production: boolean, queryDepth = MAX_QUERY_DEPTH): GraphLimits {
  return {
    queryDepth,
    validationRules: production ? [NoSchemaIntrospectionCustomRule] : [],
  };
}
