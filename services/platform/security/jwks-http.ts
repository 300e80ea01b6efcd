import { request } from 'undici';
import type { JwksFetcher } from './key-set.js';

export interface HttpJwksOptions {
  readonly timeoutMs?: number;
  /** A JWKS is a few KB; anything larger is refused rather than buffered. */
  readonly maxBytes?: number;
}

/**
 * Fetches the JWKS from the one URL given by configuration (e.g. `${AUTH_URL}/.well-known/jwks.json`).
 * Nothing in a token (jku, x5u, kid) ever reaches this function.
 */
export function httpJwksFetcher(url: string, opts: HttpJwksOptions = {}): JwksFetcher {
  const timeoutMs = opts.timeoutMs ?? 3_000;
  const maxBytes = opts.maxBytes ?? 64 * 1024;
  return async () => {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      // undici's request() never follows redirects, so the URL stays the configured one.
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new Error(`GET ${url} answered ${res.statusCode}`);
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new Error(`GET ${url}: JWKS larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  };
}
