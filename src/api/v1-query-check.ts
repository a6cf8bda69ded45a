/**
 * The v1 API's query parameters: a parameter no route reads is a 400 naming it (docs/errors.md),
 * not silently ignored — `/state?user=bob` must not look like a filter that worked. Ping is left
 * lenient: monitors add cache-busting parameters.
 */
import type { FastifyInstance } from 'fastify';
import { JobProxyError } from '../errors.js';

/** The parameters each v1 route reads, by route pattern. */
const V1_QUERY: Record<string, readonly string[]> = {
  '/v1/jobproxy/submit': [],
  '/v1/jobproxy/state': [],
  '/v1/jobproxy/state/:id': ['wait'],
  '/v1/jobproxy/delete/:id': [],
};

/** Refuses unknown query parameters on the v1 routes (before the route runs). */
export function installV1QueryCheck(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const known = V1_QUERY[request.routeOptions.url ?? ''];
    if (!known) return done();
    const unknown = Object.keys((request.query ?? {}) as object).filter((k) => !known.includes(k));
    if (unknown.length === 0) return done();
    const allowed = known.length ? `known: ${known.join(', ')}` : 'this route takes none';
    const error = new JobProxyError(
      'INVALID_PARAMETER',
      { field: unknown.join(', '), problem: `unknown query parameter (${allowed})` },
      unknown.map((field) => ({ field, problem: 'unknown query parameter' })),
    );
    done(error);
  });
}
