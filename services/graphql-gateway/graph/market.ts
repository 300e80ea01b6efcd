import { requireCaller } from '../caller.js';
import { graphFailure } from '../errors.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { GraphContext } from './context.js';

/** Symbols per `quotes` field; the broker takes at most 1000 characters of them. */
export const MAX_QUOTE_SYMBOLS = 50;
const SYMBOL = /^[A-Za-z0-9.-]{1,20}$/;

/** Market data from the broker's simulator (GET /api/v1/market/quotes). */
export const marketTypeDefs = /* GraphQL */ `
  extend type Query {
    "Current quotes, in the order asked (needs an access token)."
    quotes(symbols: [String!]!): [Quote!]!
  }

  type Quote {
    symbol: String!
    time: String!
    bid: Decimal!
    ask: Decimal!
    last: Decimal!
    bidSize: Decimal!
    askSize: Decimal!
    currency: String!
  }
`;

export function marketResolvers(upstream: UpstreamClient) {
  return {
    Query: {
      quotes: async (_root: unknown, args: { symbols: string[] }, ctx: GraphContext) => {
        const caller = requireCaller(ctx.caller);
        const { symbols } = args;
        if (symbols.length < 1 || symbols.length > MAX_QUOTE_SYMBOLS) {
          throw graphFailure('ALP_GRAPHQL_ARGUMENT_INVALID', [
            'symbols',
            `give 1 to ${MAX_QUOTE_SYMBOLS} symbols`,
          ]);
        }
        const bad = symbols.find((s) => !SYMBOL.test(s));
        if (bad !== undefined) {
          throw graphFailure('ALP_GRAPHQL_ARGUMENT_INVALID', [
            'symbols',
            `${JSON.stringify(bad.slice(0, 40))} is not a symbol`,
          ]);
        }
        const query = encodeURIComponent(symbols.join(','));
        const res = await upstream.call<{ quotes: { symbol: string }[] }>('broker', {
          path: `/api/v1/market/quotes?symbols=${query}`,
          caller,
        });
        // The broker answers each distinct symbol once; the client gets what it asked, in order.
        const bySymbol = new Map(res.body.quotes.map((q) => [q.symbol, q]));
        return symbols.map((s) => bySymbol.get(s));
      },
    },
  };
}
