import { isIPv4, isIPv6 } from 'node:net';
import * as z from 'zod/mini';
import { text } from '../providers/fields.ts';

export const TRANSPORT_PROTOCOLS = ['tcp', 'udp'] as const;

export const transportProtocol = z.enum(TRANSPORT_PROTOCOLS, { error: `Must be one of: ${TRANSPORT_PROTOCOLS.join(', ')}` });

export const port = z.int({ error: 'Must be an integer from 0 to 65535' }).check(
  z.gte(0, { error: 'Must be an integer from 0 to 65535' }),
  z.lte(65535, { error: 'Must be an integer from 0 to 65535' }),
);

/** `"22"` or `"8000-8080"`, as GCP firewall rules and Azure security rules write port ranges. */
export const portRange = z.string().check(
  z.refine(
    (value) => {
      const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
      if (match === null) return false;
      const low = Number(match[1]);
      const high = Number(match[2] ?? match[1]);
      return low <= high && high <= 65535;
    },
    { error: 'Must be a port ("22") or an ascending range ("8000-8080") within 0-65535' },
  ),
);

export const portRanges = z.array(portRange).check(
  z.minLength(1, { error: 'Must list 1 to 50 ports or ranges' }),
  z.maxLength(50, { error: 'Must list 1 to 50 ports or ranges' }),
);

/** An IPv4 or IPv6 network in CIDR notation. */
export const cidr = z.string().check(
  z.refine(
    (value) => {
      const [address = '', prefix, ...rest] = value.split('/');
      if (rest.length > 0 || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
      const bits = Number(prefix);
      return (isIPv4(address) && bits <= 32) || (isIPv6(address) && bits <= 128);
    },
    { error: 'Must be an IPv4 or IPv6 network in CIDR notation (203.0.113.0/24)' },
  ),
);

export const description = text(255);
