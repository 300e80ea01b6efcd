import { requireCaller } from '../caller.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { GraphContext } from './context.js';

/** The caller's own profile, from the user service (GET /api/v1/users/me). */
export const accountTypeDefs = /* GraphQL */ `
  extend type Query {
    "The authenticated user (needs an access token)."
    me: User!
  }

  enum KycStatus {
    pending
    under_review
    approved
    rejected
  }

  type User {
    id: ID!
    email: String!
    displayName: String
    roles: [String!]!
    country: String
    timezone: String
    kycStatus: KycStatus!
  }
`;

export function accountResolvers(upstream: UpstreamClient) {
  return {
    Query: {
      me: async (_root: unknown, _args: unknown, ctx: GraphContext) =>
        (
          await upstream.call('user', {
            path: '/api/v1/users/me',
            caller: requireCaller(ctx.caller),
          })
        ).body,
    },
  };
}
