/**
 * The one place errors become HTTP: every error answers the catalogue's JSON shape
 * {statusCode, code, error, message, details?}. Fastify's own errors (bad JSON, body too large,
 * wrong content type, router limits) are mapped to catalogue codes so clients see one vocabulary.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JobProxyError } from '../errors.js';

export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: { field: string; problem: string }[];
}

/** What a request body may be sent as (named in 415 answers). */
export const BODY_TYPES = 'application/json, application/xml or text/xml';

/** The 400 for a body that cannot be read as `format`; `field` says where, when known. */
export function malformedBody(format: string, problem: string, field = 'body'): JobProxyError {
  return new JobProxyError('MALFORMED_BODY', { format, problem }, [{ field, problem }]);
}

/** The 415 for a body sent as something no route reads. */
export function unsupportedMediaType(contentType: string | undefined): JobProxyError {
  return new JobProxyError('UNSUPPORTED_MEDIA_TYPE', {
    contentType: contentType || '(none)',
    supported: BODY_TYPES,
  });
}

/** Fastify error codes → our catalogue; undefined for an error that is not the client's. */
function fromFastifyError(
  error: FastifyError,
  request: FastifyRequest,
  bodyLimit: number,
): JobProxyError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new JobProxyError('BODY_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(request.headers['content-type']);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformedBody('JSON', 'the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformedBody('JSON', error.message);
  }
  if (error instanceof SyntaxError) return malformedBody('JSON', error.message);
  // Any other request-level refusal of Fastify's (e.g. a bad Content-Length) is the client's.
  if (error.statusCode === 400 || error.statusCode === 413 || error.statusCode === 415) {
    return new JobProxyError('MALFORMED_BODY', { format: 'request', problem: error.message });
  }
  return undefined;
}

/** The JSON body of a catalogue error. */
export function errorBody(error: JobProxyError): ErrorBody {
  return {
    statusCode: error.status,
    code: error.code,
    error: STATUS_CODES[error.status] ?? 'Error',
    message: error.message,
    ...(error.details?.length ? { details: error.details } : {}),
  };
}

/** Seconds a client should wait before trying again, by code. */
const RETRY_AFTER: Partial<Record<JobProxyError['code'], string>> = {
  TOO_MANY_REQUESTS: '1',
  STORE_UNAVAILABLE: '5',
  STORE_FULL: '30',
};

/** Store faults are logged once by the store itself (src/store/guarded-store.ts), not per request. */
const LOGGED_ELSEWHERE = new Set<JobProxyError['code']>(['STORE_UNAVAILABLE', 'STORE_FULL']);

export function sendError(reply: FastifyReply, error: JobProxyError): FastifyReply {
  const retryAfter = RETRY_AFTER[error.code];
  if (retryAfter) reply.header('retry-after', retryAfter);
  if (error.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="jobproxy"');
  reply.request.auditReason = error.message;
  return reply.code(error.status).type('application/json').send(errorBody(error));
}

/** The registered routes, for 405 answers with an Allow header and for router errors. */
export interface RouteTable {
  /** Methods some route allows on this path. */
  allowedMethods(url: string): string[];
  /** Path parameter names of the route for this method and path; undefined when none matches. */
  paramsOf(url: string, method: string): string[] | undefined;
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0]!;
}

/** No route for this method and path: 405 with Allow when the path exists, else 404. */
function sendNoRoute(
  reply: FastifyReply,
  request: FastifyRequest,
  routes: RouteTable,
): FastifyReply {
  const path = pathOf(request);
  const allowed = routes.allowedMethods(path);
  if (allowed.length > 0) {
    reply.header('allow', allowed.join(', '));
    return sendError(
      reply,
      new JobProxyError('METHOD_NOT_ALLOWED', {
        method: request.method,
        url: path,
        allowed: allowed.join(' or '),
      }),
    );
  }
  return sendError(
    reply,
    new JobProxyError('ROUTE_NOT_FOUND', { method: request.method, url: path }),
  );
}

const SHOWN_LENGTH = 64;

function shorten(text: string): string {
  return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}…` : text;
}

/**
 * Errors the router raises before any route runs (Fastify's `frameworkErrors` option), which
 * would otherwise answer in Fastify's own shape. A path parameter longer than the router allows
 * names something that cannot exist: 404 (TASK_NOT_FOUND for an `:id`, as a short unknown id
 * gets), not 414.
 */
export function createFrameworkErrorHandler(
  routes: RouteTable,
): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    const path = pathOf(request);
    if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      const params = routes.paramsOf(path, request.method === 'HEAD' ? 'GET' : request.method);
      if (params === undefined) return void sendNoRoute(reply, request, routes);
      if (params.includes('id')) {
        const id = shorten(path.slice(path.lastIndexOf('/') + 1));
        return void sendError(reply, new JobProxyError('TASK_NOT_FOUND', { id }));
      }
      const url = shorten(path);
      return void sendError(
        reply,
        new JobProxyError('ROUTE_NOT_FOUND', { method: request.method, url }),
      );
    }
    if (error.code === 'FST_ERR_BAD_URL') {
      return void sendError(
        reply,
        new JobProxyError(
          'INVALID_PARAMETER',
          { field: 'path', problem: 'is not valid percent-encoding' },
          [{ field: 'path', problem: 'is not valid percent-encoding' }],
        ),
      );
    }
    request.log.error({ err: error }, 'router error');
    return void sendError(reply, new JobProxyError('INTERNAL', { problem: 'see the server log' }));
  };
}

export function installErrorHandling(
  app: FastifyInstance,
  routes: RouteTable,
  bodyLimit: number,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known =
      error instanceof JobProxyError ? error : fromFastifyError(error, request, bodyLimit);
    if (known) {
      if (known.status >= 500 && !LOGGED_ELSEWHERE.has(known.code)) {
        request.log.error({ err: error }, 'request failed');
      }
      return sendError(reply, known);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, new JobProxyError('INTERNAL', { problem: 'see the server log' }));
  });

  app.setNotFoundHandler((request, reply) => sendNoRoute(reply, request, routes));
  // Before any body is read: a method no route has on this path (QUERY, say) is a 405 with Allow,
  // not an error about its body.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.is404) sendNoRoute(reply, request, routes);
    else done();
  });
}
