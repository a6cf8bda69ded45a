/**
 * The TES tests' HTTP client: every answer it receives is checked against the pinned schema of
 * its operation (tes-schemas.json, no field beyond the spec's) and against the view it asked
 * for, and errors against the catalogue's error shape. A test that talks TES through this client
 * cannot pass on a response py-tes would reject.
 */
import assert from 'node:assert/strict';
import { loadSchemas, type Schema } from './derive-schemas.js';
import { checkSchema } from './schema-check.js';
import { setTimeout as sleep } from 'node:timers/promises';

export const TES = '/ga4gh/tes/v1';
const TERMINAL = new Set(['COMPLETE', 'EXECUTOR_ERROR', 'SYSTEM_ERROR', 'CANCELED']);

const { schemas: SPEC_SCHEMAS } = loadSchemas();

/** The catalogue's error shape (src/api/error-handler.ts), as strict as the spec schemas. */
const ERROR_SCHEMA: Schema = {
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'problem'],
        properties: { field: { type: 'string' }, problem: { type: 'string' } },
      },
    },
  },
};
const SCHEMAS: Record<string, Schema> = { ...SPEC_SCHEMAS, catalogueError: ERROR_SCHEMA };

/** Counts answers checked, so a suite can show it checked what it meant to. */
export const checked = { responses: 0 };

export type Json = Record<string, unknown>;
export interface TesAnswer {
  status: number;
  body: Json;
}

/** The schema of an operation's 200 answer, from method and path (without the base). */
function operationSchema(method: string, path: string): string {
  const route = path.split('?')[0]!;
  if (method === 'GET' && route === '/service-info') return 'tesServiceInfo';
  if (method === 'GET' && route === '/tasks') return 'tesListTasksResponse';
  if (method === 'POST' && route === '/tasks') return 'tesCreateTaskResponse';
  if (method === 'POST' && route.endsWith(':cancel')) return 'tesCancelTaskResponse';
  if (method === 'GET' && route.startsWith('/tasks/')) return 'tesTask';
  throw new Error(`no TES operation ${method} ${route}`);
}

function viewOf(path: string): string {
  return (new URLSearchParams(path.split('?')[1] ?? '').get('view') ?? 'MINIMAL').toUpperCase();
}

/** What a view must leave out (the spec's list for BASIC; all but id and state for MINIMAL). */
export function viewProblems(task: Json, view: string): string[] {
  const problems: string[] = [];
  if (view === 'MINIMAL') {
    const extra = Object.keys(task).filter((key) => key !== 'id' && key !== 'state');
    if (extra.length > 0) problems.push(`MINIMAL task ${task.id} has ${extra.join(', ')}`);
    return problems;
  }
  if (view !== 'BASIC') return problems;
  for (const input of (task.inputs as Json[] | undefined) ?? []) {
    if ('content' in input) problems.push(`BASIC task ${task.id}: an input has content`);
  }
  for (const log of (task.logs as Json[] | undefined) ?? []) {
    if ('system_logs' in log) problems.push(`BASIC task ${task.id}: a log has system_logs`);
    for (const executorLog of log.logs as Json[]) {
      if ('stdout' in executorLog || 'stderr' in executorLog) {
        problems.push(`BASIC task ${task.id}: an executor log has stdout/stderr`);
      }
    }
  }
  return problems;
}

/** Checks one answer; throws an assertion naming every problem. */
export function checkAnswer(method: string, path: string, answer: TesAnswer): void {
  const name = answer.status === 200 ? operationSchema(method, path) : 'catalogueError';
  const view = viewOf(path);
  const relaxed = view === 'MINIMAL' ? new Set(['tesTask']) : undefined;
  const problems = checkSchema(answer.body, name, SCHEMAS, { relaxed });
  if (name === 'tesTask') problems.push(...viewProblems(answer.body, view));
  if (name === 'tesListTasksResponse') {
    for (const task of answer.body.tasks as Json[]) problems.push(...viewProblems(task, view));
  }
  assert.deepEqual(
    problems,
    [],
    `${method} ${path} → ${answer.status} breaks ${name}: ${JSON.stringify(answer.body).slice(0, 2000)}`,
  );
  checked.responses++;
}

/** One TES request; the answer is checked before it is returned. */
export async function tes(
  server: { url: string },
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<TesAnswer> {
  const response = await fetch(`${server.url}${TES}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.match(
    response.headers.get('content-type') ?? '',
    /^application\/json/,
    `${method} ${path}: not JSON`,
  );
  const answer = { status: response.status, body: (await response.json()) as Json };
  checkAnswer(method, path, answer);
  return answer;
}

/** Creates a task; fails the test unless the server answers 200 with an id. */
export async function createTask(server: { url: string }, task: Json): Promise<string> {
  const answer = await tes(server, 'POST', '/tasks', task);
  assert.equal(
    answer.status,
    200,
    `create answered ${answer.status}: ${JSON.stringify(answer.body)}`,
  );
  return answer.body.id as string;
}

/** GETs a task in a view; fails the test unless 200. */
export async function getTask(server: { url: string }, id: string, view = 'FULL'): Promise<Json> {
  const answer = await tes(server, 'GET', `/tasks/${id}?view=${view}`);
  assert.equal(answer.status, 200, `get ${id} answered ${answer.status}`);
  return answer.body;
}

/** Polls a task (FULL view) until it is in a terminal state. */
export async function waitForTes(
  server: { url: string },
  id: string,
  timeoutMs = 30_000,
): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let task: Json = {};
  while (Date.now() < deadline) {
    task = await getTask(server, id);
    if (TERMINAL.has(task.state as string)) return task;
    await sleep(50);
  }
  throw new Error(
    `TES task ${id} did not finish in ${timeoutMs} ms; last: ${JSON.stringify(task)}`,
  );
}
