/**
 * The HTTP-level half of the hostile-input table: content types no route reads, Accept headers no
 * route can answer, task ids that do not exist (or cannot), methods and paths that do not exist.
 */
import { SUBMIT, type HostileRow } from './hostile-rows.js';

const TASK = JSON.stringify({ user: 'alice', cmd: 'true' });
const LONG_ID = 'a'.repeat(300);

function submitAs(contentType: string | undefined, body: string): HostileRow {
  return {
    name: `submit sent as ${contentType ?? 'no content type'}`,
    method: 'POST',
    url: SUBMIT,
    headers: contentType ? { 'content-type': contentType } : {},
    body,
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    names: contentType ?? '(none)',
  };
}

function notAcceptable(method: 'GET' | 'POST', url: string): HostileRow {
  return {
    name: `${method} ${url} with Accept: image/png`,
    method,
    url,
    headers: {
      accept: 'image/png',
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: TASK } : {}),
    status: 406,
    code: 'NOT_ACCEPTABLE',
    names: 'image/png',
  };
}

function notAllowed(method: HostileRow['method'], url: string, allow: string): HostileRow {
  return {
    name: `${method} ${url.length > 48 ? `${url.slice(0, 48)}…` : url}`,
    method,
    url,
    headers: method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: TASK }),
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    names: method,
    allow,
  };
}

function notFound(
  name: string,
  method: 'GET' | 'DELETE',
  url: string,
  code: HostileRow['code'],
  names: string,
): HostileRow {
  return { name, method, url, headers: {}, status: 404, code, names };
}

export const HTTP_ROWS: HostileRow[] = [
  submitAs('text/plain', TASK),
  submitAs('application/x-www-form-urlencoded', 'user=alice&cmd=true'),
  submitAs(undefined, TASK),
  submitAs('application/octet-stream', TASK),
  notAcceptable('POST', SUBMIT),
  notAcceptable('GET', '/v1/jobproxy/state'),
  notAcceptable('GET', '/v1/jobproxy/state/some-id'),
  notFound(
    'state of an unknown id',
    'GET',
    '/v1/jobproxy/state/no-such-task',
    'TASK_NOT_FOUND',
    'no-such-task',
  ),
  notFound(
    'delete of an unknown id',
    'DELETE',
    '/v1/jobproxy/delete/no-such-task',
    'TASK_NOT_FOUND',
    'no-such-task',
  ),
  notFound(
    'state of an id over maxParamLength',
    'GET',
    `/v1/jobproxy/state/${LONG_ID}`,
    'TASK_NOT_FOUND',
    'aaaa',
  ),
  notFound(
    'delete of an id over maxParamLength',
    'DELETE',
    `/v1/jobproxy/delete/${LONG_ID}`,
    'TASK_NOT_FOUND',
    'aaaa',
  ),
  notFound('unknown route', 'GET', '/v1/jobproxy/tasks', 'ROUTE_NOT_FOUND', '/v1/jobproxy/tasks'),
  notFound(
    'path below a task id',
    'GET',
    '/v1/jobproxy/state/x/y',
    'ROUTE_NOT_FOUND',
    '/v1/jobproxy/state/x/y',
  ),
  {
    name: 'id with broken percent-encoding',
    method: 'GET',
    url: '/v1/jobproxy/state/%E0%A4%A',
    headers: {},
    status: 400,
    code: 'INVALID_PARAMETER',
    names: 'path',
  },
  notAllowed('PUT', SUBMIT, 'POST'),
  notAllowed('GET', SUBMIT, 'POST'),
  notAllowed('POST', '/v1/jobproxy/state', 'GET'),
  notAllowed('PATCH', '/v1/jobproxy/delete/x', 'DELETE'),
  notAllowed('GET', '/v1/jobproxy/delete/x', 'DELETE'),
  notAllowed('DELETE', '/v1/jobproxy/ping', 'GET'),
  notAllowed('PUT', `/v1/jobproxy/state/${LONG_ID}`, 'GET'),
];
