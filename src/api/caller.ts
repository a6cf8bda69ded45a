/**
 * Who is asking: the one place routes learn the caller of a request. A hook installed once when
 * the server is built sets it: the token check (auth-hook.ts), or — only when the operator runs
 * without authentication — an explicit admin. A request no hook named has no rights (fail closed).
 */
import type { FastifyRequest } from 'fastify';

/** The caller of a request: an admin sees every task, anyone else only their own. */
export interface Caller {
  user?: string;
  admin: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the access hook (build-server.ts); absent = no rights. */
    caller?: Caller;
  }
}

/** No one: the caller of a request no hook identified (sees and may do nothing). */
export const NOBODY: Readonly<Caller> = Object.freeze({ admin: false });

/** The caller of `request`; without one set by a hook, nobody (no rights). */
export function callerOf(request: FastifyRequest): Caller {
  return request.caller ?? NOBODY;
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
