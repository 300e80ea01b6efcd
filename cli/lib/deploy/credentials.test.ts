import { describe, expect, test } from 'vitest';
import { renderManifests } from '../manifests/render.js';
import {
  credentialsFromSecret,
  credentialsSecret,
  ensureCredentials,
  fillSecrets,
} from './credentials.js';

const objects = renderManifests({ version: '0.1.0' })
  .filter((f) => f.path.startsWith('base/'))
  .flatMap((f) => f.objects);
const secrets = objects.filter((o) => o.kind === 'Secret');

describe('deploy credentials', () => {
  test('a first deploy generates every credential; a later one keeps them and adds only what is missing', () => {
    const first = ensureCredentials(undefined);
    expect(first.generated).toContain('service credential master');
    const roundTrip = credentialsFromSecret(
      credentialsSecret(first.credentials) as { data?: Record<string, string> },
    );
    expect(roundTrip).toEqual(first.credentials);
    const { bus: _gone, ...fewer } = first.credentials.rolePasswords;
    const again = ensureCredentials({ ...first.credentials, rolePasswords: fewer });
    expect(again.generated).toEqual(['password of role bus']);
    expect(again.credentials.rolePasswords.trading).toBe(first.credentials.rolePasswords.trading);
    expect(again.credentials.jwtPrivateKeyPem).toBe(first.credentials.jwtPrivateKeyPem);
  });

  test('each Secret gets exactly the keys the workloads read; one nobody reads is refused', () => {
    const { credentials } = ensureCredentials(undefined);
    const filled = fillSecrets(secrets, objects, credentials);
    const keys = (name: string) =>
      Object.keys(
        (filled.find((o) => o.metadata.name === name) as unknown as { data: object }).data,
      ).sort();
    expect(keys('gateway-secrets')).toEqual([
      'DISCOVERY_DATABASE_URL',
      'REDIS_URL',
      'SERVICE_CREDENTIAL',
    ]);
    expect(keys('auth-keys')).toEqual(['jwt-private.pem']);
    expect(keys('auth-secrets')).toContain('SERVICE_CREDENTIAL_MASTER');
    expect(keys('trading-secrets')).not.toContain('SERVICE_CREDENTIAL_MASTER');
    // Without the workloads that read them, the Secrets cannot be filled.
    expect(() => fillSecrets(secrets, [], credentials)).toThrow(/no workload reads it/);
    expect(credentialsFromSecret({ data: { 'credentials.json': 'not json' } })).toBeUndefined();
  });
});
