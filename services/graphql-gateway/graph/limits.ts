import type {
  FragmentDefinitionNode,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { graphErrors, type GraphErrorCode } from '../errors.js';
import { graphql } from './graphql-runtime.js';

/** Deepest selection nesting accepted; the platform query needs 3. */
export const MAX_QUERY_DEPTH = 8;
/** Aliases per operation: each aliased service field is one more call to a service. */
export const MAX_ALIASES = 10;
/** Fields per operation, fragments expanded where they are spread. */
export const MAX_FIELDS = 300;

export interface GraphLimits {
  readonly queryDepth: number;
  readonly validationRules: readonly ValidationRule[];
}

interface Count {
  fields: number;
  aliases: number;
}

/** Counts fields and aliases, expanding each fragment where it is spread; stops past `cap`. */
function countSelections(
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  count: Count,
  cap: number,
  path: ReadonlySet<string> = new Set(),
): void {
  for (const sel of set.selections) {
    if (count.fields > cap) return;
    if (sel.kind === graphql.Kind.FIELD) {
      count.fields++;
      if (sel.alias) count.aliases++;
      if (sel.selectionSet) countSelections(sel.selectionSet, fragments, count, cap, path);
    } else if (sel.kind === graphql.Kind.INLINE_FRAGMENT) {
      countSelections(sel.selectionSet, fragments, count, cap, path);
    } else {
      const name = sel.name.value;
      const fragment = fragments.get(name);
      // A cycle is reported by the spec's own NoFragmentCycles rule.
      if (!fragment || path.has(name)) continue;
      countSelections(fragment.selectionSet, fragments, count, cap, new Set([...path, name]));
    }
  }
}

function report(context: ValidationContext, code: GraphErrorCode, args: unknown[]): void {
  const { message } = new graphErrors[code](...args);
  context.reportError(new graphql.GraphQLError(message, { extensions: { code } }));
}

/** Refuses operations with more than `maxAliases` aliases or `maxFields` fields. */
export function selectionLimitRule(maxAliases: number, maxFields: number): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === graphql.Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    return {
      OperationDefinition(node) {
        const count: Count = { fields: 0, aliases: 0 };
        countSelections(node.selectionSet, fragments, count, maxFields);
        if (count.fields > maxFields) {
          report(context, 'ALP_GRAPHQL_TOO_MANY_FIELDS', [`more than ${maxFields}`, maxFields]);
        } else if (count.aliases > maxAliases) {
          report(context, 'ALP_GRAPHQL_TOO_MANY_ALIASES', [count.aliases, maxAliases]);
        }
        return false;
      },
    };
  };
}

/**
 * Query limits per profile. In production the schema is not introspectable (`__schema`,
 * `__type`); `__typename` stays available because clients rely on it for caching.
 */
export function graphLimits(production: boolean, queryDepth = MAX_QUERY_DEPTH): GraphLimits {
  return {
    queryDepth,
    validationRules: [
      selectionLimitRule(MAX_ALIASES, MAX_FIELDS),
      ...(production ? [graphql.NoSchemaIntrospectionCustomRule] : []),
    ],
  };
}
