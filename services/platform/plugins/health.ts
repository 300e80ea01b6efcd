import fp from 'fastify-plugin';

/** A readiness check resolves when the dependency is usable and throws (with a short reason) when not. */
export type ReadinessCheck = () => Promise<void>;

export interface CheckResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly ms: number;
  /** Present and false for a check that does not gate readiness. */
  readonly critical?: false;
}

export interface Health {
  /**
   * Adds a dependency check. A critical one (the default) must pass for the service to be
   * ready; a non-critical one is reported but does not take the service out of rotation
   * (a dependency the service can degrade without, like the gateway's Redis).
   */
  addCheck(name: string, check: ReadinessCheck, options?: { critical?: boolean }): void;
  /** Flips readiness to 503 for good: the first step of a graceful shutdown. */
  startDraining(): void;
  readonly draining: boolean;
  /** Runs every check (in parallel, each bounded by the check timeout). */
  evaluate(): Promise<{ ready: boolean; checks: Record<string, CheckResult> }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: Health;
  }
}

export interface HealthOptions {
  /** Budget for one dependency check; a slower dependency counts as down. */
  checkTimeoutMs?: number;
}

function reason(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string' && /^[A-Z0-9_]+$/.test(e.code)) return e.code;
    if (typeof e.message === 'string') return e.message.slice(0, 200);
  }
  return String(err).slice(0, 200);
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - start) };
  } catch (err) {
    return { ok: false, error: reason(err), ms: Math.round(performance.now() - start) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/health/live` answers while the process runs; `/health/ready` answers 200 only when every
 * registered dependency check passes and the service is not draining.
 */
export const healthPlugin = fp<HealthOptions>(
  async (app, opts) => {
    const checks = new Map<string, { check: ReadinessCheck; critical: boolean }>();
    const timeoutMs = opts.checkTimeoutMs ?? 2000;
    let draining = false;

    const health: Health = {
      addCheck(name, check, options = {}) {
        if (checks.has(name)) throw new Error(`readiness check ${name} registered twice`);
        checks.set(name, { check, critical: options.critical ?? true });
      },
      startDraining() {
        draining = true;
      },
      get draining() {
        return draining;
      },
      async evaluate() {
        const entries = await Promise.all(
          [...checks].map(async ([name, { check, critical }]) => {
            const result = await runCheck(check, timeoutMs);
            return [name, critical ? result : { ...result, critical: false as const }] as const;
          }),
        );
        const gating = entries.filter(([name]) => checks.get(name)!.critical);
        return {
          ready: !draining && gating.every(([, r]) => r.ok),
          checks: Object.fromEntries(entries),
        };
      },
    };
    app.decorate('health', health);
    // While draining, every response closes its connection, so keep-alive clients of an
    // in-flight request let go and the server can finish closing inside its budget.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (draining) reply.header('connection', 'close');
      done(null, payload);
    });

    const logLevel = 'warn' as const;
    app.get('/health/live', { logLevel }, async () => ({ status: 'ok' }));
    app.get('/health/ready', { logLevel }, async (_request, reply) => {
      const { ready, checks: results } = await health.evaluate();
      const status = draining ? 'draining' : ready ? 'ready' : 'not_ready';
      return reply.code(ready ? 200 : 503).send({ status, checks: results });
    });
  },
  { name: 'alphintra-health', fastify: '5.x' },
);
