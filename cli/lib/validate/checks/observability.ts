import type { CheckEntry } from '../checks.js';

/* Observability (V030-V031): Prometheus and Grafana configuration, none of which exists yet. */

export const observability: CheckEntry[] = [
  {
    id: 'V030',
    phase: 'S',
    title:
      'Prometheus scrapes every service; ≥ 15 alert rules parse and reference exported metrics',
    missing:
      'no monitoring configuration exists yet (manifests/monitoring is not rendered): no scrape config and no alert rules',
  },
  {
    id: 'V031',
    phase: 'S',
    title:
      'Grafana dashboards per service and for the SLOs; every panel queries an exported metric',
    missing: 'no Grafana dashboards exist yet (manifests/monitoring is not rendered)',
  },
];
