import type { FastifyPluginAsync } from 'fastify';
import mercurius from 'mercurius';
import { graphLimits, type GraphLimits } from '../graph/limits.js';
import { platformResolvers, platformTypeDefs } from '../graph/platform.js';

export interface GraphqlRouteOptions {
  readonly production: boolean;
  /** Overrides the depth limit (tests use a small one). */
  readonly queryDepth?: number;
}

/**
 * `POST /graphql` and `GET /graphql` (queries only) through Mercurius with JIT compilation
 * of hot queries. Responses follow GraphQL over HTTP (`{data, errors}`), not problem+json.
 * No GraphiQL: an IDE is a development tool and is not shipped by a service.
 */
export const graphqlRoute: FastifyPluginAsync<GraphqlRouteOptions> = async (app, opts) => {
  const limits: GraphLimits = graphLimits(opts.production, opts.queryDepth);
  await app.register(mercurius, {
    schema: platformTypeDefs,
    resolvers: platformResolvers,
    path: '/graphql',
    graphiql: false,
    jit: 1,
    allowBatchedQueries: false,
    queryDepth: limits.queryDepth,
    validationRules: [...limits.validationRules],
  });
};
