import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// node:net's BlockList rather than a hand-written prefix matcher: it parses both families and
// also matches an IPv4-mapped IPv6 address (::ffff:10.0.0.1) against the IPv4 rules.
const NOT_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 reaches the local host
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata at 169.254.169.254
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // deprecated 6to4 relays
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast 255.255.255.255
];

const NOT_PUBLIC_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 96], // unspecified, loopback ::1 and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // deprecated site-local
  ['ff00::', 8], // multicast
];

const blocked = new BlockList();
for (const [net, prefix] of NOT_PUBLIC_V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of NOT_PUBLIC_V6) blocked.addSubnet(net, prefix, 'ipv6');

/** `[::1]` → `::1`, `fe80::1%eth0` → `fe80::1`. */
function bareAddress(ip: string): string {
  let v = ip.trim();
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  const zone = v.indexOf('%');
  return zone >= 0 ? v.slice(0, zone) : v;
}

/** The 32 bits of an IPv6 address from bit `offset` (a multiple of 16), as a dotted IPv4 address. */
function embeddedIpv4(ipv6: string, offset: number): string | undefined {
  const groups = expandIpv6(ipv6);
  if (!groups) return undefined;
  const hi = groups[offset / 16]!;
  const lo = groups[offset / 16 + 1]!;
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

/** Eight 16-bit groups, or undefined when the text is not an IPv6 address. */
function expandIpv6(ip: string): number[] | undefined {
  if (isIP(ip) !== 6) return undefined;
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16));
}

/**
 * True when `ip` is not a public unicast address, so an outbound request must not go there:
 * loopback, RFC 1918, link-local (cloud metadata 169.254.169.254 included), CGNAT 100.64/10,
 * 0.0.0.0/8, multicast, reserved and documentation ranges; for IPv6 ::, ::1, unique-local fc00::/7,
 * link-local fe80::/10, multicast, and every IPv6 form that embeds one of those IPv4 addresses
 * (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16). Anything that is not an IP
 * address at all counts as private: the caller must refuse what it cannot classify.
 */
export function isPrivateAddress(ip: string): boolean {
  const address = bareAddress(ip);
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  if (blocked.check(address, 'ipv6')) return true;
  const groups = expandIpv6(address)!;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0)) {
    return isPrivateAddress(embeddedIpv4(address, 96)!);
  }
  if (groups[0] === 0x2002) return isPrivateAddress(embeddedIpv4(address, 16)!);
  return false;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(ip: string): boolean {
  const address = bareAddress(ip);
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family !== 6) return false;
  const groups = expandIpv6(address)!;
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return true;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  return mapped && (groups[6]! >> 8) === 127;
}

/** Every address a host name resolves to (A and AAAA). Injectable so tests need no DNS. */
export type ResolveHost = (host: string) => Promise<readonly string[]>;

/** The system resolver (getaddrinfo, as a connection would use), every address of both families. */
export const systemResolveHost: ResolveHost = async (host) => {
  const results = await lookup(host, { all: true, verbatim: true });
  return results.map((r) => r.address);
};

export type ResolvedHostCheck = { ok: true; addresses: string[] } | { ok: false; problem: string };

export interface CheckResolvedHostOptions {
  /** Development only (RENDER_SIGNAL_ALLOW_LOCAL_TARGETS): loopback addresses are accepted. */
  allowLoopback?: boolean;
}

/**
 * Resolves `host` (a name, or an IP literal, brackets allowed) and refuses it when any of its
 * addresses is private (see isPrivateAddress), when it resolves to nothing, or when resolution
 * fails. Every address counts, not only the first: a name with one public and one private address
 * could be made to connect to the private one. This is a check at configuration time; a connection
 * must check again the address it actually connects to (DNS answers can change in between).
 */
export async function checkResolvedHost(host: string, resolve: ResolveHost, options: CheckResolvedHostOptions = {}): Promise<ResolvedHostCheck> {
  const name = bareAddress(host);
  if (name === '') return { ok: false, problem: 'has no host' };
  let addresses: string[];
  if (isIP(name) !== 0) {
    addresses = [name];
  } else {
    try {
      addresses = [...(await resolve(name))];
    } catch {
      return { ok: false, problem: 'host name does not resolve' };
    }
    if (addresses.length === 0) return { ok: false, problem: 'host name does not resolve' };
  }
  const refused = addresses.filter((a) => isPrivateAddress(a) && !(options.allowLoopback && isLoopbackAddress(a)));
  if (refused.length > 0) return { ok: false, problem: 'resolves to a private, loopback or link-local address' };
  return { ok: true, addresses };
}
