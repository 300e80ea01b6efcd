import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  CERTIFICATE_VERSION,
  keyIdOf,
  signCertificate,
  verdictOf,
  verifyCertificate,
  type CertificateBody,
  type Gate,
} from './certificate.js';
import { benchGate } from './gates.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');

const gate = (name: string, passed: boolean, blockers: string[] = []): Gate => ({
  name,
  passed,
  summary: `${name} summary`,
  blockers,
  evidence: { n: 1 },
});

function body(gates: Gate[]): CertificateBody {
  return {
    apiVersion: CERTIFICATE_VERSION,
    subject: { product: 'alphintra platform', version: '0.1.0', commit: 'abc', dirty: false },
    issuedAt: '2026-12-07T00:00:00.000Z',
    issuer: {
      keyId: keyIdOf(publicKey),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    machine: { node: 'v20', platform: 'linux-x64', cpus: 2, loadAverage: [0.5, 0.4, 0.3] },
    target: { kind: 'local', gateway: 'http://127.0.0.1:4000', home: '/tmp/h' },
    gates,
    ...verdictOf(gates),
  };
}

describe('verdictOf', () => {
  test('ready only when every gate passed with no blocker; reasons name their gate', () => {
    expect(verdictOf([gate('e2e', true), gate('bench', true)])).toEqual({
      verdict: 'ready',
      reasons: [],
    });
    expect(
      verdictOf([gate('e2e', true, ['9 of 67 tests not built']), gate('bench', false)]),
    ).toEqual({
      verdict: 'not-ready',
      reasons: ['e2e: 9 of 67 tests not built', 'bench: failed'],
    });
  });
});

describe('signCertificate / verifyCertificate', () => {
  const cert = signCertificate(body([gate('e2e', true), gate('bench', true)]), privateKey);

  test('a signed certificate verifies, trusted by its own key, untrusted by another', () => {
    expect(verifyCertificate(cert, [publicKey])).toEqual({
      valid: true,
      keyId: keyIdOf(publicKey),
      trusted: true,
      verdict: 'ready',
    });
    expect(verifyCertificate(cert, [other.publicKey])).toMatchObject({
      valid: true,
      trusted: false,
    });
    // Through a JSON file and back, key order changed: still valid (canonical JSON).
    const { signature, ...rest } = cert;
    const reordered = JSON.parse(JSON.stringify({ signature, ...rest })) as unknown;
    expect(verifyCertificate(reordered, [publicKey])).toMatchObject({ valid: true });
  });

  test('a changed byte anywhere breaks it', () => {
    const edited = structuredClone(cert);
    (edited.gates[0]!.evidence as { n: number }).n = 2;
    expect(verifyCertificate(edited)).toEqual({
      valid: false,
      reason: 'the signature does not match the content',
    });
    const verdict = { ...structuredClone(cert), verdict: 'not-ready' as const };
    expect(verifyCertificate(verdict)).toMatchObject({ valid: false });
  });

  test('a certificate re-signed by another key under the first key id is refused', () => {
    const forged = signCertificate(body([gate('e2e', true)]), other.privateKey);
    expect(verifyCertificate(forged)).toEqual({
      valid: false,
      reason: 'the signature does not match the content',
    });
  });

  test('a verdict that does not follow from the gates is refused even when signed', () => {
    const lying = signCertificate(
      { ...body([gate('e2e', false)]), verdict: 'ready', reasons: [] },
      privateKey,
    );
    expect(verifyCertificate(lying)).toEqual({
      valid: false,
      reason: 'verdict ready does not follow from its gates',
    });
  });

  test('not a certificate', () => {
    expect(verifyCertificate('x')).toMatchObject({ valid: false });
    expect(verifyCertificate({ apiVersion: 'v0' })).toMatchObject({ valid: false });
    const unsigned: Partial<typeof cert> = structuredClone(cert);
    delete unsigned.signature;
    expect(verifyCertificate(unsigned)).toEqual({ valid: false, reason: 'no Ed25519 signature' });
  });
});

describe('benchGate', () => {
  test('no result, not a bench result, breached SLOs: each blocks', () => {
    expect(benchGate(undefined, undefined)).toMatchObject({
      passed: false,
      blockers: [expect.stringMatching(/no bench result/)],
    });
    expect(benchGate({ ok: true, command: 'status', data: {} }, 'x.json').blockers).toEqual([
      'x.json is not the --json output of a finished alphintra bench',
    ]);
    const breached = benchGate(
      {
        ok: true,
        command: 'bench',
        data: {
          command: 'alphintra bench order',
          startedAt: 't',
          machine: { cpus: 2, node: 'v20', loadAverage: [] },
          scenarios: [{ id: 'order', passed: false, slos: [] }],
          passed: false,
          breached: ['order:throughput'],
          interrupted: null,
        },
      },
      'b.json',
    );
    expect(breached).toMatchObject({ passed: false, blockers: ['SLO breached: order:throughput'] });
  });
});
