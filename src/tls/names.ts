// The names the mock's server certificate carries: the defaults, the configured extras, and how to compare them.

import net from 'node:net';
import { ConfigError } from '../config.js';

/** The host the mock stands in for; a proxy CONNECT to it (port 443) is served by the mock itself. */
export const IAMPORT_HOST = 'api.iamport.kr';
export const DEFAULT_TLS_NAMES: readonly string[] = [IAMPORT_HOST, 'localhost', '127.0.0.1'];

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** One name in a canonical form: a lower-case DNS name, or an IP address as URL parsing writes it. */
export function canonicalName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  const bare = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  if (net.isIPv4(bare)) return bare;
  if (net.isIPv6(bare)) return new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  if (bare.length > 253 || !DNS_NAME.test(bare))
    throw new ConfigError(`invalid --tls-names entry ${JSON.stringify(name)}: expected a host name or an IP address`);
  return bare;
}

export const isIp = (name: string): boolean => net.isIP(name) !== 0;

/** The certificate's names: the defaults, then the configured extras, canonical and without repeats. */
export function certificateNames(extra: readonly string[]): string[] {
  return [...new Set([...DEFAULT_TLS_NAMES, ...extra].map(canonicalName))];
}

/** The names of a certificate's subjectAltName as node:crypto prints it ("DNS:a, IP Address:1.2.3.4"). */
export function namesOfAltName(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(', ')
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry)?.[1])
    .filter((n): n is string => n !== undefined)
    .map((n) => {
      try {
        return canonicalName(n);
      } catch {
        return n; // a name we would not issue (kept so the comparison sees a difference)
      }
    });
}

export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((n) => sa.has(n));
}

/** Whether `name` falls under a name constraint's permitted DNS subtree `base` (RFC 5280 §4.2.1.10). */
export function dnsWithin(name: string, base: string): boolean {
  const plain = name.startsWith('*.') ? name.slice(2) : name;
  return plain === base || plain.endsWith(`.${base}`);
}
