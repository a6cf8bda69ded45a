/**
 * The answers of the JobProxy v1 API, written once (TypeBox): the v1 OpenAPI document publishes
 * them (v1-schemas.ts → openapi-v1.ts), docs/api.md's State table is generated from V1_STATE
 * (docs-tables.ts), the server's views are typed by them (v1-state-view.ts), and a test holds the
 * server's real answers to them (test/dashboard/v1-schemas.test.ts).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ERROR_CATALOGUE } from '../errors.js';
import { TASK_STATES, type TaskState } from '../model/states.js';

/** A reference to another answer, as the OpenAPI document names it. */
const ref = <T extends TSchema>(name: string) =>
  Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${name}` });

const state = (description: string) =>
  Type.Unsafe<TaskState>({ enum: [...TASK_STATES], description });
const time = (description: string) => Type.String({ format: 'date-time', description });
const closed = { additionalProperties: false } as const;

export const V1_SUBMIT_ANSWER = Type.Object(
  { id: Type.String({ description: 'the new task id' }) },
  closed,
);

export const V1_SUBMIT_ANSWER_XML = Type.String({
  description: 'the new task id, as the text of an `<id>` element',
  xml: { name: 'id' },
});

/** In the order the server writes the fields: the first implementation's XSD order, then ours. */
export const V1_STATE = Type.Object(
  {
    id: Type.String({ description: 'the task id (a UUID)' }),
    code: state("the task's [state](#states)"),
    description: Type.String({
      description:
        'the state in words: `accepted`, `running`, `exited with code 3`, `killed: memory limit 64 MiB exceeded`, `canceled`, or why the framework failed the task',
    }),
    stdout: Type.Optional(
      Type.String({
        description:
          'single task only: the last 64 KiB of the task\'s standard output so far (`""` before there is any)',
      }),
    ),
    stderr: Type.Optional(
      Type.String({
        description: 'single task only: the last 64 KiB of its standard error, likewise',
      }),
    ),
    user: Type.String({ description: 'who submitted the task' }),
    framework: Type.String({ description: 'the framework that runs it (`local`, …)' }),
    created: time('when it was accepted (RFC 3339, UTC)'),
    exitCode: Type.Optional(
      Type.Integer({
        description: "once finished: the command's exit code (`137` for a task killed by SIGKILL)",
      }),
    ),
    started: Type.Optional(time('once it started: when (RFC 3339, UTC)')),
    ended: Type.Optional(time('once it ended: when (RFC 3339, UTC)')),
  },
  {
    ...closed,
    description: 'One task. `stdout`/`stderr` (the last 64 KiB) only in a single-task answer.',
    xml: { name: 'state' },
  },
);

export const V1_STATES = Type.Object(
  { state: Type.Array(ref<typeof V1_STATE>('State')) },
  { ...closed, xml: { name: 'states' } },
);

export const V1_STATE_ENTRY = Type.Object(
  { state: state('the state entered'), at: time('when the server recorded it') },
  closed,
);

export const V1_DETAIL = Type.Object(
  {
    state: ref<typeof V1_STATE>('State'),
    spec: Type.Object({}, { description: 'the task as the server normalised it' }),
    history: Type.Array(ref<typeof V1_STATE_ENTRY>('StateEntry')),
    jobId: Type.Unsafe<string | null>({
      type: ['string', 'null'],
      description: "the framework's own id",
    }),
    systemLogs: Type.Array(Type.String()),
  },
  { ...closed, description: 'Everything known about one task (the dashboard detail view).' },
);

const usage = Type.Object({
  used: Type.Optional(Type.Number()),
  total: Type.Optional(Type.Number()),
});
const countsPerState = (description?: string) =>
  Type.Object(
    {},
    { additionalProperties: Type.Integer(), ...(description ? { description } : {}) },
  );

export const V1_OVERVIEW = Type.Object(
  {
    framework: Type.String(),
    counts: countsPerState('visible tasks per state'),
    capacity: Type.Optional(
      Type.Object(
        {
          cores: Type.Optional(usage),
          memoryMiB: Type.Optional(usage),
          running: Type.Optional(Type.Integer()),
          queued: Type.Optional(Type.Integer()),
        },
        { description: 'what the framework has in use now, when it can tell' },
      ),
    ),
    chart: Type.Object(
      {
        start: time('start of the first bucket'),
        bucketSeconds: Type.Integer(),
        buckets: Type.Array(countsPerState()),
      },
      {
        ...closed,
        description:
          'One bucket per minute of the last hour: the unfinished tasks in each state at its end, and the tasks that finished in it.',
      },
    ),
  },
  {
    ...closed,
    description: 'Counts, framework capacity and the last hour per state (the dashboard).',
  },
);

export const V1_STATE_EVENT = Type.Object(
  {
    id: Type.String(),
    user: Type.String(),
    from: Type.Unsafe<TaskState | null>({
      description: 'the state before; null for a new task or the first event of a ?id= stream',
      anyOf: [state('the state before'), { type: 'null' }],
    }),
    to: state('the state now'),
    at: time('when'),
    task: ref<typeof V1_STATE>('State'),
  },
  { ...closed, description: 'Data of an SSE `state` event: a task entered a state.' },
);

export const V1_DELETED_EVENT = Type.Object(
  { id: Type.String(), user: Type.String(), at: time('when') },
  { ...closed, description: 'Data of an SSE `deleted` event: a task was deleted.' },
);

export const V1_ERROR = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.Unsafe<string>({ enum: Object.keys(ERROR_CATALOGUE) }),
    error: Type.String({ description: 'the HTTP reason phrase' }),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), problem: Type.String() }, closed)),
    ),
  },
  { ...closed, description: 'Every error answer (docs/errors.md lists the codes).' },
);

/** A v1 State, as the server answers it. */
export type V1State = Static<typeof V1_STATE>;
