import { catalog, services, type ServiceSpec } from '../../catalog.js';

/** The first real part of the graph: the platform's own service graph, from the catalog. */
export const platformTypeDefs = /* GraphQL */ `
  type Query {
    "The platform itself: its services and how they depend on each other."
    platform: Platform!
  }

  type Platform {
    "Every service, in catalog order."
    services: [Service!]!
  }

  type Service {
    name: String!
    summary: String!
    "Default listen port on the local target (every port shifts with --port-base)."
    port: Int!
    "Names of the services this one calls synchronously."
    dependsOn: [String!]!
    "The same dependencies as services (lets a client walk the graph)."
    dependencies: [Service!]!
  }
`;

export const platformResolvers = {
  Query: {
    platform: () => ({}),
  },
  Platform: {
    services: (): readonly ServiceSpec[] => services,
  },
  Service: {
    dependsOn: (s: ServiceSpec) => s.dependsOn,
    dependencies: (s: ServiceSpec): ServiceSpec[] => s.dependsOn.map((name) => catalog[name]),
  },
};
