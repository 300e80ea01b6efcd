import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';

/**
 * Passwords are hashed with argon2id at OWASP's first configuration: 19 MiB, t=2, p=1
 * (ARCHITECTURE.md, "Libraries worth knowing", with scrypt N=2^17 as the alternative). Both are memory-hard
 * and OWASP rates them equivalent. On this machine a login cost auth ~800 ms of CPU with scrypt
 * (one bare scrypt: 434 ms user and 203 ms system time, the kernel faulting in 128 MiB afresh
 * for every hash) and ~25 ms with argon2id (benchmarks/README.md, nineteenth session). Hashes
 * stored with scrypt before still verify, and are rehashed with argon2id at the next
 * successful login (`needsRehash`).
 */
export interface Argon2Params {
  /** Memory in KiB. */
  readonly m: number;
  /** Passes over the memory. */
  readonly t: number;
  /** Lanes. */
  readonly p: number;
}
export const OWASP_ARGON2ID: Argon2Params = { m: 19_456, t: 2, p: 1 };

/**
 * Longest password accepted, in UTF-8 bytes after normalisation. Neither function truncates
 * like bcrypt's 72 bytes; the cap only stops multi-megabyte inputs from costing CPU.
 */
export const MAX_PASSWORD_BYTES = 1024;
const KEY_LEN = 32;
const SALT_LEN = 16;
/** `Algorithm.Argon2id`; the package's enum is `const`, which isolated modules cannot read. */
const ARGON2ID = 2 as Algorithm;

/** PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (base64, no padding). */
const ARGON2_FORMAT =
  /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/;
/** What earlier versions stored: `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64url). */
const SCRYPT_FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

type Stored =
  | { readonly kind: 'argon2id'; readonly prm: Argon2Params; readonly text: string }
  | {
      readonly kind: 'scrypt';
      readonly prm: { readonly ln: number; readonly r: number; readonly p: number };
      readonly salt: Buffer;
      readonly hash: Buffer;
    };

export class PasswordTooLongError extends Error {
  readonly code = 'ALP_AUTH_PASSWORD_TOO_LONG';
  constructor() {
    super(`password longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
}

function normalise(password: string): Buffer {
  // NIST SP 800-63B: normalise so the same password typed on two keyboards matches.
  return Buffer.from(password.normalize('NFKC'), 'utf8');
}

/**
 * A stored hash, or undefined when it is neither format or asks for more than the bounds: a
 * tampered row must not make a login allocate gigabytes or run for minutes.
 */
function parse(stored: string): Stored | undefined {
  let m = ARGON2_FORMAT.exec(stored);
  if (m) {
    const prm = { m: Number(m[1]), t: Number(m[2]), p: Number(m[3]) };
    if (prm.p < 1 || prm.p > 4 || prm.t < 1 || prm.t > 10 || prm.m < 8 * prm.p || prm.m > 262_144)
      return undefined;
    return { kind: 'argon2id', prm, text: stored };
  }
  m = SCRYPT_FORMAT.exec(stored);
  if (m) {
    const prm = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
    if (prm.ln < 10 || prm.ln > 20 || prm.r < 1 || prm.r > 16 || prm.p < 1 || prm.p > 4)
      return undefined;
    const salt = Buffer.from(m[4]!, 'base64url');
    return { kind: 'scrypt', prm, salt, hash: Buffer.from(m[5]!, 'base64url') };
  }
  return undefined;
}

function argon2Options(prm: Argon2Params) {
  return {
    algorithm: ARGON2ID,
    memoryCost: prm.m,
    timeCost: prm.t,
    parallelism: prm.p,
    outputLen: KEY_LEN,
  };
}

function scryptMatches(password: Buffer, s: Extract<Stored, { kind: 'scrypt' }>): Promise<boolean> {
  const N = 2 ** s.prm.ln;
  // Node refuses to exceed maxmem (32 MiB by default); scrypt needs 128·N·r·p bytes plus slack.
  const opts: ScryptOptions = {
    N,
    r: s.prm.r,
    p: s.prm.p,
    maxmem: 128 * N * s.prm.r * s.prm.p + 16 * 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password, s.salt, KEY_LEN, opts, (err, key) =>
      err ? reject(err) : resolve(timingSafeEqual(key, s.hash)),
    ),
  );
}

async function matches(password: Buffer, stored: Stored): Promise<boolean> {
  if (stored.kind === 'scrypt') return scryptMatches(password, stored);
  // The format was checked, so a throw here is the library refusing the string: no match.
  return argon2Verify(stored.text, password).catch(() => false);
}

/** Limits concurrent derivations, so memory stays bounded and logins cannot starve the pool. */
function semaphore(max: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((r) => waiting.push(r));
    active += 1;
    try {
      return await fn();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

export interface PasswordHasher {
  /** Throws PasswordTooLongError above MAX_PASSWORD_BYTES. */
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `stored`. Pass `undefined` for an unknown user: a dummy hash
   * with the current parameters is computed, so the answer takes as long as for a real user.
   */
  verify(password: string, stored: string | undefined): Promise<boolean>;
  /** True when `stored` was made otherwise (scrypt, other parameters): rehash after login. */
  needsRehash(stored: string): boolean;
}

export interface PasswordHasherOptions {
  readonly params?: Argon2Params;
  /** Concurrent derivations (default 2, the machine's cores): memory ≤ maxConcurrent × m. */
  readonly maxConcurrent?: number;
}

export function createPasswordHasher(opts: PasswordHasherOptions = {}): PasswordHasher {
  const prm = opts.params ?? OWASP_ARGON2ID;
  const limit = semaphore(opts.maxConcurrent ?? 2);
  const b64 = (n: number) => randomBytes(n).toString('base64').replace(/=+$/, '');
  const dummy = parse(
    `$argon2id$v=19$m=${prm.m},t=${prm.t},p=${prm.p}$${b64(SALT_LEN)}$${b64(KEY_LEN)}`,
  );
  if (!dummy) throw new RangeError(`argon2id parameters out of bounds: ${JSON.stringify(prm)}`);

  return {
    async hash(password) {
      const pw = normalise(password);
      if (pw.length > MAX_PASSWORD_BYTES) throw new PasswordTooLongError();
      return limit(() => argon2Hash(pw, { ...argon2Options(prm), salt: randomBytes(SALT_LEN) }));
    },
    async verify(password, stored) {
      const pw = normalise(password);
      // The cap is public, so refusing early leaks nothing about the account.
      if (pw.length > MAX_PASSWORD_BYTES) return false;
      const known = stored === undefined ? undefined : parse(stored);
      const ok = await limit(() => matches(pw, known ?? dummy));
      return ok && known !== undefined;
    },
    needsRehash(stored) {
      const s = parse(stored);
      return s?.kind !== 'argon2id' || s.prm.m !== prm.m || s.prm.t !== prm.t || s.prm.p !== prm.p;
    },
  };
}
