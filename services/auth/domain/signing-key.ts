import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The key auth signs with, and its id as published in the JWKS. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

const MIN_RSA_BITS = 2048;

/**
 * The RFC 7638 JWK thumbprint of an RSA public key. Used as kid: it is derived from the key
 * itself, so two auth replicas loading the same PEM agree on it with no extra configuration,
 * and a rotated key always gets a new kid.
 */
export function rsaThumbprint(publicKey: KeyObject): string {
  const { n, e } = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ e, kty: 'RSA', n });
  return createHash('sha256').update(canonical).digest('base64url');
}

function assertRsa(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`${what} is a ${String(key.asymmetricKeyType)} key; RS256 needs an RSA key`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new Error(`${what} has ${bits} bits; at least ${MIN_RSA_BITS} needed`);
}

/** Parses a PKCS#8 or PKCS#1 PEM private key (RSA ≥ 2048 bits). */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  assertRsa(privateKey, 'JWT private key');
  const publicKey = createPublicKey(privateKey);
  return { kid: rsaThumbprint(publicKey), privateKey, publicKey };
}

/** Parses an SPKI PEM public key (a previous signing key still published during rotation). */
export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey({ key: pem, format: 'pem' });
  assertRsa(key, 'JWT public key');
  return key;
}

export interface SigningKeySources {
  /** JWT_PRIVATE_KEY: the PEM itself (Kubernetes Secret as env). */
  readonly privateKeyPem?: string | undefined;
  /** JWT_PRIVATE_KEY_FILE: a path to the PEM (what `alphintra up` writes under .alphintra/). */
  readonly privateKeyFile?: string | undefined;
  /**
   * JWT_PREVIOUS_PUBLIC_KEY_FILES: comma-separated paths of public keys that signed tokens still
   * in circulation. Rotation = sign with the new key while publishing the old one next to it
   * for at least the access-token lifetime.
   */
  readonly previousPublicKeyFiles?: readonly string[] | undefined;
}

export interface LoadedKeys {
  readonly signing: SigningKey;
  /** Every key to publish in the JWKS: the signing key first, then the previous ones. */
  readonly published: readonly KeyObject[];
}

/** Loads the signing key and the keys to publish. Exactly one of pem/file must be given. */
export function loadKeys(src: SigningKeySources): LoadedKeys {
  if (Boolean(src.privateKeyPem) === Boolean(src.privateKeyFile)) {
    throw new Error('set exactly one of JWT_PRIVATE_KEY and JWT_PRIVATE_KEY_FILE');
  }
  const pem = src.privateKeyPem || readFileSync(src.privateKeyFile!, 'utf8');
  const signing = signingKeyFromPem(pem);
  const previous = (src.previousPublicKeyFiles ?? []).map((f) =>
    publicKeyFromPem(readFileSync(f, 'utf8')),
  );
  return { signing, published: [signing.publicKey, ...previous] };
}
