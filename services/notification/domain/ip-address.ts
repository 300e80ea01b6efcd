import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as its bytes: 4 for IPv4, 16 for IPv6. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/**
 * Parses a textual IP address (what dns.lookup returns, or a URL's host without brackets).
 * Our own parser rather than net.BlockList: BlockList treats an IPv4 address and its
 * IPv4-mapped IPv6 form as the same, so a rule for ::ffff:0:0/96 would match every IPv4
 * address, and we need to tell the two apart. Returns undefined for anything else.
 */
export function parseIp(text: string): IpAddress | undefined {
  const address = text.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names an interface, not an address
  if (isIPv4(address)) {
    return { family: 4, bytes: Uint8Array.from(address.split('.').map(Number)) };
  }
  if (!isIPv6(address)) return undefined;
  let groups = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    // The last 32 bits written as IPv4 (::ffff:127.0.0.1): two 16-bit groups.
    tail.push(...dotted[1]!.split('.').map(Number));
    groups = address.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head, rest] = groups.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const fill = rest === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...Array<string>(fill).fill('0'), ...right].map((g) => parseInt(g, 16));
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[i * 2] = w >> 8;
    bytes[i * 2 + 1] = w & 0xff;
  });
  if (tail.length === 4) bytes.set(tail, 12);
  return { family: 6, bytes };
}

/** Whether `address` lies in the network `prefix`/`bits` (both of the same family). */
export function inNetwork(address: IpAddress, prefix: IpAddress, bits: number): boolean {
  if (address.family !== prefix.family) return false;
  for (let i = 0; i < bits; i += 8) {
    const take = Math.min(8, bits - i);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((address.bytes[i / 8]! & mask) !== (prefix.bytes[i / 8]! & mask)) return false;
  }
  return true;
}
