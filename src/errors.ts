/**
 * The error catalogue: every error the server answers, with its stable code, HTTP status and
 * message template. Domain code throws `JobProxyError`; src/api/error-handler.ts alone turns it
 * into HTTP. docs/errors.md lists the same codes (a test keeps them in step).
 */

export const ERROR_CATALOGUE = {
  INVALID_TASK: { status: 400, message: 'the task is invalid: {summary}' },
  INVALID_PARAMETER: { status: 400, message: 'invalid parameter {field}: {problem}' },
  MALFORMED_BODY: { status: 400, message: 'the request body is not valid {format}: {problem}' },
  MALFORMED_REQUEST: { status: 400, message: 'the request is not valid HTTP: {problem}' },
  UNSUPPORTED_FIELD: {
    status: 400,
    message: 'the {framework} framework cannot honour {field}',
  },
  EXCEEDS_CAPACITY: {
    status: 400,
    message: '{field} asks for {asked} but the {framework} framework has only {available}',
  },
  UNAUTHORIZED: { status: 401, message: 'authentication required: {problem}' },
  FORBIDDEN: { status: 403, message: 'not allowed: {problem}' },
  TASK_NOT_FOUND: { status: 404, message: 'no task with id {id}' },
  ROUTE_NOT_FOUND: { status: 404, message: 'no route {method} {url}' },
  METHOD_NOT_ALLOWED: { status: 405, message: '{method} is not allowed on {url}; use {allowed}' },
  NOT_ACCEPTABLE: { status: 406, message: 'cannot answer in {accept}; use {supported}' },
  MISDIRECTED_REQUEST: { status: 421, message: 'misdirected request: {problem}' },
  BODY_TOO_LARGE: { status: 413, message: 'the request body is over the limit of {limit} bytes' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'content type {contentType} is not accepted; send {supported}',
  },
  TOO_MANY_REQUESTS: { status: 429, message: 'too many requests: {problem}' },
  HEADERS_TOO_LARGE: {
    status: 431,
    message: 'the request headers are over the limit of {limit} bytes',
  },
  INTERNAL: { status: 500, message: 'internal error: {problem}' },
  UNAVAILABLE: { status: 503, message: 'service unavailable: {problem}' },
  STORE_UNAVAILABLE: {
    status: 503,
    message: 'the task store cannot be written now ({problem}); try again later',
  },
  STORE_FULL: {
    status: 507,
    message: 'the disk of the task store is full ({problem}); try again later',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** One problem with one field of a request, e.g. `container.mounts[1].mount.host`. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** A domain error: a catalogue code, the values for its template, and optional field details. */
export class JobProxyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: FieldProblem[];

  constructor(
    code: ErrorCode,
    values: Record<string, string | number> = {},
    details?: FieldProblem[],
    cause?: unknown,
  ) {
    super(formatMessage(ERROR_CATALOGUE[code].message, values), { cause });
    this.name = 'JobProxyError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = details;
  }
}

function formatMessage(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
}

/** The 400 for a task with problems: all of them, with their field paths. */
export function invalidTask(problems: FieldProblem[]): JobProxyError {
  const summary = problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
  return new JobProxyError('INVALID_TASK', { summary }, problems);
}
