import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadManifests, manifestDrift, writeManifests } from '../manifests/files.js';
import type { Container, KubeObject, Located, Workload } from '../manifests/kube.js';
import { renderManifests } from '../manifests/render.js';
import { exportedFamilies, registeredFamilies } from './checks/observability.js';
import * as rules from './manifest-rules.js';

const files = renderManifests({ version: '1.2.3' });
let dir: string;
let rendered: Located[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alp-manifests-'));
  await writeManifests(dir, files);
  rendered = await loadManifests(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The rendered set with one object changed (a deep copy: the others are shared). */
function broken(kind: string, name: string, change: (o: Record<string, never>) => void): Located[] {
  let hit = false;
  const out = rendered.map((l) => {
    if (l.object.kind !== kind || l.object.metadata.name !== name) return l;
    hit = true;
    const copy = structuredClone(l.object) as KubeObject;
    change(copy as unknown as Record<string, never>);
    return { ...l, object: copy };
  });
  if (!hit) throw new Error(`no ${kind}/${name} in the rendered set`);
  return out;
}
/** The rendered set with entries added to (or replaced in) one ConfigMap's data. */
const withData = (configMap: string, data: Record<string, string>) =>
  broken('ConfigMap', configMap, (o) => {
    Object.assign((o as unknown as { data: object }).data, data);
  });
const without = (kind: string, name: string) =>
  rendered.filter((l) => !(l.object.kind === kind && l.object.metadata.name === name));
const podSpec = (o: Record<string, never>) => (o as unknown as Workload).spec.template.spec;
const container = (o: Record<string, never>) =>
  podSpec(o).containers[0] as { -readonly [K in keyof Container]: Container[K] };

/** The rules that read the manifests alone (V030 and V031 also read the exported metrics). */
const RULES = Object.entries(rules).filter(
  (e): e is [string, (o: readonly Located[]) => string[]] =>
    e[0].endsWith('Problems') && (e[1] as (...a: unknown[]) => unknown).length === 1,
);

describe('the rendered manifests', () => {
  test('round-trip through YAML and carry their file and line', () => {
    expect(rendered).toHaveLength(files.reduce((n, f) => n + f.objects.length, 0));
    const trading = rendered.find(
      (l) => l.object.kind === 'Deployment' && l.object.metadata.name === 'trading',
    )!;
    expect(trading.file).toBe('base/trading.yaml');
    expect(trading.line).toBeGreaterThan(1);
  });

  test.each(RULES)('pass %s', (_name, rule) => {
    expect(rule(rendered)).toEqual([]);
  });

  test('are what the renderer writes: no drift, then a changed, a missing and an extra file', async () => {
    expect(await manifestDrift(dir, files)).toEqual({ missing: [], changed: [], extra: [] });
    await writeFile(path.join(dir, 'base/trading.yaml'), '# edited by hand\n');
    await rm(path.join(dir, 'base/risk.yaml'));
    await writeFile(path.join(dir, 'base/extra.yaml'), 'kind: ConfigMap\n');
    expect(await manifestDrift(dir, files)).toEqual({
      missing: ['base/risk.yaml'],
      changed: ['base/trading.yaml'],
      extra: ['base/extra.yaml'],
    });
    await writeManifests(dir, files);
    await rm(path.join(dir, 'base/extra.yaml'));
  });

  test('a file that does not parse is an error naming its file and line', async () => {
    const bad = await mkdtemp(path.join(tmpdir(), 'alp-manifests-bad-'));
    try {
      await writeFile(path.join(bad, 'x.yaml'), 'kind: A\nmetadata: {name: a}\n---\nkind: [\n');
      await expect(loadManifests(bad)).rejects.toThrow(/^x\.yaml:3: /);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});

describe('each rule finds what breaks it', () => {
  test.each<[string, (o: readonly Located[]) => string[], () => Located[], RegExp]>([
    [
      'V004 a probe on another port',
      rules.portTriangleProblems,
      () =>
        broken(
          'Deployment',
          'risk',
          (o) => void Object.assign(container(o).readinessProbe!.httpGet!, { port: 9999 }),
        ),
      /readinessProbe port 9999 is not containerPort 4021/,
    ],
    [
      'V004 a Service targeting another port',
      rules.portTriangleProblems,
      () =>
        broken(
          'Service',
          'user',
          (o) =>
            void Object.assign((o as unknown as { spec: { ports: object[] } }).spec.ports[0]!, {
              targetPort: 81,
            }),
        ),
      /Service\/user .* targetPort 81/,
    ],
    [
      'V008 a Secret that is not there',
      rules.referenceProblems,
      () => without('Secret', 'trading-secrets'),
      /Deployment\/trading .*Secret\/trading-secrets does not exist/,
    ],
    [
      'V009 a Service selecting nothing',
      rules.selectorProblems,
      () =>
        broken(
          'Service',
          'broker',
          (o) =>
            void Object.assign(o, {
              spec: {
                ...(o as unknown as { spec: object }).spec,
                selector: { 'app.kubernetes.io/name': 'brokr' },
              },
            }),
        ),
      /Service\/broker .*selects no pod/,
    ],
    [
      'V010 an object in default',
      rules.namespaceProblems,
      () =>
        broken(
          'ConfigMap',
          'auth',
          (o) =>
            void Object.assign((o as unknown as { metadata: object }).metadata, {
              namespace: 'default',
            }),
        ),
      /ConfigMap\/auth .*in the default namespace/,
    ],
    [
      'V012 an image on latest',
      rules.imageProblems,
      () =>
        broken(
          'Deployment',
          'user',
          (o) => void (container(o).image = 'ghcr.io/alphintra/platform:latest'),
        ),
      /not pinned/,
    ],
    [
      'V012 an image from elsewhere',
      rules.imageProblems,
      () =>
        broken(
          'StatefulSet',
          'postgres',
          (o) => void (container(o).image = 'docker.io/postgres:15'),
        ),
      /is not from ghcr\.io\/alphintra/,
    ],
    [
      'V014 liveness asking readiness',
      rules.probePresenceProblems,
      () =>
        broken(
          'Deployment',
          'user',
          (o) => void (container(o).livenessProbe = container(o).readinessProbe),
        ),
      /readiness and liveness ask the same thing/,
    ],
    [
      'V015 a timeout as long as the period',
      rules.probeTimingProblems,
      () =>
        broken(
          'Deployment',
          'user',
          (o) => void Object.assign(container(o).readinessProbe!, { timeoutSeconds: 5 }),
        ),
      /readinessProbe timeout 5s ≥ period 5s/,
    ],
    [
      'V016 resources that drift from the catalog',
      rules.containerResourceProblems,
      () =>
        broken(
          'Deployment',
          'user',
          (o) =>
            void (container(o).resources = {
              requests: { cpu: '1', memory: '1Gi' },
              limits: { cpu: '1', memory: '1Gi' },
            }),
        ),
      /resources differ from the catalog's/,
    ],
    [
      'V016 Redis at Burstable QoS',
      rules.containerResourceProblems,
      () =>
        broken(
          'Deployment',
          'redis',
          (o) => void Object.assign(container(o).resources!.requests!, { memory: '128Mi' }),
        ),
      /not Guaranteed QoS/,
    ],
    [
      'V017 a heap cap above the limit',
      rules.heapCapProblems,
      () =>
        broken(
          'Deployment',
          'user',
          (o) =>
            void (container(o).env = [
              { name: 'NODE_OPTIONS', value: '--max-old-space-size=4096' },
            ]),
        ),
      /heap cap 4096 MiB is not below the 256Mi limit/,
    ],
    [
      'V018 a writable root filesystem',
      rules.securityContextProblems,
      () =>
        broken(
          'Deployment',
          'auth',
          (o) =>
            void (container(o).securityContext = {
              ...container(o).securityContext,
              readOnlyRootFilesystem: false,
            }),
        ),
      /root filesystem is writable/,
    ],
    [
      'V019 hostNetwork',
      rules.hostAccessProblems,
      () =>
        broken(
          'Deployment',
          'gateway',
          (o) => void Object.assign(podSpec(o), { hostNetwork: true }),
        ),
      /Deployment\/gateway .*hostNetwork/,
    ],
    [
      'V020 a token mounted',
      rules.serviceAccountProblems,
      () =>
        broken(
          'Deployment',
          'risk',
          (o) => void Object.assign(podSpec(o), { automountServiceAccountToken: true }),
        ),
      /mounts a ServiceAccount token/,
    ],
    [
      'V021 a password in a ConfigMap',
      rules.secretLiteralProblems,
      () => withData('trading', { DATABASE_URL: 'postgres://trading:hunter2@postgres:5432/t' }),
      /DATABASE_URL holds a secret-looking value/,
    ],
    [
      'V022 a PDB that allows nothing',
      rules.availabilityProblems,
      () =>
        broken(
          'PodDisruptionBudget',
          'trading',
          (o) =>
            void Object.assign(o, {
              spec: {
                minAvailable: 2,
                selector: (o as unknown as { spec: { selector: object } }).spec.selector,
              },
            }),
        ),
      /allows no voluntary disruption/,
    ],
    [
      'V022 a rollout that may take pods down',
      rules.availabilityProblems,
      () =>
        broken(
          'Deployment',
          'broker',
          (o) =>
            void Object.assign((o as unknown as Workload).spec, {
              strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
            }),
        ),
      /maxUnavailable is not 0/,
    ],
    [
      // The Deployment leaves the count to its HPA: the HPA's minimum is what runs.
      'V022 a critical service whose HPA may scale it to one pod',
      rules.availabilityProblems,
      () =>
        broken(
          'HorizontalPodAutoscaler',
          'gateway',
          (o) => void Object.assign((o as unknown as { spec: object }).spec, { minReplicas: 1 }),
        ),
      /1 replica\(s\) for a critical service/,
    ],
    [
      'V023 an HPA whose max is its min',
      rules.autoscalerProblems,
      () =>
        broken(
          'HorizontalPodAutoscaler',
          'risk',
          (o) => void Object.assign((o as unknown as { spec: object }).spec, { maxReplicas: 2 }),
        ),
      /maxReplicas 2 is not above minReplicas 2/,
    ],
    [
      'V024 a grace period shorter than the drain',
      rules.shutdownProblems,
      () =>
        broken(
          'Deployment',
          'trading',
          (o) => void Object.assign(podSpec(o), { terminationGracePeriodSeconds: 6 }),
        ),
      /grace period 6s < preStop 5s \+ drain 5s/,
    ],
    [
      'V025 no default-deny',
      rules.defaultDenyProblems,
      () => without('NetworkPolicy', 'default-deny'),
      /Namespace\/alphintra .*no default-deny/,
    ],
    [
      'V026 a policy letting everyone in',
      rules.policySimulationProblems,
      () =>
        broken(
          'NetworkPolicy',
          'broker',
          (o) => void Object.assign((o as unknown as { spec: object }).spec, { ingress: [{}] }),
        ),
      /outside → broker on 4022\/TCP: allowed, the catalog does not declare it/,
    ],
    [
      'V026 an edge the catalog needs, denied',
      rules.policySimulationProblems,
      () =>
        broken(
          'NetworkPolicy',
          'trading',
          (o) => void Object.assign((o as unknown as { spec: object }).spec, { egress: [] }),
        ),
      /trading → risk on 4021\/TCP: denied, the catalog needs it/,
    ],
    [
      'V027 Postgres on a LoadBalancer',
      rules.exposureProblems,
      () =>
        broken(
          'Service',
          'postgres',
          (o) =>
            void Object.assign((o as unknown as { spec: object }).spec, { type: 'LoadBalancer' }),
        ),
      /Service\/postgres .*LoadBalancer exposes postgres/,
    ],
    [
      'V029 a misspelt outlier field',
      rules.meshResilienceProblems,
      () =>
        broken('DestinationRule', 'risk', (o) => {
          const od = (o as unknown as { spec: { trafficPolicy: { outlierDetection: object } } })
            .spec.trafficPolicy;
          od.outlierDetection = { consecutiveErrors: 5, interval: '10s' };
        }),
      /outlierDetection\.consecutiveErrors is not an Istio field[\s\S]*ejects on nothing/,
    ],
    [
      'V029 unbounded retries to broker',
      rules.meshResilienceProblems,
      () =>
        broken('VirtualService', 'broker', (o) => {
          const http = (o as unknown as { spec: { http: { retries: object }[] } }).spec.http;
          http[0]!.retries = { attempts: 10, perTryTimeout: '5s' };
        }),
      /retries\.attempts 10 \(1 to 3\)[\s\S]*perTryTimeout 5s is not below the timeout/,
    ],
    [
      'V003 an upstream URL to no Service',
      rules.clusterUrlProblems,
      () => withData('trading', { RISK_URL: 'http://risky:4021' }),
      /RISK_URL=http:\/\/risky:4021 names no Service/,
    ],
  ])('%s', (_what, rule, objects, problem) => {
    expect(rule(objects()).join('\n')).toMatch(problem);
  });
});

describe('monitoring (V030, V031) against the metrics the code registers', () => {
  let series: Set<string>;
  beforeAll(async () => {
    series = rules.seriesOf(await exportedFamilies());
  });

  test('the families come from the code: the kit, the gateway, the bus, auth', async () => {
    const families = await exportedFamilies();
    expect(families.get('http_request_duration_seconds')).toBe('histogram');
    expect(families.get('gateway_circuit_breaker_state')).toBe('gauge');
    expect(families.get('events_relay_lag_seconds')).toBe('gauge');
    expect(families.get('alphintra_auth_logins_total')).toBe('counter');
    expect(registeredFamilies("m.counter(\n  'x_total', 'help')")).toEqual([
      ['x_total', 'counter'],
    ]);
    expect(series.has('http_request_duration_seconds_bucket')).toBe(true);
  });

  test('PromQL: the metric names, not functions, labels, strings or ranges', () => {
    expect(
      rules.promqlMetrics(
        'histogram_quantile(0.99, sum by (le) (rate(a_bucket{service="x",le!="y"}[5m]))) > on (service) b and up == 0',
      ),
    ).toEqual(['a_bucket', 'b', 'up']);
  });

  test('the rendered monitoring passes', () => {
    expect(rules.prometheusProblems(rendered, series)).toEqual([]);
    expect(rules.dashboardProblems(rendered, series)).toEqual([]);
  });

  test('an alert reading a metric nobody exports, and rules Prometheus would not load', () => {
    const edited = broken('PrometheusRule', 'alphintra', (o) => {
      const groups = (o as unknown as { spec: { groups: { rules: { expr: string }[] }[] } }).spec
        .groups;
      groups[0]!.rules[0]!.expr = 'rate(orders_placed_total[5m]) > 1';
    });
    expect(rules.prometheusProblems(edited, series).join('\n')).toMatch(
      /reads orders_placed_total, which no service exports/,
    );
    const unlabelled = broken('PrometheusRule', 'alphintra', (o) => {
      Object.assign((o as unknown as { metadata: object }).metadata, { labels: {} });
    });
    const problems = rules.prometheusProblems(unlabelled, series).join('\n');
    expect(problems).toMatch(/Prometheus would not load it/);
    expect(problems).toMatch(/0 alert rules, at least 15 expected/);
  });

  test('a service without a scrape or a dashboard', () => {
    const unscraped = broken('ServiceMonitor', 'alphintra', (o) => {
      const sel = (
        o as unknown as { spec: { selector: { matchExpressions: { values: string[] }[] } } }
      ).spec.selector;
      sel.matchExpressions[0]!.values = sel.matchExpressions[0]!.values.filter((v) => v !== 'risk');
    });
    expect(rules.prometheusProblems(unscraped, series)).toEqual([
      "risk: no ServiceMonitor scrapes its Service's /metrics",
    ]);
    expect(rules.dashboardProblems(without('ConfigMap', 'dashboard-broker'), series)).toEqual([
      'no dashboard alphintra-broker',
    ]);
  });
});

describe('mesh security (V028)', () => {
  const serves = ['/.well-known/jwks.json', '/api/v1/auth/login'];

  test('the rendered mesh passes', () => {
    expect(rules.meshSecurityProblems(rendered, serves)).toEqual([]);
  });

  test('PERMISSIVE mTLS, a caller the catalog does not name, a JWKS path auth does not serve', () => {
    const permissive = broken('PeerAuthentication', 'default', (o) => {
      Object.assign((o as unknown as { spec: object }).spec, { mtls: { mode: 'PERMISSIVE' } });
    });
    expect(rules.meshSecurityProblems(permissive, serves).join('\n')).toMatch(
      /no namespace-wide PeerAuthentication with mTLS STRICT[\s\S]*weakens mTLS \(PERMISSIVE\)/,
    );
    const extra = broken('AuthorizationPolicy', 'risk', (o) => {
      const rules0 = (
        o as unknown as { spec: { rules: { from: { source: { principals: string[] } }[] }[] } }
      ).spec.rules[0]!;
      rules0.from[0]!.source.principals.push('cluster.local/ns/alphintra/sa/notification');
    });
    expect(rules.meshSecurityProblems(extra, serves)).toEqual([
      'risk: allows cluster.local/ns/alphintra/sa/notification, which the catalog does not name as a caller',
    ]);
    expect(rules.meshSecurityProblems(rendered, ['/jwks']).join('\n')).toMatch(
      /jwksUri path \/\.well-known\/jwks\.json is not a route auth serves/,
    );
    expect(rules.meshSecurityProblems(without('AuthorizationPolicy', 'broker'), serves)).toEqual([
      'broker: no ALLOW AuthorizationPolicy selects it (with mTLS alone, any pod may call it)',
    ]);
  });
});
