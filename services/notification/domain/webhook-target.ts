import { lookup as dnsLookup } from 'node:dns/promises';
import { classifyAddress, type AddressClass } from './blocked-ranges.js';
import { parseIp } from './ip-address.js';

/**
 * Ports a webhook may use: the standard HTTP(S) ports and their two common alternates.
 * Deliberately a short list, not a range: 8080-8443 would include Consul (8300-8302),
 * Vault (8200) and other internal admin ports.
 */
export const WEBHOOK_PORTS: readonly number[] = [80, 443, 8080, 8443];

/** Host names refused before any lookup: they name this machine or a metadata service. */
const REFUSED_NAMES =
  /^(localhost|metadata|metadata\.google\.internal|metadata\.goog)$|\.localhost$/;

/** How long a lookup may take before the target is refused (getaddrinfo has no timeout). */
export const LOOKUP_BUDGET_MS = 3000;

export type RefusalReason =
  | 'url-invalid'
  | 'scheme-not-allowed'
  | 'credentials-in-url'
  | 'port-not-allowed'
  | 'host-not-allowed'
  | 'host-unresolvable'
  | 'address-not-public';

export type TargetCheck =
  | { readonly allowed: true; readonly url: string; readonly addresses: readonly string[] }
  | {
      readonly allowed: false;
      readonly reason: RefusalReason;
      readonly message: string;
      readonly addressClass?: AddressClass;
    };

/** Resolves a host name to every address (dns.lookup with `all: true`); injectable for tests. */
export type Resolve = (hostname: string) => Promise<readonly string[]>;

export const systemResolve: Resolve = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface TargetCheckOptions {
  /** Host-name resolver (default: the system resolver, every address). */
  readonly resolve?: Resolve;
  /** Longest wait for the resolver (default LOOKUP_BUDGET_MS). */
  readonly lookupBudgetMs?: number;
}

function refuse(reason: RefusalReason, message: string, addressClass?: AddressClass): TargetCheck {
  return { allowed: false, reason, message, ...(addressClass ? { addressClass } : {}) };
}

/**
 * Decides whether a webhook URL may be called (SSRF protection): http(s) only, no
 * credentials, an allowed port, and a host whose every address is public unicast. Resolves
 * the name the way the HTTP client will (the system resolver, all addresses); one
 * non-public address refuses the target, since a client may connect to any of them.
 *
 * This is a check at registration time. Delivery must connect to the addresses returned
 * here (or check again at connect time), or a DNS-rebinding name can pass this check and
 * resolve to an internal address later.
 */
export async function checkWebhookTarget(
  raw: string,
  options: TargetCheckOptions = {},
): Promise<TargetCheck> {
  const resolve = options.resolve ?? systemResolve;
  const budget = options.lookupBudgetMs ?? LOOKUP_BUDGET_MS;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('url-invalid', 'not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return refuse(
      'scheme-not-allowed',
      `scheme ${url.protocol.slice(0, -1)} is not allowed (use https or http)`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    return refuse(
      'credentials-in-url',
      'credentials in the URL are not allowed (webhooks are authenticated by their signature)',
    );
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (!WEBHOOK_PORTS.includes(port)) {
    return refuse(
      'port-not-allowed',
      `port ${port} is not allowed (allowed: ${WEBHOOK_PORTS.join(', ')})`,
    );
  }
  // The WHATWG parser already turned 2130706433, 0x7f.1 and 127.1 into 127.0.0.1.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  let addresses: readonly string[];
  if (parseIp(host)) {
    addresses = [host];
  } else {
    if (REFUSED_NAMES.test(host)) return refuse('host-not-allowed', `host ${host} is not allowed`);
    try {
      addresses = await withBudget(resolve(host), budget);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
      return refuse('host-unresolvable', `host ${host} does not resolve (${code})`);
    }
    if (addresses.length === 0) return refuse('host-unresolvable', `host ${host} has no addresses`);
  }
  for (const address of addresses) {
    const addressClass = classifyAddress(address);
    // The address itself is not echoed: that would make this endpoint an oracle for
    // mapping internal host names to internal addresses.
    if (addressClass) {
      return refuse(
        'address-not-public',
        `host ${host} resolves to a ${addressClass} address`,
        addressClass,
      );
    }
  }
  return { allowed: true, url: url.href, addresses };
}

async function withBudget<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('lookup timed out'), { code: 'ETIMEOUT' })),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
