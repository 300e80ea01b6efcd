import type { FastifyInstance } from 'fastify';
import type { IResolvers } from 'mercurius';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import { accountResolvers, accountTypeDefs } from './account.js';
import { DecimalScalar } from './decimal-scalar.js';
import { marketResolvers, marketTypeDefs } from './market.js';
import { platformResolvers, platformTypeDefs } from './platform.js';
import { subscriptionResolvers, subscriptionTypeDefs } from './subscriptions.js';
import { tradingResolvers, tradingTypeDefs } from './trading.js';

/** The whole graph: the platform's catalog, and the services' data on behalf of the caller. */
export const typeDefs = [
  platformTypeDefs,
  /* GraphQL */ `
    "An exact decimal number as a string, e.g. \\"187.25\\"."
    scalar Decimal
  `,
  accountTypeDefs,
  tradingTypeDefs,
  marketTypeDefs,
  subscriptionTypeDefs,
].join('\n');

type ResolverMap = Record<string, object>;

function merge(...parts: ResolverMap[]): IResolvers {
  const out: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    for (const [type, fields] of Object.entries(part)) {
      out[type] = { ...out[type], ...fields };
    }
  }
  return out as IResolvers;
}

export interface GraphDeps {
  readonly app: FastifyInstance;
  readonly upstream: UpstreamClient;
  readonly pollIntervalMs?: number;
}

export function graphResolvers({ app, upstream, pollIntervalMs }: GraphDeps): IResolvers {
  return {
    ...merge(
      platformResolvers,
      accountResolvers(upstream),
      tradingResolvers(upstream),
      marketResolvers(upstream),
      subscriptionResolvers(app, upstream, pollIntervalMs),
    ),
    Decimal: DecimalScalar,
  };
}
