import { services, usesBus, type ServiceSpec } from '../../../services/catalog.js';
import type { KubeObject } from './kube.js';
import { LABEL_NAME, LABEL_PART_OF, NAMESPACE } from './names.js';

/*
 * Monitoring for a cluster that runs the Prometheus Operator and Grafana's dashboard sidecar
 * (kube-prometheus-stack): a ServiceMonitor scraping every service's /metrics, a PrometheusRule
 * with the platform's alerts, and one dashboard ConfigMap per service plus one for the SLOs.
 * Every expression reads families the services export (platform kit, gateway, auth, the event
 * bus); validate V030 and V031 check that against the code.
 */

/** The label the operator's ruleSelector and serviceMonitorSelector select the platform's objects by. */
export const PROMETHEUS_SELECTOR = { 'alphintra.dev/prometheus': 'platform' } as const;
/** The label Grafana's sidecar loads dashboard ConfigMaps by. */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

const meta = (name: string, labels: Record<string, string>) => ({
  name,
  namespace: NAMESPACE,
  labels: { [LABEL_PART_OF]: 'alphintra', ...labels },
});

const svc = (s: ServiceSpec) => `service="${s.name}"`;
const p99 = (s: ServiceSpec, window = '5m') =>
  `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${svc(s)}}[${window}])))`;
const errorRatio = (s: ServiceSpec) =>
  `sum(rate(http_request_duration_seconds_count{${svc(s)},status_code=~"5.."}[5m])) / sum(rate(http_request_duration_seconds_count{${svc(s)}}[5m]))`;

interface Alert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: 'page' | 'ticket' };
  readonly annotations: { readonly summary: string };
}

/** The platform's alerts: per service SLO, errors and availability; the edge; the bus; auth. */
export function alertRules(): Alert[] {
  const perService = services.flatMap((s): Alert[] => [
    {
      alert: `SloLatency_${s.name}`,
      expr: `${p99(s)} > ${s.sloP99Ms / 1000}`,
      for: '10m',
      labels: { severity: s.critical ? 'page' : 'ticket' },
      annotations: {
        summary: `${s.name}: p99 above its ${s.sloP99Ms} ms objective for 10 minutes`,
      },
    },
    {
      alert: `ErrorRatio_${s.name}`,
      expr: `${errorRatio(s)} > 0.01`,
      for: '5m',
      labels: { severity: s.critical ? 'page' : 'ticket' },
      annotations: { summary: `${s.name}: more than 1 % of requests answered 5xx for 5 minutes` },
    },
  ]);
  return [
    ...perService,
    {
      alert: 'ServiceDown',
      // `up` is Prometheus's own series for every scrape target.
      expr: `up{namespace="${NAMESPACE}"} == 0`,
      for: '2m',
      labels: { severity: 'page' },
      annotations: { summary: '{{ $labels.service }} ({{ $labels.instance }}) is not scraped' },
    },
    {
      alert: 'CircuitBreakerOpen',
      expr: 'max by (upstream) (gateway_circuit_breaker_state) == 2',
      for: '1m',
      labels: { severity: 'page' },
      annotations: { summary: 'the gateway keeps its breaker to {{ $labels.upstream }} open' },
    },
    {
      alert: 'RateLimitStoreDown',
      expr: 'increase(gateway_rate_limit_store_fallbacks_total[5m]) > 0',
      for: '5m',
      labels: { severity: 'ticket' },
      annotations: { summary: 'the gateway limits rates in process: Redis is failing' },
    },
    {
      alert: 'EventsDeadLettered',
      expr: 'increase(events_dead_lettered_total[15m]) > 0',
      for: '0m',
      labels: { severity: 'page' },
      annotations: { summary: '{{ $labels.topic }} events were dead-lettered' },
    },
    {
      alert: 'EventRelayLagging',
      expr: 'max by (service) (events_relay_lag_seconds) > 30',
      for: '5m',
      labels: { severity: 'page' },
      annotations: {
        summary: '{{ $labels.service }}: outbox rows wait more than 30 s to be relayed',
      },
    },
    {
      alert: 'EventRelayFailing',
      expr: 'increase(events_relay_failures_total[10m]) > 3',
      for: '0m',
      labels: { severity: 'ticket' },
      annotations: { summary: '{{ $labels.service }}: relay batches keep failing' },
    },
    {
      alert: 'EventLoopLag',
      expr: 'max by (service, instance) (nodejs_eventloop_lag_p99_seconds) > 0.1',
      for: '10m',
      labels: { severity: 'ticket' },
      annotations: { summary: '{{ $labels.instance }}: event loop p99 lag above 100 ms' },
    },
    {
      alert: 'LoginFailuresSurge',
      expr: 'sum(rate(alphintra_auth_logins_total{outcome=~"invalid|throttled"}[5m])) > 5',
      for: '10m',
      labels: { severity: 'ticket' },
      annotations: {
        summary: 'more than 5 failed or throttled logins a second: credential stuffing?',
      },
    },
    {
      alert: 'RefreshTokenReuse',
      expr: 'increase(alphintra_auth_refresh_total{outcome="reuse"}[15m]) > 0',
      for: '0m',
      labels: { severity: 'ticket' },
      annotations: {
        summary: 'a rotated refresh token was used again: a token family was revoked',
      },
    },
  ];
}

interface Panel {
  readonly title: string;
  readonly type: 'timeseries';
  readonly gridPos: {
    readonly x: number;
    readonly y: number;
    readonly w: number;
    readonly h: number;
  };
  readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[];
}

const panel = (i: number, title: string, ...targets: [string, string][]): Panel => ({
  title,
  type: 'timeseries',
  gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
  targets: targets.map(([expr, legendFormat]) => ({ expr, legendFormat })),
});

function serviceDashboard(s: ServiceSpec): object {
  const panels: Panel[] = [
    panel(0, 'Requests per second by status', [
      `sum by (status_code) (rate(http_request_duration_seconds_count{${svc(s)}}[1m]))`,
      '{{status_code}}',
    ]),
    panel(1, `p99 latency (objective ${s.sloP99Ms} ms)`, [p99(s, '1m'), 'p99']),
    panel(2, '5xx ratio', [errorRatio(s), '5xx']),
    panel(3, 'CPU seconds per second', [
      `sum by (instance) (rate(process_cpu_seconds_total{${svc(s)}}[1m]))`,
      '{{instance}}',
    ]),
    panel(4, 'Resident memory', [`process_resident_memory_bytes{${svc(s)}}`, '{{instance}}']),
    panel(5, 'Event loop lag p99', [`nodejs_eventloop_lag_p99_seconds{${svc(s)}}`, '{{instance}}']),
  ];
  if (usesBus(s)) {
    panels.push(
      panel(
        6,
        'Events published and consumed',
        [`sum by (topic) (rate(events_published_total{${svc(s)}}[1m]))`, 'published {{topic}}'],
        [`sum by (topic) (rate(events_consumed_total{${svc(s)}}[1m]))`, 'consumed {{topic}}'],
      ),
      panel(7, 'Outbox relay lag', [`events_relay_lag_seconds{${svc(s)}}`, '{{instance}}']),
    );
  }
  if (s.name === 'gateway') {
    panels.push(
      panel(panels.length, 'Circuit breakers (0 closed, 1 half-open, 2 open)', [
        'max by (upstream) (gateway_circuit_breaker_state)',
        '{{upstream}}',
      ]),
      panel(panels.length + 1, 'Rate-limit rejections', [
        'sum by (key_kind) (rate(gateway_rate_limit_rejections_total[1m]))',
        '{{key_kind}}',
      ]),
    );
  }
  return { uid: `alphintra-${s.name}`, title: `alphintra / ${s.name}`, schemaVersion: 39, panels };
}

function sloDashboard(): object {
  return {
    uid: 'alphintra-slo',
    title: 'alphintra / SLOs',
    schemaVersion: 39,
    panels: services.map((s, i) =>
      panel(
        i,
        `${s.name}: p99 vs ${s.sloP99Ms} ms`,
        [p99(s), 'p99'],
        [`vector(${s.sloP99Ms / 1000})`, 'objective'],
      ),
    ),
  };
}

const dashboard = (name: string, json: object): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta(`dashboard-${name}`, { [GRAFANA_DASHBOARD_LABEL]: '1' }),
  data: { [`alphintra-${name}.json`]: `${JSON.stringify(json, null, 2)}\n` },
});

/** manifests/monitoring: what Prometheus scrapes and alerts on, and what Grafana shows. */
export function monitoringObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta('alphintra', PROMETHEUS_SELECTOR),
      spec: {
        selector: {
          matchExpressions: [
            { key: LABEL_NAME, operator: 'In', values: services.map((s) => s.name) },
          ],
        },
        endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta('alphintra', PROMETHEUS_SELECTOR),
      spec: { groups: [{ name: 'alphintra', rules: alertRules() }] },
    },
    ...services.map((s) => dashboard(s.name, serviceDashboard(s))),
    dashboard('slo', sloDashboard()),
  ];
}
