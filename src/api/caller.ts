/**
 * Who is asking: the one place routes learn the caller of a request, so that authentication
 * (a later hook that checks the bearer token) decides what every listing and task route shows.
 * Until that hook exists every caller is an admin, as on the loopback-only server of DESIGN §6.
 */
import type { FastifyRequest } from 'fastify';

/** The caller of a request: an admin sees every task, anyone else only their own. */
export interface Caller {
  user?: string;
  admin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook; absent = no authentication configured. */
    caller?: Caller;
  }
}

/** The caller of `request` (an admin when no authentication hook set one). */
export function callerOf(request: FastifyRequest): Caller {
  return request.caller ?? { admin: true };
}

/**
 * The owner a task query must be restricted to: undefined for an admin (every task), the
 * caller's user otherwise. A non-admin without a user sees nothing (an impossible user name).
 */
export function visibleOwner(caller: Caller): string | undefined {
  if (caller.admin) return undefined;
  return caller.user ?? '\u0000';
}

/** Headers whose values are credentials: never logged. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-auth-token',
]);

/** A copy of `headers` with credential values replaced by "[Redacted]" (for debug logs). */
export function redactHeaders(
  headers: Record<string, string | string[] | number | undefined>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[Redacted]' : value;
  }
  return copy;
}
