import { BlockList, isIPv4 } from 'node:net';

/*
 * Which address is "the client" for a service behind the gateway. The gateway is the edge: its
 * request.ip is the socket peer, and it appends that peer to X-Forwarded-For on every proxied
 * call. A service behind it sees the gateway as its peer, so without help every client would
 * share the gateway's address, and per-address logic (auth's login throttle, logs) would treat
 * all clients as one: twenty failed logins from anyone would throttle everyone.
 *
 * A service therefore trusts exactly one hop, and only from an internal peer (loopback or a
 * private range, where the gateway runs): request.ip is then the last X-Forwarded-For entry,
 * the one the gateway itself wrote. Entries before it came from the client and are never
 * believed. A peer on a public address is never trusted at all. What this trusts: a process
 * that can reach the service on an internal address (past the gateway) could name any
 * address; such a process is already inside the deployment, and per-account throttling does
 * not depend on addresses at all.
 */

const INTERNAL = new BlockList();
INTERNAL.addSubnet('127.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('10.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('172.16.0.0', 12, 'ipv4');
INTERNAL.addSubnet('192.168.0.0', 16, 'ipv4');
INTERNAL.addAddress('::1', 'ipv6');
INTERNAL.addSubnet('fc00::', 7, 'ipv6');

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Loopback or private (RFC 1918, IPv6 unique-local), IPv4-mapped IPv6 included. */
export function isInternalAddress(address: string): boolean {
  const v4 = MAPPED_V4.exec(address)?.[1] ?? address;
  if (isIPv4(v4)) return INTERNAL.check(v4, 'ipv4');
  try {
    return INTERNAL.check(address, 'ipv6');
  } catch {
    return false;
  }
}

/**
 * Fastify's `trustProxy` for services behind the gateway: `hop` 0 is the socket peer, 1 the
 * last X-Forwarded-For entry, and so on; request.ip is the first address not trusted.
 */
export function trustGatewayHop(address: string, hop: number): boolean {
  return hop === 0 && isInternalAddress(address);
}
