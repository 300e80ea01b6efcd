import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** OWASP's first scrypt configuration: N=2^17 (128 MiB), r=8, p=1. */
export interface ScryptParams {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}
export const OWASP_SCRYPT: ScryptParams = { ln: 17, r: 8, p: 1 };

/**
 * Longest password accepted, in UTF-8 bytes after normalisation. scrypt has no 72-byte
 * truncation like bcrypt; the cap only stops multi-megabyte inputs from costing CPU.
 */
export const MAX_PASSWORD_BYTES = 1024;
const KEY_LEN = 32;
const SALT_LEN = 16;

/** PHC-style string: `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64url, no padding). */
const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

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

function derive(password: Buffer, salt: Buffer, prm: ScryptParams): Promise<Buffer> {
  const N = 2 ** prm.ln;
  // Node refuses to exceed maxmem (32 MiB by default); scrypt needs 128·N·r·p bytes plus slack.
  const opts: ScryptOptions = {
    N,
    r: prm.r,
    p: prm.p,
    maxmem: 128 * N * prm.r * prm.p + 16 * 1024 * 1024,
  };
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LEN, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function parse(stored: string): { prm: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const m = FORMAT.exec(stored);
  if (!m) return undefined;
  const prm = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Bounds stop a tampered row from asking for gigabytes of memory.
  if (prm.ln < 10 || prm.ln > 20 || prm.r < 1 || prm.r > 16 || prm.p < 1 || prm.p > 4)
    return undefined;
  return { prm, salt: Buffer.from(m[4]!, 'base64url'), hash: Buffer.from(m[5]!, 'base64url') };
}

function format(prm: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `$scrypt$ln=${prm.ln},r=${prm.r},p=${prm.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Limits concurrent derivations: each takes 128 MiB at OWASP parameters. */
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
  /** True when `stored` was made with other parameters (rehash after a successful login). */
  needsRehash(stored: string): boolean;
}

export interface PasswordHasherOptions {
  readonly params?: ScryptParams;
  /** Concurrent derivations (default 2): bounds memory to maxConcurrent × 128 MiB. */
  readonly maxConcurrent?: number;
}

export function createPasswordHasher(opts: PasswordHasherOptions = {}): PasswordHasher {
  const prm = opts.params ?? OWASP_SCRYPT;
  const limit = semaphore(opts.maxConcurrent ?? 2);
  const dummy = format(prm, randomBytes(SALT_LEN), randomBytes(KEY_LEN));

  return {
    async hash(password) {
      const pw = normalise(password);
      if (pw.length > MAX_PASSWORD_BYTES) throw new PasswordTooLongError();
      const salt = randomBytes(SALT_LEN);
      return format(prm, salt, await limit(() => derive(pw, salt, prm)));
    },
    async verify(password, stored) {
      const pw = normalise(password);
      // The cap is public, so refusing early leaks nothing about the account.
      if (pw.length > MAX_PASSWORD_BYTES) return false;
      const known = stored === undefined ? undefined : parse(stored);
      const target = known ?? parse(dummy)!;
      const derived = await limit(() => derive(pw, target.salt, target.prm));
      return timingSafeEqual(derived, target.hash) && known !== undefined;
    },
    needsRehash(stored) {
      const p = parse(stored)?.prm;
      return !p || p.ln !== prm.ln || p.r !== prm.r || p.p !== prm.p;
    },
  };
}
