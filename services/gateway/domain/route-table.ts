import type { ServiceName, ServiceSpec } from '../../catalog.js';

/** Where a request path goes. */
export interface RouteMatch {
  readonly service: ServiceName;
  readonly prefix: string;
  /** True when the exact path needs no access token at the edge. */
  readonly public: boolean;
  /** True when the service takes WebSocket upgrades under this prefix. */
  readonly websocket: boolean;
}

export interface RouteTable {
  /** The route for a path (query string allowed), or null: unknown route, or a path we refuse to interpret. */
  match(path: string): RouteMatch | null;
  readonly routes: readonly { prefix: string; service: ServiceName }[];
}

/*
 * A path is only matched if it is already in the one form every upstream will read the same
 * way. Dot segments, empty segments, backslashes and encoded `/`, `\` or `.` are refused
 * rather than normalised: otherwise `/api/v1/auth/login/..%2F..%2Fusers` could match a public
 * prefix at the edge and a private route at the service.
 */
const AMBIGUOUS = /(^|\/)\.{1,2}(\/|$)|\/\/|\\|%2f|%5c|%2e/i;

function hasControlCharacter(path: string): boolean {
  for (let i = 0; i < path.length; i += 1) {
    const c = path.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Builds the gateway's table from the catalog. Throws on a prefix claimed twice. */
export function buildRouteTable(services: readonly ServiceSpec[]): RouteTable {
  const routes: {
    prefix: string;
    service: ServiceName;
    public: Set<string>;
    websocket: boolean;
  }[] = [];
  const seen = new Map<string, ServiceName>();
  for (const s of services) {
    for (const r of s.routes) {
      if (!r.prefix.startsWith('/') || (r.prefix.length > 1 && r.prefix.endsWith('/'))) {
        throw new Error(
          `route prefix ${r.prefix} of ${s.name} must start with / and not end with /`,
        );
      }
      const owner = seen.get(r.prefix);
      if (owner) throw new Error(`route prefix ${r.prefix} is claimed by ${owner} and ${s.name}`);
      seen.set(r.prefix, s.name);
      for (const p of r.public ?? []) {
        if (p !== r.prefix && !p.startsWith(`${r.prefix}/`)) {
          throw new Error(`public path ${p} of ${s.name} is not under its prefix ${r.prefix}`);
        }
      }
      routes.push({
        prefix: r.prefix,
        service: s.name,
        public: new Set(r.public ?? []),
        websocket: r.websocket === true,
      });
    }
  }
  // Longest prefix first, so /api/v1/orders/special can be owned apart from /api/v1/orders.
  routes.sort((a, b) => b.prefix.length - a.prefix.length);

  return {
    routes: routes.map(({ prefix, service }) => ({ prefix, service })),
    match(raw) {
      const q = raw.indexOf('?');
      const path = q === -1 ? raw : raw.slice(0, q);
      if (!path.startsWith('/') || AMBIGUOUS.test(path) || hasControlCharacter(path)) return null;
      // The internal surface is never reachable from outside, whatever the catalog says.
      if (path === '/internal' || path.startsWith('/internal/')) return null;
      for (const r of routes) {
        if (path === r.prefix || path.startsWith(`${r.prefix}/`)) {
          return {
            service: r.service,
            prefix: r.prefix,
            public: r.public.has(path),
            websocket: r.websocket,
          };
        }
      }
      return null;
    },
  };
}
