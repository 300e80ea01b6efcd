import type { FastifyPluginAsync } from 'fastify';
import mercurius from 'mercurius';
import { callerOf, optionalAuthentication } from '../caller.js';
import type { GraphContext } from '../graph/context.js';
import { graphql } from '../graph/graphql-runtime.js';
import { graphLimits, type GraphLimits } from '../graph/limits.js';
import { graphResolvers, typeDefs } from '../graph/schema.js';
import { upstreamClient } from '../upstream/upstream-client.js';

export interface GraphqlRouteOptions {
  readonly production: boolean;
  /** Overrides the depth limit (tests use a small one). */
  readonly queryDepth?: number;
  /** Overrides how often subscriptions poll trading (tests use a short one). */
  readonly pollIntervalMs?: number;
}

/**
 * `POST /graphql` and `GET /graphql` (queries) and WebSocket subscriptions on `GET /graphql`
 * (graphql-transport-ws, and the legacy graphql-ws) through Mercurius with JIT compilation of
 * hot queries. Responses follow GraphQL over HTTP (`{data, errors}`), not problem+json.
 * No GraphiQL: an IDE is a development tool and is not shipped by a service.
 *
 * The caller's access token is verified here (an invalid one is a 401) and the same token
 * goes to every service a field reads, so each service scopes the data to that user itself.
 */
export const graphqlRoute: FastifyPluginAsync<GraphqlRouteOptions> = async (app, opts) => {
  const limits: GraphLimits = graphLimits(opts.production, opts.queryDepth);
  const upstream = upstreamClient(app.services);

  await app.register(mercurius, {
    schema: typeDefs,
    resolvers: graphResolvers({
      app,
      upstream,
      ...(opts.pollIntervalMs !== undefined && { pollIntervalMs: opts.pollIntervalMs }),
    }),
    path: '/graphql',
    graphiql: false,
    jit: 1,
    allowBatchedQueries: false,
    queryDepth: limits.queryDepth,
    validationRules: [...limits.validationRules],
    context: (request): GraphContext => ({ caller: callerOf(request) }),
    additionalRouteOptions: { preValidation: optionalAuthentication(app) },
    subscription: { keepAlive: 30_000 },
  });

  // Mercurius checks a subscription's depth but runs no validation on it: the same rules as
  // for queries apply (the spec's, the selection limits, no introspection in prod).
  const rules = [...graphql.specifiedRules, ...limits.validationRules];
  app.graphql.addHook('preSubscriptionExecution', async (schema, document) => {
    const [first] = graphql.validate(schema, document, rules);
    if (first) {
      // graphql-transport-ws carries one error per refused subscription: the first one found.
      throw new graphql.GraphQLError(first.message, {
        nodes: first.nodes ?? null,
        extensions: { code: first.extensions.code ?? 'ALP_GRAPHQL_OPERATION_INVALID' },
      });
    }
  });
};
