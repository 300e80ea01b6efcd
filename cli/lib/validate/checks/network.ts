import { expectNoProblems, manifestCheck, type CheckEntry } from '../checks.js';
import {
  defaultDenyProblems,
  exposureProblems,
  meshResilienceProblems,
  meshSecurityProblems,
  policySimulationProblems,
} from '../manifest-rules.js';
import { servicePathLiterals } from './contract.js';

/*
 * Network and mesh (V025-V029): the NetworkPolicies and Istio objects rendered from the
 * catalog's edges, read and simulated statically (the local target cannot enforce them).
 */

export const network: CheckEntry[] = [
  manifestCheck(
    'V025',
    'default-deny ingress and egress in every namespace, every pod covered',
    defaultDenyProblems,
  ),
  manifestCheck(
    'V026',
    'policy simulation: every edge the catalog requires is allowed (DNS, istiod, Prometheus included), undeclared edges denied',
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
      'mTLS STRICT, AuthorizationPolicies from the catalog edges, RequestAuthentication at the JWKS path auth really serves',
    async run(ctx) {
      const objects = await ctx.manifests();
      const authServes = (await servicePathLiterals('auth')) ?? [];
      expectNoProblems(meshSecurityProblems(objects, authServes), 'mesh security');
      ctx.note(
        `auth serves ${authServes.filter((p) => p.includes('jwks')).join(', ') || 'no JWKS path'}`,
      );
    },
  },
  manifestCheck(
    'V029',
    'mesh outbound resilience: outlier detection, timeouts and retry limits on calls to risk and broker',
    meshResilienceProblems,
  ),
];
