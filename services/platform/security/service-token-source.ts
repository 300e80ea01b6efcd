/** A service token as handed out by auth. */
export interface IssuedServiceToken {
  readonly token: string;
  /** Lifetime in seconds from now. */
  readonly expiresInSec: number;
}

export interface ServiceTokenSourceOptions {
  /** Asks auth for a token addressed to `audience` (the HTTP call is the wiring's job). */
  readonly fetchToken: (audience: string) => Promise<IssuedServiceToken>;
  /** Renew this long before expiry (default 60 s, at most half the lifetime). */
  readonly renewBeforeSec?: number;
  readonly now?: () => number;
}

export interface ServiceTokenSource {
  /** A valid token for calls to `audience`; fetched once and reused until near expiry. */
  getToken(audience: string): Promise<string>;
}

/** Caches one service token per target service; concurrent callers share one fetch. */
export function createServiceTokenSource(opts: ServiceTokenSourceOptions): ServiceTokenSource {
  const now = opts.now ?? Date.now;
  const renewBeforeMs = (opts.renewBeforeSec ?? 60) * 1000;
  const cached = new Map<string, { token: string; renewAt: number }>();
  const inFlight = new Map<string, Promise<string>>();

  return {
    getToken(audience) {
      const hit = cached.get(audience);
      if (hit && now() < hit.renewAt) return Promise.resolve(hit.token);
      const pending = inFlight.get(audience);
      if (pending) return pending;
      const p = opts
        .fetchToken(audience)
        .then(({ token, expiresInSec }) => {
          const lifeMs = expiresInSec * 1000;
          cached.set(audience, {
            token,
            renewAt: now() + lifeMs - Math.min(renewBeforeMs, lifeMs / 2),
          });
          return token;
        })
        .finally(() => inFlight.delete(audience));
      inFlight.set(audience, p);
      return p;
    },
  };
}
