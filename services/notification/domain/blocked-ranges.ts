import { inNetwork, parseIp, type IpAddress } from './ip-address.js';

/** Why an address is not a public destination. */
export type AddressClass =
  | 'metadata'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'ipv4-mapped'
  | 'ipv4-embedded';

interface Range {
  readonly cidr: string;
  readonly class: AddressClass;
}

/**
 * Networks a webhook may never reach, most specific first (the first match names the
 * reason). IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo, the
 * deprecated compatible form) are refused outright: whether they reach an internal host
 * depends on the network's translators, which we cannot see.
 */
const RANGES: readonly Range[] = [
  // Cloud instance metadata: AWS/GCP/Azure/OpenStack, AWS ECS task metadata, AWS IPv6 IMDS.
  { cidr: '169.254.169.254/32', class: 'metadata' },
  { cidr: '169.254.170.2/32', class: 'metadata' },
  { cidr: 'fd00:ec2::254/128', class: 'metadata' },
  // Alibaba Cloud's metadata address sits inside CGNAT space.
  { cidr: '100.100.100.200/32', class: 'metadata' },
  { cidr: '0.0.0.0/8', class: 'unspecified' },
  { cidr: '10.0.0.0/8', class: 'private' },
  { cidr: '100.64.0.0/10', class: 'cgnat' },
  { cidr: '127.0.0.0/8', class: 'loopback' },
  { cidr: '169.254.0.0/16', class: 'link-local' },
  { cidr: '172.16.0.0/12', class: 'private' },
  { cidr: '192.0.0.0/24', class: 'reserved' },
  { cidr: '192.0.2.0/24', class: 'documentation' },
  { cidr: '192.88.99.0/24', class: 'reserved' },
  { cidr: '192.168.0.0/16', class: 'private' },
  { cidr: '198.18.0.0/15', class: 'reserved' },
  { cidr: '198.51.100.0/24', class: 'documentation' },
  { cidr: '203.0.113.0/24', class: 'documentation' },
  { cidr: '224.0.0.0/4', class: 'multicast' },
  { cidr: '255.255.255.255/32', class: 'broadcast' },
  { cidr: '240.0.0.0/4', class: 'reserved' },
  { cidr: '::/128', class: 'unspecified' },
  { cidr: '::1/128', class: 'loopback' },
  { cidr: '::ffff:0:0/96', class: 'ipv4-mapped' },
  { cidr: '::/96', class: 'ipv4-embedded' },
  { cidr: '64:ff9b::/96', class: 'ipv4-embedded' },
  { cidr: '64:ff9b:1::/48', class: 'ipv4-embedded' },
  { cidr: '100::/64', class: 'reserved' },
  { cidr: '2001::/32', class: 'ipv4-embedded' },
  { cidr: '2001:db8::/32', class: 'documentation' },
  { cidr: '2002::/16', class: 'ipv4-embedded' },
  { cidr: 'fc00::/7', class: 'private' },
  { cidr: 'fe80::/10', class: 'link-local' },
  { cidr: 'fec0::/10', class: 'private' },
  { cidr: 'ff00::/8', class: 'multicast' },
];

const parsed: readonly { prefix: IpAddress; bits: number; class: AddressClass }[] = RANGES.map(
  (r) => {
    const [ip, bits] = r.cidr.split('/') as [string, string];
    return { prefix: parseIp(ip)!, bits: Number(bits), class: r.class };
  },
);

/**
 * The reason an address must not be reached, or undefined for a public unicast address.
 * Text that is not an IP address at all is refused as `reserved` (never assumed safe).
 */
export function classifyAddress(text: string): AddressClass | undefined {
  const address = parseIp(text);
  if (!address) return 'reserved';
  const match = parsed.find((r) => inNetwork(address, r.prefix, r.bits))?.class;
  if (match) return match;
  // Outside 2000::/3 nothing is assigned as global unicast: refuse rather than enumerate.
  if (address.family === 6 && !inNetwork(address, GLOBAL_UNICAST_V6, 3)) return 'reserved';
  return undefined;
}

const GLOBAL_UNICAST_V6 = parseIp('2000::')!;
