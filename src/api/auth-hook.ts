/**
 * Authentication: with a token file configured, every API request must carry a token — as
 * `Authorization: Bearer <token>`, or Basic auth with the user's name and the token as password
 * (py-tes sends either). The hook sets `request.caller`; routes scope by it (src/api/caller.ts).
 * A few routes stay open: ping, TES service-info, the dashboard's static page (it asks for the
 * token itself) and the API documents.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TokenRegistry, Identity } from '../auth/token-registry.js';
import { JobProxyError } from '../errors.js';
import type { Caller } from './caller.js';

/** Paths anyone may GET without a token. */
const OPEN_PATHS = [
  /^\/v1\/jobproxy\/ping$/,
  /^\/ga4gh\/tes\/v1\/service-info$/,
  // Its compatibility alias for py-tes 0.4.x (src/api/tes/tes-legacy.ts): open as the original.
  /^\/v1\/tasks\/service-info$/,
  /^\/v1\/jobproxy\/openapi(\.json)?$/,
  /^\/v1\/jobproxy\/docs(\/.*)?$/,
  /^\/ga4gh\/tes\/v1\/openapi(\.json|\.yaml)?$/,
  /^\/ga4gh\/tes\/v1\/docs(\/.*)?$/,
  /^\/$/,
  /^\/dashboard(\/.*)?$/,
  /^\/favicon\.ico$/,
];

function isOpen(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0]!;
  return OPEN_PATHS.some((pattern) => pattern.test(path));
}

/** Who an Authorization header names, or why it names no one. */
export function identify(
  header: string | undefined,
  registry: TokenRegistry,
): Identity | { problem: string } {
  if (!header) return { problem: 'send "Authorization: Bearer <token>"' };
  const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'bearer') {
    return registry.identify(credentials) ?? { problem: 'the token is not known' };
  }
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { problem: 'Basic credentials must be user:token' };
    return (
      registry.identifyUser(decoded.slice(0, colon), decoded.slice(colon + 1)) ?? {
        problem: 'the user and token do not match',
      }
    );
  }
  return { problem: `unsupported authorization scheme "${scheme}"; use Bearer` };
}

function toCaller(identity: Identity): Caller {
  return { user: identity.user, admin: identity.role === 'admin' };
}

/**
 * Who may call, decided once when the server is built: every request must carry a token of the
 * registry, or — the operator chose no authentication (loopback default, or auth=none) — every
 * caller is an admin. There is no third case: a request is never silently trusted.
 */
export type Authentication = { tokens: TokenRegistry } | 'none';

/** Installs the hook that sets `request.caller` for `authentication`. */
export function installAccess(app: FastifyInstance, authentication: Authentication): void {
  app.decorateRequest('caller', undefined);
  if (authentication === 'none') {
    app.addHook('onRequest', (request, _reply, done) => {
      request.caller = { admin: true };
      done();
    });
    return;
  }
  installAuthentication(app, authentication.tokens);
}

/** Requires a known token on every request but the open ones. */
function installAuthentication(app: FastifyInstance, registry: TokenRegistry): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const header = request.headers.authorization;
    // An open route still learns who calls when a token is sent (the dashboard's own API).
    if (isOpen(request) && !header) return done();
    const result = identify(header, registry);
    if ('problem' in result) {
      if (isOpen(request)) return done();
      return done(new JobProxyError('UNAUTHORIZED', { problem: result.problem }));
    }
    request.caller = toCaller(result);
    done();
  });
}
