/**
 * Which addresses a TES http(s) input may be fetched from. The server fetches on a user's
 * behalf from inside the operator's network, so by default it refuses the places a request must
 * not reach through it: loopback (the server itself, its neighbours on 127/8), link-local
 * (169.254.169.254, the cloud metadata service) and unspecified addresses. `tes.httpAllow`
 * (addresses or CIDR ranges) lets chosen ones through again. Checked on the address a name
 * resolves to, at connect time, for every redirect too, so DNS cannot rebind around it.
 */
import { BlockList, isIP } from 'node:net';

/** What the operator allowed despite the defaults ("127.0.0.1", "10.0.0.0/8", "::1"). */
export interface HttpSettings {
  allow: readonly string[];
  /** Largest download, bytes (0: no cap). */
  maxBytes: number;
}

export const DEFAULT_HTTP: HttpSettings = { allow: [], maxBytes: 0 };

const DENIED: [string, number, 'ipv4' | 'ipv6'][] = [
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['::', 128, 'ipv6'],
];

function blockList(entries: readonly [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of entries) list.addSubnet(address, prefix, family);
  return list;
}

/** "10.0.0.0/8" → its subnet; a bare address is a /32 (/128). Undefined when not one. */
export function parseRange(text: string): [string, number, 'ipv4' | 'ipv6'] | undefined {
  const [address = '', bits] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return undefined;
  return [address, prefix, version === 4 ? 'ipv4' : 'ipv6'];
}

/** Answers whether an address may be connected to, with the reason when not. */
export function addressGuard(settings: HttpSettings): (address: string) => string | undefined {
  const denied = blockList(DENIED);
  const ranges = settings.allow.map(parseRange).filter((r) => r !== undefined);
  const allowed = blockList(ranges);
  return (address) => {
    // An IPv4 address in IPv6 clothing (::ffff:127.0.0.1) is judged as the IPv4 it is.
    const plain = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
    const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
    if (allowed.check(plain, family) || !denied.check(plain, family)) return undefined;
    return `${plain} is a loopback, link-local or unspecified address, which TES inputs may not be fetched from (the operator can allow it with tes.httpAllow)`;
  };
}
