import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../../services/platform/canonical-json.js';

/*
 * A production-readiness certificate: what was checked, on which commit and machine, what each
 * gate found, and the verdict, signed with the platform's Ed25519 certificate key
 * (ALPHINTRA_HOME/keys/cert-private.pem). The signature covers the canonical JSON of every
 * field but the signature itself, so a changed byte anywhere (a count, the verdict) breaks it.
 */

export const CERTIFICATE_VERSION = 'alphintra/certificate/v1';

export interface Gate {
  /** status, validate, e2e, bench. */
  name: string;
  passed: boolean;
  /** One line: what the gate found. */
  summary: string;
  /** Why the verdict cannot be "ready" because of this gate (failures, gaps, skips). */
  blockers: string[];
  /** The gate's own numbers (counts, SLO results), as the command's --json gives them. */
  evidence: unknown;
}

export interface CertificateBody {
  apiVersion: typeof CERTIFICATE_VERSION;
  subject: { product: string; version: string; commit: string | null; dirty: boolean | null };
  issuedAt: string;
  issuer: { keyId: string; publicKey: string };
  machine: { node: string; platform: string; cpus: number; loadAverage: number[] };
  target: { kind: 'local'; gateway: string | null; home: string };
  gates: Gate[];
  verdict: 'ready' | 'not-ready';
  /** Every gate's blockers, in gate order: empty exactly when the verdict is ready. */
  reasons: string[];
}

export interface Certificate extends CertificateBody {
  signature: { alg: 'Ed25519'; value: string };
}

/** A key's id: the first 16 hex digits of the SHA-256 of its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** The verdict follows from the gates: ready only when every gate passed with no blocker. */
export function verdictOf(gates: readonly Gate[]): Pick<CertificateBody, 'verdict' | 'reasons'> {
  const reasons = gates.flatMap((g) =>
    g.blockers.length > 0
      ? g.blockers.map((b) => `${g.name}: ${b}`)
      : g.passed
        ? []
        : [`${g.name}: failed`],
  );
  return { verdict: reasons.length === 0 ? 'ready' : 'not-ready', reasons };
}

const payloadOf = (body: CertificateBody): Buffer =>
  Buffer.from(canonicalJson(JSON.parse(JSON.stringify(body)) as unknown), 'utf8');

export function signCertificate(body: CertificateBody, privateKey: KeyObject): Certificate {
  const value = sign(null, payloadOf(body), privateKey).toString('base64');
  return { ...body, signature: { alg: 'Ed25519', value } };
}

export type Verification =
  | { valid: true; keyId: string; trusted: boolean; verdict: CertificateBody['verdict'] }
  | { valid: false; reason: string };

/**
 * Checks a certificate's signature with the key it names, and whether that key is one the
 * caller trusts (`trustedKeys`, e.g. the platform's cert-public.pem): a valid signature by an
 * unknown key proves the file is intact, not who issued it.
 */
export function verifyCertificate(
  input: unknown,
  trustedKeys: readonly KeyObject[] = [],
): Verification {
  if (typeof input !== 'object' || input === null)
    return { valid: false, reason: 'not a JSON object' };
  const cert = input as Partial<Certificate>;
  if (cert.apiVersion !== CERTIFICATE_VERSION) {
    return { valid: false, reason: `apiVersion is not ${CERTIFICATE_VERSION}` };
  }
  if (cert.signature?.alg !== 'Ed25519' || typeof cert.signature.value !== 'string') {
    return { valid: false, reason: 'no Ed25519 signature' };
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(String(cert.issuer?.publicKey));
  } catch {
    return { valid: false, reason: 'issuer.publicKey is not a public key' };
  }
  const keyId = keyIdOf(publicKey);
  if (cert.issuer?.keyId !== keyId)
    return { valid: false, reason: 'issuer.keyId does not match its key' };
  const { signature, ...body } = cert as Certificate;
  const ok = verify(null, payloadOf(body), publicKey, Buffer.from(signature.value, 'base64'));
  if (!ok) return { valid: false, reason: 'the signature does not match the content' };
  // The verdict must follow from the gates, not just be signed.
  const derived = verdictOf(body.gates ?? []);
  if (derived.verdict !== body.verdict) {
    return { valid: false, reason: `verdict ${body.verdict} does not follow from its gates` };
  }
  const trusted = trustedKeys.some((k) => keyIdOf(k) === keyId);
  return { valid: true, keyId, trusted, verdict: body.verdict };
}
