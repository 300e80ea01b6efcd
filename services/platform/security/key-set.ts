import { authError } from './errors.js';
import { parseJwks, type VerificationKey } from './jwks.js';

/** Where verifiers look keys up. A kid is only ever a map key here: never a path or a URL. */
export interface KeySource {
  /** The key with this kid, or undefined. Throws ALP_AUTH_KEYS_UNAVAILABLE when no key set could be loaded. */
  getKey(kid: string): Promise<VerificationKey | undefined>;
  /**
   * The key with this kid in the set already in memory, without waiting for anything:
   * undefined when no set is loaded or the kid is not in it (then ask `getKey`, which may
   * fetch). A hot path's shortcut, never a different answer: what it returns, `getKey` would.
   */
  peekKey(kid: string): VerificationKey | undefined;
}

/** Returns the parsed JSON of the JWKS document; injected so tests can count calls. */
export type JwksFetcher = () => Promise<unknown>;

export interface JwksKeySetOptions {
  readonly fetchJwks: JwksFetcher;
  /**
   * An unknown kid triggers at most one refetch per interval (default 30 s), so a flood of
   * tokens with random kids costs the auth service one request per interval, not one each.
   */
  readonly minRefetchIntervalMs?: number;
  /** A set older than this is refreshed in the background on the next lookup (default 10 min). */
  readonly maxAgeMs?: number;
  /** While no set has ever loaded, wait this long between attempts (default 1 s). */
  readonly failureBackoffMs?: number;
  readonly now?: () => number;
}

export interface JwksKeySet extends KeySource {
  /** Number of fetch attempts so far (for metrics and tests). */
  readonly fetchCount: number;
  /** Fetches now unless a fetch is in flight (then joins it). Rejects if the fetch fails. */
  refresh(): Promise<void>;
}

/** A JWKS cached in memory with a bounded refetch on unknown kid. */
export function createJwksKeySet(opts: JwksKeySetOptions): JwksKeySet {
  const minRefetch = opts.minRefetchIntervalMs ?? 30_000;
  const maxAge = opts.maxAgeMs ?? 600_000;
  const failureBackoff = opts.failureBackoffMs ?? 1_000;
  const now = opts.now ?? Date.now;

  let keys: Map<string, VerificationKey> | undefined;
  let loadedAt = 0;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> | undefined;
  let fetchCount = 0;

  function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    lastAttemptAt = now();
    fetchCount += 1;
    inFlight = (async () => {
      try {
        const doc = await opts.fetchJwks();
        keys = parseJwks(doc);
        loadedAt = now();
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  /** A set past its age is refreshed in the background; meanwhile it keeps answering. */
  function refreshIfStale(): void {
    if (now() - loadedAt > maxAge && now() - lastAttemptAt >= minRefetch) {
      refresh().catch(() => undefined);
    }
  }

  async function getKey(kid: string): Promise<VerificationKey | undefined> {
    if (!keys) {
      if (!inFlight && now() - lastAttemptAt < failureBackoff) {
        throw authError('ALP_AUTH_KEYS_UNAVAILABLE', 'JWKS fetch failed recently');
      }
      try {
        await refresh();
      } catch (err) {
        throw authError('ALP_AUTH_KEYS_UNAVAILABLE', `JWKS fetch failed: ${String(err)}`);
      }
    } else {
      refreshIfStale();
    }
    const found = keys?.get(kid);
    if (found || now() - lastAttemptAt < minRefetch) return found;
    // Unknown kid: maybe a key rotated in since the last fetch. One bounded refetch.
    await refresh().catch(() => undefined);
    return keys?.get(kid);
  }

  return {
    getKey,
    peekKey(kid) {
      if (!keys) return undefined;
      refreshIfStale();
      return keys.get(kid);
    },
    refresh,
    get fetchCount() {
      return fetchCount;
    },
  };
}

/** A fixed key set (the auth service verifying its own tokens, tests). */
export function createStaticKeySet(jwks: unknown): KeySource {
  const keys = parseJwks(jwks);
  return { getKey: (kid) => Promise.resolve(keys.get(kid)), peekKey: (kid) => keys.get(kid) };
}
