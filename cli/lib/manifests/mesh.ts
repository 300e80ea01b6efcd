import { callersOf, catalog, services, type ServiceName } from '../../../services/catalog.js';
import { JWT_AUDIENCE, JWT_ISSUER } from '../runtime/local/env.js';
import type { KubeObject } from './kube.js';
import { LABEL_NAME, LABEL_PART_OF, NAMESPACE } from './names.js';

/*
 * Istio for the platform's namespace: mutual TLS required for every pod, one ALLOW policy per
 * service naming exactly the callers the catalog gives it (by their ServiceAccounts), the
 * gateway's JWT check against the JWKS auth serves, and outbound resilience on the order
 * path's calls to risk and broker (outlier detection, a timeout, bounded retries).
 */

/** Where auth serves its JWKS (services/auth registers this route). */
export const JWKS_PATH = '/.well-known/jwks.json';
/** The order path's synchronous hops that get outlier detection, timeouts and retry limits. */
export const RESILIENT_UPSTREAMS: readonly ServiceName[] = ['risk', 'broker'];

const meta = (name: string) => ({
  name,
  namespace: NAMESPACE,
  labels: { [LABEL_PART_OF]: 'alphintra' },
});
const principal = (account: string) => `cluster.local/ns/${NAMESPACE}/sa/${account}`;
const selector = (s: string) => ({ matchLabels: { [LABEL_NAME]: s } });

function authorizationPolicy(name: ServiceName): KubeObject {
  const port = String(catalog[name].port);
  const rules: object[] =
    name === 'gateway'
      ? // The edge: anyone may call it; the JWT check is RequestAuthentication's and its own.
        [{ to: [{ operation: { ports: [port] } }] }]
      : [
          {
            from: [{ source: { principals: callersOf(name).map(principal) } }],
            to: [{ operation: { ports: [port] } }],
          },
        ];
  // Prometheus scrapes /metrics from the monitoring namespace.
  rules.push({
    from: [{ source: { namespaces: ['monitoring'] } }],
    to: [{ operation: { ports: [port], paths: ['/metrics'], methods: ['GET'] } }],
  });
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: meta(name),
    spec: { selector: selector(name), action: 'ALLOW', rules },
  };
}

function resilience(name: ServiceName): KubeObject[] {
  const host = `${name}.${NAMESPACE}.svc.cluster.local`;
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: meta(name),
      spec: {
        host,
        trafficPolicy: {
          connectionPool: { http: { http2MaxRequests: 1000, maxRequestsPerConnection: 0 } },
          outlierDetection: {
            consecutive5xxErrors: 5,
            interval: '10s',
            baseEjectionTime: '30s',
            maxEjectionPercent: 50,
          },
        },
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: meta(name),
      spec: {
        hosts: [host],
        http: [
          {
            route: [{ destination: { host, port: { number: catalog[name].port } } }],
            timeout: '5s',
            // Only failures before a request reached the service: a retried order is still
            // deduplicated by its key, but a retry storm is not.
            retries: {
              attempts: 2,
              perTryTimeout: '2s',
              retryOn: 'connect-failure,refused-stream,unavailable',
            },
          },
        ],
      },
    },
  ];
}

/** manifests/mesh: what Istio enforces in the namespace. */
export function meshObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: meta('default'),
      spec: { mtls: { mode: 'STRICT' } },
    },
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: meta('gateway'),
      spec: {
        selector: selector('gateway'),
        jwtRules: [
          {
            issuer: JWT_ISSUER,
            audiences: [JWT_AUDIENCE],
            jwksUri: `http://auth.${NAMESPACE}.svc.cluster.local:${catalog.auth.port}${JWKS_PATH}`,
            forwardOriginalToken: true,
          },
        ],
      },
    },
    ...services.map((s) => authorizationPolicy(s.name)),
    ...RESILIENT_UPSTREAMS.flatMap(resilience),
  ];
}
