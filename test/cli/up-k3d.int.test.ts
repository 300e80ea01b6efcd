import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeKubeApi, type FakeKubeApi } from '../support/fake-kube-api.js';
import { assertBuilt, REPO, runCli } from './cli-process.js';

/*
 * `up --target k3d` with `k3d` and `docker` replaced by scripts that record their arguments
 * (this machine has neither Docker nor a cluster), and the cluster's API by the loopback fake.
 * What is checked: the steps, their order and arguments, and that the deploy reaches the
 * cluster k3d's kubeconfig names.
 */

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('alphintra up --target k3d', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'alp-k3d-'));
  const bin = path.join(dir, 'bin');
  const calls = path.join(dir, 'calls.log');
  const kubeconfig = path.join(dir, 'kubeconfig.yaml');
  let api: FakeKubeApi;

  const script = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> '${calls}'\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };

  beforeAll(async () => {
    assertBuilt();
    api = await startFakeKubeApi();
    writeFileSync(kubeconfig, api.kubeconfig('k3d-alphintra'));
    mkdirSync(bin);
    script(
      'k3d',
      `case "$1 $2" in
  "cluster list") if [ -f '${dir}/created' ]; then echo '[{"name":"alphintra"}]'; else echo '[]'; fi ;;
  "cluster create") touch '${dir}/created' ;;
  "kubeconfig write") echo '${kubeconfig}' ;;
esac
exit 0`,
    );
    script('docker', `[ "$1" = info ] && echo 27.0.0\nexit 0`);
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('creates the cluster, builds and imports the images, then deploys and waits', async () => {
    const r = await runCli(['up', '--target', 'k3d', '--json'], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      timeoutMs: 60_000,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const data = (r.json as { data: Obj }).data;
    expect(data).toMatchObject({ target: 'k3d', cluster: 'alphintra', created: true, kubeconfig });
    expect(data.deploy).toMatchObject({ context: 'k3d-alphintra', ready: true });
    const version = (
      JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }
    ).version;
    const platform = `ghcr.io/alphintra/platform:${version}`;
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'k3d version',
      'docker info --format {{.ServerVersion}}',
      'k3d cluster list -o json',
      'k3d cluster create alphintra --wait --timeout 180s',
      `docker build -t ${platform} ${REPO}`,
      'docker pull postgres:15.10-alpine',
      'docker tag postgres:15.10-alpine ghcr.io/alphintra/postgres:15.10-alpine',
      'docker pull redis:7.4-alpine',
      'docker tag redis:7.4-alpine ghcr.io/alphintra/redis:7.4-alpine',
      `k3d image import -c alphintra ${platform} ghcr.io/alphintra/postgres:15.10-alpine ghcr.io/alphintra/redis:7.4-alpine`,
      'k3d kubeconfig write alphintra',
    ]);
    // The images the cluster runs are the ones imported.
    expect([...data.deploy.images].sort()).toEqual([...data.images].sort());
    expect(
      api.objects.get('Deployment/alphintra/gateway')!.spec.template.spec.containers[0].image,
    ).toBe(platform);

    // Again: the cluster exists and is reused.
    const again = await runCli(['up', '--target', 'k3d', '--json'], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      timeoutMs: 60_000,
    });
    expect(again.exitCode, again.stderr).toBe(0);
    expect((again.json as { data: Obj }).data.created).toBe(false);
  });

  test('without k3d: exit 3 with how to install it and the alternatives; local-only flags refused', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const r = await runCli(['up', '--target', 'k3d', '--json'], { env: { PATH: empty } });
    expect(r.exitCode).toBe(3);
    expect((r.json as { error: Obj }).error).toMatchObject({
      code: 'ALP_K3D_MISSING',
      message: '--target k3d needs k3d, which is not on PATH',
    });
    const flags = await runCli(['up', '--target', 'k3d', '--scale', 'trading=2', '--json']);
    expect(flags.exitCode).toBe(2);
    expect((flags.json as { error: Obj }).error.message).toBe('--target k3d does not take --scale');
  });
});
