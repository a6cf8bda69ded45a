/**
 * DNS rebinding and cross-site requests (DESIGN §6): the server answers only the Host names it
 * serves, and refuses a state-changing request a browser sent from another origin. A web page
 * the operator visits can point its own name at 127.0.0.1, but its requests then carry that name
 * as Host and its own origin as Origin — both refused here, before any route runs.
 */
import { networkInterfaces, hostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { JobProxyError } from '../errors.js';

/** Names every server answers to: this machine reached over loopback. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
/** Methods that change state: a foreign Origin on them is refused. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Addresses that mean "every interface": the machine's own names and addresses are served. */
const WILDCARDS = new Set(['0.0.0.0', '::']);

/** A host name as compared: lower case, no brackets, no trailing dot. */
function normalHost(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** The host of a Host header value (`name:port`, `[::1]:9999`), without the port. */
export function hostOfHeader(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith('[')) return normalHost(trimmed.slice(0, trimmed.indexOf(']') + 1));
  const colon = trimmed.indexOf(':');
  return normalHost(colon < 0 ? trimmed : trimmed.slice(0, colon));
}

/** The machine's own name and interface addresses (served when listening on every interface). */
function ownNames(): string[] {
  const addresses = Object.values(networkInterfaces()).flatMap((list) =>
    (list ?? []).map((entry) => entry.address),
  );
  return [hostname(), ...addresses];
}

/** What the server serves: its Host names and its scheme (an Origin must have both). */
export interface HostPolicy {
  names: readonly string[];
  protocol: 'http:' | 'https:';
  /**
   * The operator's own names (`allowedHosts`): an Origin on one of them, any scheme or port, is
   * the server's own site seen through a proxy (TLS in front: `https://jobs.example.org`).
   */
  originHosts: readonly string[];
}

/**
 * The Host names a server listening at `serveruri` answers: loopback names, the serveruri's own
 * host (with the machine's names and addresses when that is a wildcard address), and `extra`
 * (config key `allowedHosts`). A name `*.example.org` allows every subdomain.
 */
export function hostPolicy(serveruri: string, extra: readonly string[]): HostPolicy {
  const url = new URL(serveruri);
  const host = normalHost(url.hostname);
  const names = [...LOOPBACK_NAMES, host, ...extra];
  if (WILDCARDS.has(host)) names.push(...ownNames());
  const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
  const originHosts = extra.map(normalHost);
  return { names: [...new Set(names.map(normalHost))], protocol, originHosts };
}

/** Whether `host` is one of `names` (exact, or under a `*.` entry). */
function matchesName(host: string, names: readonly string[]): boolean {
  return names.some((name) =>
    name.startsWith('*.') ? host.endsWith(name.slice(1)) : host === name,
  );
}

/** Whether `host` is one of `allowed` (exact, or under a `*.` entry; 127.x is loopback). */
export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(host) || matchesName(host, allowed);
}

function hostProblem(request: FastifyRequest, allowed: readonly string[]): string | undefined {
  const header = request.headers.host;
  if (!header) return 'the request has no Host header';
  const host = hostOfHeader(header);
  if (!isAllowedHost(host, allowed)) {
    return `this server does not serve the host "${host.slice(0, 100)}" (add it to allowedHosts)`;
  }
  return undefined;
}

/** The problem with a state-changing request's Origin, if any; no Origin (not a browser) is fine. */
function originProblem(request: FastifyRequest, policy: HostPolicy): string | undefined {
  if (!STATE_CHANGING.has(request.method)) return undefined;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const shown = origin.slice(0, 100);
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `the request comes from the origin "${shown}", not from this server`;
  }
  if (matchesName(normalHost(url.hostname), policy.originHosts)) return undefined;
  const protocol = policy.protocol;
  // The server's own origin: its scheme, and the host and port the request was sent to.
  const own = (request.headers.host ?? '').trim().toLowerCase();
  const defaultPort = protocol === 'https:' ? '443' : '80';
  const ownWithPort = /:\d+$/.test(own) ? own : `${own}:${defaultPort}`;
  const originWithPort = `${url.hostname.toLowerCase()}:${url.port || defaultPort}`;
  if (url.protocol !== protocol || originWithPort !== ownWithPort) {
    return `the request comes from the origin "${shown}", not from this server`;
  }
  return undefined;
}

/** Refuses requests for a Host the server does not serve (421), or from a foreign Origin (403). */
export function installHostCheck(app: FastifyInstance, policy: HostPolicy): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const badHost = hostProblem(request, policy.names);
    if (badHost) return done(new JobProxyError('MISDIRECTED_REQUEST', { problem: badHost }));
    const badOrigin = originProblem(request, policy);
    if (badOrigin) return done(new JobProxyError('FORBIDDEN', { problem: badOrigin }));
    done();
  });
}
