import { isIPv4, isIPv6 } from 'node:net';
import * as v from 'valibot';
import { text } from './fields.ts';

// The schemas resource kinds build their `config` from: apart from fields.ts, so credential routes do not load them.

export const TRANSPORT_PROTOCOLS = ['tcp', 'udp'] as const;

export const transportProtocol = v.picklist(TRANSPORT_PROTOCOLS, `Must be one of: ${TRANSPORT_PROTOCOLS.join(', ')}`);

/** An integer from `min` to `max`; a number with a fraction is refused as 'Expected int'. */
export function integer(min: number, max: number) {
  const message = `Must be an integer from ${min} to ${max}`;
  return v.pipe(
    v.number(),
    v.integer(),
    v.check((value) => value >= min && value <= max, message),
  );
}

export const port = integer(0, 65535);

/** `"22"` or `"8000-8080"`, as GCP firewall rules and Azure security rules write port ranges. */
export const portRange = v.pipe(
  v.string(),
  v.check((value) => {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
    if (match === null) return false;
    const low = Number(match[1]);
    const high = Number(match[2] ?? match[1]);
    return low <= high && high <= 65535;
  }, 'Must be a port ("22") or an ascending range ("8000-8080") within 0-65535'),
);

/** A list over 50 is refused before its items are read, so its answer is that one message. */
export const portRanges = v.pipe(
  v.array(v.unknown()),
  v.maxLength(50, 'Must list 1 to 50 ports or ranges'),
  v.array(portRange),
  v.minLength(1, 'Must list 1 to 50 ports or ranges'),
);

/** An IPv4 or IPv6 network in CIDR notation. */
export const cidr = v.pipe(
  v.string(),
  v.check((value) => {
    const [address = '', prefix, ...rest] = value.split('/');
    if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
    const bits = Number(prefix);
    return (isIPv4(address) && bits <= 32) || (isIPv6(address) && bits <= 128);
  }, 'Must be an IPv4 or IPv6 network in CIDR notation (203.0.113.0/24)'),
);

export const description = text(255);
