import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { catalog, SERVICE_NAMES } from '../../services/catalog.js';
import { renderManifests } from '../../cli/lib/manifests/render.js';
import { serviceCredential } from '../../cli/lib/runtime/local/service-credentials.js';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { assertBuilt, runCli } from './cli-process.js';

/*
 * `alphintra deploy` against a Kubernetes API server on loopback (test/support/fake-kube-api:
 * discovery, GET and server-side apply, workloads reporting ready unless told otherwise).
 * What a real cluster would then do with the objects (pull images, run pods) is outside what
 * this machine can show; what reaches the API server, in what order and with what values, is
 * checked here.
 */

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const dir = mkdtempSync(path.join(tmpdir(), 'alp-deploy-'));
const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** The rendered base objects (without kustomizations), as `deploy` should send them. */
const rendered = renderManifests({ version: '0.1.0' })
  .filter((f) => f.path.startsWith('base/') && !f.path.endsWith('kustomization.yaml'))
  .flatMap((f) => f.objects);

describe('alphintra deploy', () => {
  let api: FakeKubeApi;
  let kubeconfig: string;
  const deploy = (...args: string[]) =>
    runCli(['deploy', '--kubeconfig', kubeconfig, '--json', ...args], { timeoutMs: 60_000 });
  const stored = (kind: string, name: string, ns = 'alphintra') =>
    api.objects.get(`${kind}/${kind === 'Namespace' ? '' : ns}/${name}`);
  const applies = () => api.requests.filter((r) => r.method === 'PATCH');

  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    api = await startFakeKubeApi();
    kubeconfig = path.join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
    writeFileSync(kubeconfig, api.kubeconfig('fake-ctx'));
  });
  afterEach(async () => api.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a first deploy applies every object as rendered, in order, with its Secrets filled, and waits until ready', async () => {
    const r = await deploy('--version', '0.1.0');
    expect(r.exitCode, r.stderr).toBe(0);
    const data = (r.json as { data: Obj }).data;
    expect(data).toMatchObject({ context: 'fake-ctx', dryRun: false, ready: true });
    // Every rendered object, plus the credentials Secret and the Job's three objects.
    expect(data.counts).toEqual({
      created: rendered.length + 4,
      configured: 0,
      unchanged: 0,
      'not validated': 0,
    });
    expect(data.generated).toContain('JWT signing key (RS256)');

    // Server-side apply, owned by "alphintra", conflicts forced.
    for (const req of applies()) {
      expect(req.contentType).toBe('application/apply-patch+yaml');
      expect(req.query.get('fieldManager')).toBe('alphintra');
      expect(req.query.get('force')).toBe('true');
    }
    // Exactly as rendered (a client that re-serialised objects could drop fields), but for
    // the Secrets' values.
    for (const o of rendered) {
      const s = stored(o.kind, o.metadata.name)!;
      const { resourceVersion: _v, generation: _g, ...metadata } = s.metadata;
      const { data: _d, ...rest } = { ...s, metadata } as Obj;
      expect(
        o.kind === 'Secret' ? rest : { ...s, metadata },
        `${o.kind}/${o.metadata.name}`,
      ).toEqual(o);
    }

    // Order: the namespace first; PostgreSQL before the databases' Job; the Job before any
    // service.
    const order = applies().map((q) => (q.body as Obj).kind + '/' + (q.body as Obj).metadata.name);
    expect(order[0]).toBe('Namespace/alphintra');
    const job = order.findIndex((n) => n.startsWith('Job/postgres-provision-'));
    expect(order.indexOf('StatefulSet/postgres')).toBeLessThan(job);
    for (const s of SERVICE_NAMES) expect(order.indexOf(`Deployment/${s}`)).toBeGreaterThan(job);

    // Secrets: each service's holds exactly what its pods reference, consistently derived.
    const creds = JSON.parse(
      b64(stored('Secret', 'alphintra-deploy-credentials')!.data['credentials.json']),
    ) as { serviceCredentialMaster: string; rolePasswords: Record<string, string> };
    for (const s of SERVICE_NAMES) {
      const secret = stored('Secret', `${s}-secrets`)!;
      const values = Object.fromEntries(
        Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, b64(v)]),
      );
      const refs = new Set(
        (stored('Deployment', s)!.spec.template.spec.containers as Obj[]).flatMap((c) =>
          (c.env as Obj[]).flatMap((e) => e.valueFrom?.secretKeyRef?.key ?? []),
        ),
      );
      expect(new Set(Object.keys(values))).toEqual(refs);
      expect(values.SERVICE_CREDENTIAL).toBe(serviceCredential(creds.serviceCredentialMaster, s));
      if (catalog[s].postgres) {
        const url = new URL(values.DATABASE_URL!);
        expect(url.hostname).toBe('postgres.alphintra.svc');
        expect(decodeURIComponent(url.password)).toBe(
          creds.rolePasswords[decodeURIComponent(url.username)],
        );
      }
    }
    expect(b64(stored('Secret', 'auth-keys')!.data['jwt-private.pem'])).toMatch(
      /^-----BEGIN PRIVATE KEY-----/,
    );
    // The Job's script creates every role with the password the services were given.
    const sql = b64(stored('Secret', 'postgres-provision')!.data['provision.sql']);
    for (const [role, pw] of Object.entries(creds.rolePasswords))
      expect(sql).toContain(
        `ALTER ROLE "${role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${pw}';`,
      );

    // A second deploy changes nothing and keeps every credential.
    const again = await deploy('--version', '0.1.0');
    expect(again.exitCode, again.stderr).toBe(0);
    const d2 = (again.json as { data: Obj }).data;
    expect(d2.generated).toEqual([]);
    expect(d2.counts).toMatchObject({ created: 0, configured: 0, unchanged: rendered.length + 4 });
    expect(d2.provisionJob).toBe(data.provisionJob);
  });

  test('a workload that never gets ready: exit 1 naming it, after --timeout', async () => {
    api.ready = (o) => o.metadata.name !== 'trading';
    const r = await deploy('--timeout', '3');
    expect(r.exitCode).toBe(1);
    expect((r.json as { error: Obj }).error).toMatchObject({
      code: 'ALP_DEPLOY_TIMEOUT',
      message: expect.stringMatching(/^not ready in time: Deployment\/trading 0\/2$/),
    });
    // It was applied (as rendered) before the wait gave up on it.
    expect(stored('Deployment', 'trading')!.spec.template.spec.containers[0].command).toEqual([
      'node',
      'dist/bundles/trading.mjs',
    ]);
  });

  test('the databases’ Job failing stops the deploy before any service is applied', async () => {
    api.ready = (o) => (o.kind === 'Job' ? 'failed' : true);
    const r = await deploy();
    expect(r.exitCode).toBe(1);
    const error = (r.json as { error: Obj }).error;
    expect(error.code).toBe('ALP_DEPLOY_PROVISION_FAILED');
    expect(error.suggestions[0]).toMatch(/^kubectl -n alphintra logs job\/postgres-provision-/);
    for (const s of SERVICE_NAMES) expect(stored('Deployment', s)).toBeUndefined();
  });

  test('--dry-run stores nothing; --registry moves every image; --no-wait returns after applying', async () => {
    const dry = await deploy('--dry-run');
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(api.objects.size).toBe(0);
    // Nothing exists yet, so only the namespace could be validated.
    expect((dry.json as { data: Obj }).data.counts).toMatchObject({
      created: 1,
      'not validated': rendered.length + 3,
    });

    const r = await deploy(
      '--registry',
      'registry.example.com/acme/',
      '--version',
      '9.9.9',
      '--no-wait',
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const data = (r.json as { data: Obj }).data;
    expect(data.ready).toBe(false);
    expect(data.workloads).toEqual([]);
    expect(data.images).toEqual([
      'registry.example.com/acme/platform:9.9.9',
      'registry.example.com/acme/postgres:15.10-alpine',
      'registry.example.com/acme/redis:7.4-alpine',
    ]);
    expect(stored('Deployment', 'gateway')!.spec.template.spec.containers[0].image).toBe(
      'registry.example.com/acme/platform:9.9.9',
    );

    // Now the namespace exists: a dry run is validated by the server, object by object.
    const before = api.requests.length;
    const validated = await deploy('--dry-run', '--registry', 'registry.example.com/acme');
    expect(validated.exitCode, validated.stderr).toBe(0);
    const dryApplies = api.requests.slice(before).filter((q) => q.method === 'PATCH');
    expect(dryApplies.length).toBe(rendered.length + 4);
    expect(dryApplies.every((q) => q.query.get('dryRun') === 'All')).toBe(true);
  });

  test('no cluster, a refused token, a missing CRD, an unknown context: exit 3 with the fix', async () => {
    const down = path.join(dir, 'down.yaml');
    writeFileSync(down, api.kubeconfig().replace(api.url, 'http://127.0.0.1:1'));
    const r1 = await runCli(['deploy', '--kubeconfig', down, '--json']);
    expect(r1.exitCode).toBe(3);
    expect((r1.json as { error: Obj }).error.code).toBe('ALP_KUBE_UNREACHABLE');

    const bad = path.join(dir, 'bad-token.yaml');
    writeFileSync(bad, api.kubeconfig().replace(api.token, 'wrong'));
    const r2 = await runCli(['deploy', '--kubeconfig', bad, '--json']);
    expect(r2.exitCode).toBe(3);
    expect((r2.json as { error: Obj }).error.code).toBe('ALP_KUBE_FORBIDDEN');

    const r3 = await deploy('--mesh', '--no-wait');
    expect(r3.exitCode).toBe(3);
    expect((r3.json as { error: Obj }).error).toMatchObject({
      code: 'ALP_KUBE_KIND_MISSING',
      suggestions: ['install Istio first, or deploy without --mesh'],
    });

    const r4 = await deploy('--context', 'nope');
    expect(r4.exitCode).toBe(2);
    expect((r4.json as { error: Obj }).error).toMatchObject({
      code: 'ALP_KUBE_CONTEXT_UNKNOWN',
      suggestions: ['known contexts: fake-ctx'],
    });
  });
});
