import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

/**
 * The graphql instance Mercurius uses. graphql ships CJS (index.js) and ESM (index.mjs);
 * Mercurius require()s the CJS build, while Vite (vitest) resolves an `import` to the ESM
 * build, and graphql refuses schema objects and errors from "another realm". Loading it with
 * require() gives the same instance in Node and under vitest alike.
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;
