/**
 * The JSON schemas of the JobProxy v1 API's bodies, as the OpenAPI document (openapi-v1.ts)
 * publishes them: the Task a client submits, derived from the schema the server validates with
 * (src/model/v1-task-schema.ts), and every answer. The few rules the validator checks after the
 * schema are listed in VALIDATOR_ONLY_RULES.
 */
import { ERROR_CATALOGUE } from '../errors.js';
import { withoutProblemAnnotations } from '../model/schema-problems.js';
import { TASK_STATES } from '../model/states.js';
import {
  TIME_UNITS,
  V1_COMMAND,
  V1_CONTAINER,
  V1_MOUNT_PAIR,
  V1_PORT_PAIR,
  V1_TASK,
} from '../model/v1-task-schema.js';

/** A JSON schema (JSON Schema 2020-12 / OpenAPI 3.1), as plain data. */
export type JsonSchema = { [key: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** `?wait=` as parseWait (events-routes.ts) reads it: a number, then ms or a time unit. */
export const WAIT_PATTERN = `^\\s*\\d+(?:\\.\\d+)?\\s*(?:[mM][sS]|${TIME_UNITS})?\\s*$`;

/**
 * A request schema as published: without the problem annotations, and every optional field of
 * an object shape may be `null` (the validator reads a null field as absent).
 */
export function publishRequestSchema(schema: unknown): JsonSchema {
  return admitNulls(withoutProblemAnnotations(schema)) as JsonSchema;
}

function admitNulls(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(admitNulls);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, admitNulls(value)]),
  ) as JsonSchema;
  if (node.additionalProperties !== false || typeof node.properties !== 'object') return node;
  const required = (node.required ?? []) as string[];
  node.properties = Object.fromEntries(
    Object.entries(node.properties as JsonSchema).map(([key, value]) => [
      key,
      required.includes(key) ? value : { anyOf: [value, { type: 'null' }] },
    ]),
  );
  return node;
}

/** The request schemas: the Task and its parts, from the one source (model/v1-task-schema.ts). */
const REQUEST_SCHEMAS: Record<string, JsonSchema> = {
  Command: publishRequestSchema(V1_COMMAND),
  PortPair: publishRequestSchema(V1_PORT_PAIR),
  MountPair: publishRequestSchema(V1_MOUNT_PAIR),
  Container: publishRequestSchema(V1_CONTAINER),
  Task: publishRequestSchema(V1_TASK),
};

const state = (description: string): JsonSchema => ({ enum: [...TASK_STATES], description });
const time = (description: string): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  description,
});

/** The answer schemas. */
const ANSWER_SCHEMAS: Record<string, JsonSchema> = {
  SubmitAnswer: {
    type: 'object',
    additionalProperties: false,
    required: ['id'],
    properties: { id: { type: 'string', description: 'the new task id' } },
  },
  SubmitAnswerXml: {
    type: 'string',
    description: 'the new task id, as the text of an `<id>` element',
    xml: { name: 'id' },
  },
  State: {
    type: 'object',
    description: 'One task. `stdout`/`stderr` (the last 64 KiB) only in a single-task answer.',
    additionalProperties: false,
    required: ['id', 'code', 'description', 'user', 'framework', 'created'],
    properties: {
      id: { type: 'string' },
      code: state('the state'),
      description: { type: 'string', description: 'the state in words' },
      stdout: { type: 'string', description: 'the last 64 KiB of the standard output' },
      stderr: { type: 'string', description: 'the last 64 KiB of the standard error' },
      exitCode: { type: 'integer', description: 'when finished' },
      user: { type: 'string' },
      framework: { type: 'string' },
      created: time('accepted'),
      started: time('started running'),
      ended: time('finished'),
    },
    xml: { name: 'state' },
  },
  States: {
    type: 'object',
    additionalProperties: false,
    required: ['state'],
    properties: { state: { type: 'array', items: ref('State') } },
    xml: { name: 'states' },
  },
  StateEntry: {
    type: 'object',
    additionalProperties: false,
    required: ['state', 'at'],
    properties: { state: state('the state entered'), at: time('when the server recorded it') },
  },
  Detail: {
    type: 'object',
    description: 'Everything known about one task (the dashboard detail view).',
    additionalProperties: false,
    required: ['state', 'spec', 'history', 'jobId', 'systemLogs'],
    properties: {
      state: ref('State'),
      spec: { type: 'object', description: 'the task as the server normalised it' },
      history: { type: 'array', items: ref('StateEntry') },
      jobId: { type: ['string', 'null'], description: "the framework's own id" },
      systemLogs: { type: 'array', items: { type: 'string' } },
    },
  },
  Overview: {
    type: 'object',
    description: 'Counts, framework capacity and the last hour per state (the dashboard).',
    additionalProperties: false,
    required: ['framework', 'counts', 'chart'],
    properties: {
      framework: { type: 'string' },
      counts: {
        type: 'object',
        description: 'visible tasks per state',
        additionalProperties: { type: 'integer' },
      },
      capacity: {
        type: 'object',
        description: 'what the framework has in use now, when it can tell',
        properties: {
          cores: {
            type: 'object',
            properties: { used: { type: 'number' }, total: { type: 'number' } },
          },
          memoryMiB: {
            type: 'object',
            properties: { used: { type: 'number' }, total: { type: 'number' } },
          },
          running: { type: 'integer' },
          queued: { type: 'integer' },
        },
      },
      chart: {
        type: 'object',
        description:
          'One bucket per minute of the last hour: the unfinished tasks in each state at its end, and the tasks that finished in it.',
        additionalProperties: false,
        required: ['start', 'bucketSeconds', 'buckets'],
        properties: {
          start: time('start of the first bucket'),
          bucketSeconds: { type: 'integer' },
          buckets: {
            type: 'array',
            items: { type: 'object', additionalProperties: { type: 'integer' } },
          },
        },
      },
    },
  },
  StateEvent: {
    type: 'object',
    description: 'Data of an SSE `state` event: a task entered a state.',
    additionalProperties: false,
    required: ['id', 'user', 'from', 'to', 'at', 'task'],
    properties: {
      id: { type: 'string' },
      user: { type: 'string' },
      from: {
        description: 'the state before; null for a new task or the first event of a ?id= stream',
        anyOf: [state('the state before'), { type: 'null' }],
      },
      to: state('the state now'),
      at: time('when'),
      task: ref('State'),
    },
  },
  DeletedEvent: {
    type: 'object',
    description: 'Data of an SSE `deleted` event: a task was deleted.',
    additionalProperties: false,
    required: ['id', 'user', 'at'],
    properties: { id: { type: 'string' }, user: { type: 'string' }, at: time('when') },
  },
  Error: {
    type: 'object',
    description: 'Every error answer (docs/errors.md lists the codes).',
    additionalProperties: false,
    required: ['statusCode', 'code', 'error', 'message'],
    properties: {
      statusCode: { type: 'integer' },
      code: { enum: Object.keys(ERROR_CATALOGUE) },
      error: { type: 'string', description: 'the HTTP reason phrase' },
      message: { type: 'string' },
      details: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['field', 'problem'],
          properties: { field: { type: 'string' }, problem: { type: 'string' } },
        },
      },
    },
  },
};

/** Every named v1 schema: the OpenAPI document's components.schemas. */
export const V1_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ...REQUEST_SCHEMAS,
  ...ANSWER_SCHEMAS,
};

/**
 * What the validator checks after the Task schema (JSON Schema cannot say it); the agreement
 * test holds the published schema to passing exactly these, each with an example.
 */
export const VALIDATOR_ONLY_RULES = [
  { rule: 'the first argv entry of a command list is not empty', example: { cmd: ['', 'x'] } },
  { rule: 'a one-element command list is a non-blank command line', example: { cmd: [' '] } },
  {
    rule: 'a memory or cputime string is at most 1e12 MiB or seconds',
    example: { memory: '9999999999999999T' },
  },
] as const;

/**
 * `schema` with every `#/components/schemas/…` reference replaced by the schema it names, for
 * validators that read one schema alone (the v1 schemas have no cycles).
 */
export function inlineRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inlineRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const target = (schema as JsonSchema).$ref;
  if (typeof target === 'string') {
    const name = target.replace('#/components/schemas/', '');
    const named = V1_SCHEMAS[name];
    if (!named) throw new Error(`no v1 schema ${name}`);
    return inlineRefs(named);
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inlineRefs(value)]));
}
