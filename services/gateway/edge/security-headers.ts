import type { FastifyReply, FastifyRequest } from 'fastify';

/*
 * The headers the OWASP REST Security Cheat Sheet asks of every API response, written once.
 * The gateway serves JSON to programs and browsers' fetch, never documents, so helmet's page
 * headers (COOP, Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection, a page CSP) protect nothing here, and
 * each costs the gateway a header to validate and write on every response. What helmet's set
 * lacked: `Cache-Control: no-store`, so no browser or intermediary keeps a user's orders or
 * profile. An upstream that sets its own Cache-Control (a public, cacheable answer) wins.
 * Set on the raw response, so error answers carry them too.
 */
const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

/** onRequest hook: the API security headers on every routed response. */
export function securityHeadersHook(
  _request: FastifyRequest,
  reply: FastifyReply,
  done: () => void,
) {
  const raw = reply.raw;
  for (const [name, value] of SECURITY_HEADERS) raw.setHeader(name, value);
  raw.removeHeader('X-Powered-By');
  done();
}
