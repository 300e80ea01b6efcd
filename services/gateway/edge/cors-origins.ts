/**
 * Parses CORS_ORIGINS (comma-separated `scheme://host[:port]`). `*` is refused: the gateway
 * answers with credentials, and a wildcard (or a reflected unknown origin) with credentials
 * would let any site act as the user. An empty or absent value disables CORS.
 */
export function parseCorsOrigins(value: string | undefined): string[] {
  if (value === undefined) return [];
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const o of origins) {
    if (o === '*') throw new Error('CORS_ORIGINS: * is not allowed (credentials are allowed)');
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new Error(`CORS_ORIGINS: ${o} is not an origin`);
    }
    if (url.origin !== o)
      throw new Error(`CORS_ORIGINS: ${o} is not an origin (use ${url.origin})`);
  }
  return origins;
}
