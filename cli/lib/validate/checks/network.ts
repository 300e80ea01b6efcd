import type { CheckEntry } from '../checks.js';
import { NO_MANIFESTS } from './contract.js';

/*
 * Network and mesh (V025-V029): NetworkPolicies and Istio objects derived from the catalog's
 * edges. None is rendered yet, and the local target cannot enforce them.
 */

const NO_MESH = `${NO_MANIFESTS}: no NetworkPolicies`;
const NO_ISTIO = `${NO_MANIFESTS}, and no Istio configuration exists`;

export const network: CheckEntry[] = [
  {
    id: 'V025',
    phase: 'S',
    title: 'default-deny ingress and egress in every namespace, every pod covered',
    missing: `${NO_MESH} (default-deny or otherwise)`,
  },
  {
    id: 'V026',
    phase: 'S',
    title: 'policy simulation: every edge the catalog requires is allowed, undeclared edges denied',
    missing: `${NO_MESH} to simulate the catalog's edges against`,
  },
  {
    id: 'V027',
    phase: 'S',
    title: 'only the gateway is exposed outside the cluster; Postgres and Redis never are',
    missing: `${NO_MANIFESTS}: no Services, Ingresses or LoadBalancers`,
  },
  {
    id: 'V028',
    phase: 'S',
    title:
      'mTLS STRICT, AuthorizationPolicies from the catalog edges, RequestAuthentication at the real JWKS path',
    missing: `${NO_ISTIO}: no PeerAuthentication, AuthorizationPolicy or RequestAuthentication`,
  },
  {
    id: 'V029',
    phase: 'S',
    title:
      'mesh outbound resilience: outlier detection, timeouts and retry limits on calls to risk and broker',
    missing: `${NO_ISTIO}: no DestinationRules or VirtualServices`,
  },
];
