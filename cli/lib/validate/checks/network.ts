import { manifestCheck, type CheckEntry } from '../checks.js';
import {
  defaultDenyProblems,
  exposureProblems,
  policySimulationProblems,
} from '../manifest-rules.js';

/*
 * Network and mesh (V025-V029): the NetworkPolicies rendered from the catalog's edges, read
 * and simulated statically (the local target cannot enforce them). No Istio configuration is
 * rendered yet.
 */

const NO_ISTIO = 'no Istio configuration is rendered yet (manifests/mesh does not exist)';

export const network: CheckEntry[] = [
  manifestCheck(
    'V025',
    'default-deny ingress and egress in every namespace, every pod covered',
    defaultDenyProblems,
  ),
  manifestCheck(
    'V026',
    'policy simulation: every edge the catalog requires is allowed, undeclared edges denied (no mesh: sidecar to istiod not simulated)',
    policySimulationProblems,
  ),
  manifestCheck(
    'V027',
    'only the gateway is exposed outside the cluster; Postgres and Redis never are',
    exposureProblems,
  ),
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
