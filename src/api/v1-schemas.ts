/**
 * The JSON schemas of the JobProxy v1 API's bodies: the Task a client submits and every answer.
 * The OpenAPI document (openapi-v1.ts) is built from these, and a test feeds one corpus of bodies
 * to both these schemas and the hand-written validator (src/model/validate-v1.ts) and requires
 * that they agree — so the published contract and the server cannot drift apart. The few rules
 * a schema cannot state are listed in VALIDATOR_ONLY_RULES.
 */
import { ERROR_CATALOGUE } from '../errors.js';
import { TASK_STATES } from '../model/states.js';

/** A JSON schema (JSON Schema 2020-12 / OpenAPI 3.1), as plain data. */
export type JsonSchema = { [key: string]: unknown };

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
/** An optional field: `null` reads as absent (Jackson, the first implementation's, sends it). */
const orNull = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
/** The field is there and is not null. */
const GIVEN: JsonSchema = { not: { type: 'null' } };

/** Non-blank (JS `trim()` leaves something) and without NUL characters. */
const NON_BLANK_NO_NUL = '^(?=[\\s\\S]*\\S)[^\\u0000]*$';
const NO_NUL = '^[^\\u0000]*$';
/** Absolute, without a `..` segment, without NUL. */
const SAFE_ABSOLUTE_PATH = '^(?![\\s\\S]*/\\.\\.(?:/|$))/[^\\u0000]*$';
/** A positive amount (some digit 1–9) with an optional unit, as src/model/units.ts reads it. */
const positiveWithUnit = (units: string): string =>
  `^\\s*(?=[^1-9]*[1-9])\\d+(?:\\.\\d+)?\\s*(?:${units})?\\s*$`;
const MEMORY_UNITS = '[kKmMgGtT](?:[iI]?[bB])?';
const TIME_UNITS = '[sS](?:[eE][cC])?|[mM](?:[iI][nN])?|[hH]|[dD]';
const MAX_AMOUNT = 1e12;
/** `?wait=` as parseWait (events-routes.ts) reads it: a number, then ms or a time unit. */
export const WAIT_PATTERN = `^\\s*\\d+(?:\\.\\d+)?\\s*(?:[mM][sS]|${TIME_UNITS})?\\s*$`;

const text = (description: string, maxLength: number): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: NON_BLANK_NO_NUL,
  description,
});

const safePath = (description: string): JsonSchema => ({
  type: 'string',
  maxLength: 4096,
  pattern: SAFE_ABSOLUTE_PATH,
  description,
});

const amount = (description: string, units?: string, example?: string): JsonSchema => {
  const number = { type: 'number', exclusiveMinimum: 0, maximum: MAX_AMOUNT };
  if (!units) return { ...number, description };
  return {
    description,
    anyOf: [number, { type: 'string', pattern: positiveWithUnit(units), examples: [example] }],
  };
};

/** The request schemas: a Task and its parts. */
const REQUEST_SCHEMAS: Record<string, JsonSchema> = {
  Command: {
    description:
      'A string runs under `/bin/sh -c`, and so does a one-element list (the first implementation joined the list into one command line); a list of two or more strings is the argv itself, with no shell.',
    anyOf: [
      { type: 'string', minLength: 1, maxLength: 131072, pattern: NON_BLANK_NO_NUL },
      {
        type: 'array',
        minItems: 1,
        items: { type: 'string', maxLength: 131072, pattern: NO_NUL },
      },
    ],
    examples: ['echo hello', ['/bin/echo hello world'], ['/bin/echo', 'hello']],
  },
  PortPair: {
    type: 'object',
    description: 'A host port published as a container port.',
    additionalProperties: false,
    required: ['host', 'container'],
    properties: {
      host: { type: 'integer', minimum: 1, maximum: 65535 },
      container: { type: 'integer', minimum: 1, maximum: 65535 },
    },
  },
  PortItem: {
    description: 'One port: `{"port": {host, container}}` (or a list of pairs), or the bare pair.',
    anyOf: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['port'],
        properties: {
          port: { anyOf: [ref('PortPair'), { type: 'array', items: ref('PortPair') }] },
        },
      },
      ref('PortPair'),
    ],
  },
  MountPair: {
    type: 'object',
    description: 'A host directory mounted into the container.',
    additionalProperties: false,
    required: ['host', 'container'],
    properties: {
      host: safePath('absolute host path'),
      container: safePath('absolute path inside the container'),
      mode: { enum: ['ro', 'rw', null], default: 'rw' },
    },
  },
  MountItem: {
    description: 'One mount: `{"mount": {host, container, mode}}` (or a list), or the bare pair.',
    anyOf: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['mount'],
        properties: {
          mount: { anyOf: [ref('MountPair'), { type: 'array', items: ref('MountPair') }] },
        },
      },
      ref('MountPair'),
    ],
  },
  Container: {
    type: 'object',
    description: 'Run the task in a container image.',
    additionalProperties: false,
    required: ['image'],
    properties: {
      image: text('the image, e.g. "alpine:3.20"', 512),
      cmd: orNull(ref('Command')),
      ports: {
        description:
          'One port item or a list of them ("" or null = none, as XML and Java clients send).',
        anyOf: [
          { const: '' },
          { type: 'null' },
          ref('PortItem'),
          { type: 'array', items: ref('PortItem') },
        ],
      },
      mounts: {
        description: 'One mount item or a list of them ("" or null = none).',
        anyOf: [
          { const: '' },
          { type: 'null' },
          ref('MountItem'),
          { type: 'array', items: ref('MountItem') },
        ],
      },
    },
  },
  Task: {
    type: 'object',
    description:
      'A task to run: `cmd`, or `container`, or both (then the command is given once, in either). A field sent as null is absent.',
    additionalProperties: false,
    required: ['user'],
    properties: {
      user: text('who the task belongs to', 256),
      cmd: orNull(ref('Command')),
      container: orNull(ref('Container')),
      cores: orNull(amount('CPU cores (fractions allowed where the framework can)')),
      memory: orNull(amount('memory in MiB, or a string with a unit', MEMORY_UNITS, '512M')),
      cputime: orNull(amount('CPU seconds, or a string with a unit', TIME_UNITS, '90s')),
      stdout: orNull(safePath('file for the standard output, on the machine that runs the task')),
      stderr: orNull(safePath('file for the standard error, on the machine that runs the task')),
    },
    anyOf: [
      { required: ['cmd'], properties: { cmd: GIVEN } },
      { required: ['container'], properties: { container: GIVEN } },
    ],
    not: {
      required: ['cmd', 'container'],
      properties: {
        cmd: GIVEN,
        container: { type: 'object', required: ['cmd'], properties: { cmd: GIVEN } },
      },
    },
    xml: { name: 'task' },
    examples: [{ user: 'alice', cmd: 'echo hello', cores: 1, memory: '512M' }],
  },
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
 * What the validator checks beyond the Task schema (JSON Schema cannot say it, or says it
 * differently); the agreement test skips exactly these, each with an example.
 */
export const VALIDATOR_ONLY_RULES = [
  { rule: 'the first argv entry of a command list is not empty', example: { cmd: ['', 'x'] } },
  {
    rule: 'a memory or cputime string is at most 1e12 MiB or seconds',
    example: { memory: '9999999999999999T' },
  },
  {
    rule: 'lengths count UTF-16 code units (JSON Schema counts code points)',
    example: { user: '\u{1F600}'.repeat(200) },
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
