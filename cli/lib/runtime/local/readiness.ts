import http from 'node:http';

/** One probe of GET /health/ready: ready or not, and in words why not. */
export interface ReadyProbe {
  ready: boolean;
  /** `200`, `503 (postgres: ECONNREFUSED)`, `ECONNREFUSED`, `timeout`. */
  detail: string;
}

interface ReadyBody {
  status?: string;
  checks?: Record<string, { ok?: boolean; error?: string }>;
}

/** Summarises a not-ready body: the failing checks and their errors, or its status. */
export function describeNotReady(status: number, body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as ReadyBody;
  const failing = Object.entries(b.checks ?? {})
    .filter(([, c]) => c.ok === false)
    .map(([name, c]) => (c.error ? `${name}: ${c.error}` : name));
  if (failing.length > 0) return `${status} (${failing.join(', ')})`;
  return b.status ? `${status} (${b.status})` : String(status);
}

function errorCode(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'timeout';
  return e.cause?.code ?? e.code ?? (err instanceof Error ? err.message : String(err));
}

/**
 * One GET with node:http (no keep-alive, nothing to load: the CLI polls while services boot
 * on the same cores, so the probe must stay cheap).
 */
export function probeReady(url: string, timeoutMs = 1000): Promise<ReadyProbe> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => resolve({ ready: false, detail: errorCode(err) }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status === 200) return resolve({ ready: true, detail: '200' });
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          body = undefined;
        }
        resolve({ ready: false, detail: describeNotReady(status, body) });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (err) => resolve({ ready: false, detail: errorCode(err) }));
  });
}

export function readyUrl(host: string, port: number): string {
  return `http://${host}:${port}/health/ready`;
}
