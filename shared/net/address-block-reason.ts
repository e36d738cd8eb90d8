import { BlockList, isIPv4, isIPv6 } from 'node:net';

type Subnet = [network: string, prefix: number];

/** IANA special-purpose ranges that must never be reached from a user-supplied URL. */
const IPV4_RANGES: [reason: string, subnets: Subnet[]][] = [
  ['unspecified', [['0.0.0.0', 8]]],
  ['loopback', [['127.0.0.0', 8]]],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ],
  ['carrier-grade NAT', [['100.64.0.0', 10]]],
  ['link-local', [['169.254.0.0', 16]]],
  ['multicast', [['224.0.0.0', 4]]],
  ['broadcast', [['255.255.255.255', 32]]],
  // Protocol assignments, documentation, 6to4 relay, benchmarking, and the rest of 240/4.
  [
    'reserved',
    [
      ['192.0.0.0', 24],
      ['192.0.2.0', 24],
      ['192.88.99.0', 24],
      ['198.18.0.0', 15],
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['240.0.0.0', 4],
    ],
  ],
];

const IPV6_RANGES: [reason: string, subnets: Subnet[]][] = [
  ['unspecified', [['::', 128]]],
  ['loopback', [['::1', 128]]],
  ['unique-local', [['fc00::', 7]]],
  ['link-local', [['fe80::', 10]]],
  ['multicast', [['ff00::', 8]]],
  // Site-local, discard-only, local-use NAT64, IETF assignments (Teredo among them), documentation, SRv6.
  [
    'reserved',
    [
      ['fec0::', 10],
      ['100::', 64],
      ['64:ff9b:1::', 48],
      ['2001::', 23],
      ['2001:db8::', 32],
      ['3fff::', 20],
      ['5f00::', 16],
    ],
  ],
];

const ipv4Lists = toBlockLists(IPV4_RANGES, 'ipv4');
const ipv6Lists = toBlockLists(IPV6_RANGES, 'ipv6');

/**
 * Why an address must not be connected to (`'loopback'`, `'private'`, `'IPv4-mapped link-local'`…), or `undefined`
 * when it is a public unicast address. IPv6 forms that carry an IPv4 address are judged by that IPv4 address.
 */
export function addressBlockReason(address: string): string | undefined {
  const bare = address.replace(/%.*$/, '');
  if (isIPv4(bare)) return ipv4Reason(bare);
  if (!isIPv6(bare)) return 'invalid';
  const groups = ipv6Groups(bare);
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) {
    const reason = ipv4Reason(embedded.address);
    return reason === undefined ? undefined : `${embedded.form} ${reason}`;
  }
  const listed = ipv6Lists.find(([, list]) => list.check(bare, 'ipv6'));
  if (listed !== undefined) return listed[0];
  // Only 2000::/3 is allocated as global unicast.
  return ((groups[0] ?? 0) & 0xe000) === 0x2000 ? undefined : 'reserved';
}

function ipv4Reason(address: string): string | undefined {
  return ipv4Lists.find(([, list]) => list.check(address, 'ipv4'))?.[0];
}

function embeddedIpv4(groups: number[]): { form: string; address: string } | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const low32 = ipv4FromGroups(g6, g7);
  const zeros80 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeros80 && g5 === 0xffff) return { form: 'IPv4-mapped', address: low32 };
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) {
    return { form: 'IPv4-translated', address: low32 };
  }
  // ::/96 minus :: and ::1, which the IPv6 table names precisely.
  if (zeros80 && g5 === 0 && (g6 !== 0 || g7 > 1)) return { form: 'IPv4-compatible', address: low32 };
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return { form: 'NAT64', address: low32 };
  }
  if (g0 === 0x2002) return { form: '6to4', address: ipv4FromGroups(g1 ?? 0, g2 ?? 0) };
  return undefined;
}

function ipv4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a trailing dotted quad folded in. */
function ipv6Groups(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text =
    dotted === null
      ? address
      : address.slice(0, dotted.index) +
        [(Number(dotted[1]) << 8) | Number(dotted[2]), (Number(dotted[3]) << 8) | Number(dotted[4])]
          .map((group) => group.toString(16))
          .join(':');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head = '', tail] = text.split('::');
  if (tail === undefined) return parse(head);
  const first = parse(head);
  const last = parse(tail);
  return [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
}

function toBlockLists(ranges: [string, Subnet[]][], type: 'ipv4' | 'ipv6'): [string, BlockList][] {
  return ranges.map(([reason, subnets]) => {
    const list = new BlockList();
    for (const [network, prefix] of subnets) list.addSubnet(network, prefix, type);
    return [reason, list];
  });
}
