import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Files of the platform's signing keys under ALPHINTRA_HOME/keys (kept across runs). */
export interface KeyFiles {
  jwtPrivateKeyFile: string;
  jwtPublicKeyFile: string;
  /** RFC 7638 thumbprint of the JWT public key; goes into the JWKS and every token header. */
  jwtKid: string;
  certPrivateKeyFile: string;
  certPublicKeyFile: string;
  /** Whether this call created any key (first run). */
  created: boolean;
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key. */
export function rsaThumbprint(publicPem: string): string {
  const jwk = createPublicKey(publicPem).export({ format: 'jwk' });
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * Creates, on first run only, the RS256 JWT signing key pair and the Ed25519 certificate
 * signing key; later runs reuse them so tokens and certificates stay verifiable.
 */
export async function ensureKeys(keysDir: string): Promise<KeyFiles> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const files = {
    jwtPrivateKeyFile: path.join(keysDir, 'jwt-private.pem'),
    jwtPublicKeyFile: path.join(keysDir, 'jwt-public.pem'),
    certPrivateKeyFile: path.join(keysDir, 'cert-private.pem'),
    certPublicKeyFile: path.join(keysDir, 'cert-public.pem'),
  };
  let created = false;
  if (!(await exists(files.jwtPrivateKeyFile)) || !(await exists(files.jwtPublicKeyFile))) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await writeFile(files.jwtPrivateKeyFile, privateKey, { mode: 0o600 });
    await writeFile(files.jwtPublicKeyFile, publicKey, { mode: 0o644 });
    created = true;
  }
  if (!(await exists(files.certPrivateKeyFile)) || !(await exists(files.certPublicKeyFile))) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await writeFile(files.certPrivateKeyFile, privateKey, { mode: 0o600 });
    await writeFile(files.certPublicKeyFile, publicKey, { mode: 0o644 });
    created = true;
  }
  const jwtKid = rsaThumbprint(await readFile(files.jwtPublicKeyFile, 'utf8'));
  return { ...files, jwtKid, created };
}

/**
 * Passwords of the per-service database roles (and of the embedded superuser), generated
 * once and kept in keys/db-passwords.json (mode 0600). `up` sets them on every run, so a
 * lost file heals itself.
 */
export async function ensurePasswords(
  keysDir: string,
  roles: readonly string[],
): Promise<Record<string, string>> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const file = path.join(keysDir, 'db-passwords.json');
  let current: Record<string, string> = {};
  try {
    current = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    current = {};
  }
  const missing = roles.filter((r) => typeof current[r] !== 'string');
  if (missing.length > 0) {
    for (const r of missing) current[r] = randomBytes(18).toString('base64url');
    await writeFile(file, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  }
  return current;
}

/**
 * A random secret kept in keys/<name> (mode 0600), created on first use: e.g. the master of
 * the service credentials. base64url text, so it can travel in an environment variable.
 */
export async function ensureSecret(keysDir: string, name: string, bytes = 48): Promise<string> {
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const file = path.join(keysDir, name);
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (existing.length > 0) return existing;
  } catch {
    // first run
  }
  const secret = randomBytes(bytes).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
