/**
 * The one place errors become HTTP: every error answers the catalogue's JSON shape
 * {statusCode, code, error, message, details?}. Fastify's own errors (bad JSON, body too large,
 * wrong content type) are mapped to catalogue codes so clients see one vocabulary.
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

/** Fastify error codes → our catalogue. */
function fromFastifyError(error: FastifyError, request: FastifyRequest, bodyLimit: number): JobProxyError | undefined {
  const contentType = request.headers['content-type'] ?? '(none)';
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new JobProxyError('BODY_TOO_LARGE', { limit: bodyLimit });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      if (error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') break;
      return new JobProxyError('UNSUPPORTED_MEDIA_TYPE', {
        contentType,
        supported: 'application/json, application/xml or text/xml',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new JobProxyError('MALFORMED_BODY', { format: 'JSON', problem: 'the body is empty' }, [
        { field: 'body', problem: 'is empty' },
      ]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_BAD_JSON':
      break;
    default:
      break;
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    const problem = /prototype|constructor/i.test(error.message)
      ? 'keys "__proto__" and "constructor" are not allowed'
      : error.message;
    return new JobProxyError('MALFORMED_BODY', { format: 'JSON', problem }, [{ field: 'body', problem }]);
  }
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

export function sendError(reply: FastifyReply, error: JobProxyError): FastifyReply {
  if (error.code === 'TOO_MANY_REQUESTS') reply.header('retry-after', '1');
  return reply.code(error.status).type('application/json').send(errorBody(error));
}

/** The routes a path pattern allows, for 405 answers with an Allow header. */
export interface RouteTable {
  allowedMethods(url: string): string[];
}

export function installErrorHandling(app: FastifyInstance, routes: RouteTable, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known =
      error instanceof JobProxyError ? error : fromFastifyError(error, request, bodyLimit);
    if (known) {
      if (known.status >= 500) request.log.error({ err: error }, 'request failed');
      return sendError(reply, known);
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendError(reply, new JobProxyError('INTERNAL', { problem: 'see the server log' }));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
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
    return sendError(reply, new JobProxyError('ROUTE_NOT_FOUND', { method: request.method, url: path }));
  });
}
