/**
 * The OpenAPI 3.1 document of the JobProxy v1 API, built from the schemas of v1-schemas.ts (the
 * ones a test holds the validator to), served at /v1/jobproxy/openapi.json.
 */
import { V1_SCHEMAS, WAIT_PATTERN, type JsonSchema } from './v1-schemas.js';
import { MAX_WAIT_SEC } from './events-routes.js';

/** Where the v1 API lives; the document's paths are relative to it. */
export const V1_BASE = '/v1/jobproxy';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const STATE_TYPES = ['application/json', 'application/xml', 'text/xml'];

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'the task id',
  schema: { type: 'string' },
};

/** An answer in every type the route offers (Accept decides; JSON first). */
function answer(description: string, schema: string, types = STATE_TYPES): JsonSchema {
  return {
    description,
    content: Object.fromEntries(types.map((type) => [type, { schema: ref(schema) }])),
  };
}

/** The error answers a route may give, by status. */
function errors(...statuses: number[]): Record<string, JsonSchema> {
  const meaning: Record<number, string> = {
    400: 'invalid request (the details name each field)',
    401: 'authentication required',
    404: 'no such task (or not yours)',
    406: 'cannot answer in the Accept type',
    413: 'body over the limit',
    415: 'body type not accepted',
  };
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: meaning[status], content: { 'application/json': { schema: ref('Error') } } },
    ]),
  );
}

const PATHS: Record<string, JsonSchema> = {
  '/submit': {
    post: {
      operationId: 'submit',
      summary: 'Submit a task',
      description:
        'Accepts a Task as JSON or XML. Answers the new id as text/plain, or `{"id":…}` / `<id>…</id>` when Accept asks for JSON or XML.',
      requestBody: {
        required: true,
        content: {
          // The XML root's name (<task>) is on the Task schema itself, where generators read it.
          'application/json': { schema: ref('Task') },
          'application/xml': { schema: ref('Task') },
          'text/xml': { schema: ref('Task') },
        },
      },
      responses: {
        200: {
          description: 'accepted',
          content: {
            'text/plain': { schema: { type: 'string' } },
            'application/json': { schema: ref('SubmitAnswer') },
            'application/xml': { schema: ref('SubmitAnswerXml') },
            'text/xml': { schema: ref('SubmitAnswerXml') },
          },
        },
        ...errors(400, 401, 406, 413, 415),
      },
    },
  },
  '/state': {
    get: {
      operationId: 'listStates',
      summary: 'States of all visible tasks (without outputs)',
      responses: { 200: answer('the tasks, in submit order', 'States'), ...errors(401, 406) },
    },
  },
  '/state/{id}': {
    get: {
      operationId: 'getState',
      summary: 'State of one task, with the last 64 KiB of its outputs',
      parameters: [
        idParameter,
        {
          name: 'wait',
          in: 'query',
          required: false,
          description: `Long-poll: answer as soon as the task changes state, or after this long (at most ${MAX_WAIT_SEC} s); a finished task answers at once. "30s", "500ms", "1m" or seconds.`,
          schema: { type: 'string', pattern: WAIT_PATTERN, examples: ['30s', '500ms', '1m'] },
        },
      ],
      responses: { 200: answer('the task', 'State'), ...errors(400, 401, 404, 406) },
    },
  },
  '/delete/{id}': {
    delete: {
      operationId: 'delete',
      summary: 'Stop the task if it runs, then remove it',
      parameters: [idParameter],
      responses: { 204: { description: 'deleted' }, ...errors(401, 404) },
    },
  },
  '/ping': {
    get: {
      operationId: 'ping',
      summary: 'Liveness: `alive (yyyy-MM-dd HH:mm:ss.SSS)`',
      responses: {
        200: { description: 'alive', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
  '/events': {
    get: {
      operationId: 'events',
      summary: 'State changes of your tasks as Server-Sent Events',
      description:
        'A stream of `state` events (data: StateEvent; `from` is null for a new task) and `deleted` events (data: DeletedEvent). With `?id=` only that task, starting with its current state. Comment lines keep the connection open.',
      parameters: [
        {
          name: 'id',
          in: 'query',
          required: false,
          description: 'only this task',
          schema: { type: 'string' },
        },
      ],
      responses: {
        200: {
          description: 'the event stream',
          content: {
            'text/event-stream': {
              schema: { type: 'string' },
              'x-events': { state: ref('StateEvent'), deleted: ref('DeletedEvent') },
            },
          },
        },
        ...errors(400, 401, 404),
      },
    },
  },
  '/detail/{id}': {
    get: {
      operationId: 'getDetail',
      summary: 'Everything about one task: state, spec, state history',
      parameters: [idParameter],
      responses: {
        200: answer('the task', 'Detail', ['application/json']),
        ...errors(401, 404),
      },
    },
  },
  '/cancel/{id}': {
    post: {
      operationId: 'cancel',
      summary: 'Cancel a task and keep its record (a finished task is left as it is)',
      parameters: [idParameter],
      responses: {
        200: answer('the task after the cancel', 'State', ['application/json']),
        ...errors(401, 404),
      },
    },
  },
  '/overview': {
    get: {
      operationId: 'getOverview',
      summary: 'Counts per state, framework capacity, the last hour per state',
      responses: {
        200: answer('the overview', 'Overview', ['application/json']),
        ...errors(401),
      },
    },
  },
  '/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      responses: {
        200: {
          description: 'OpenAPI 3.1',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  },
};

/** The v1 OpenAPI document (a fresh object each call). */
export function buildV1OpenApi(version: string): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'JobProxy',
      version,
      description:
        'Run a shell command or a container on any compute framework through one REST API. The GA4GH TES 1.1 API of the same server is at /ga4gh/tes/v1 (its document: /ga4gh/tes/v1/openapi.json).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: V1_BASE }],
    components: {
      schemas: structuredClone(V1_SCHEMAS),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{}, { bearer: [] }],
    paths: structuredClone(PATHS),
  };
}
