/**
 * The GA4GH TES 1.1 task a client creates (tesTask and its parts), written once (TypeBox): the
 * server validates POST /ga4gh/tes/v1/tasks with it (./validate-tes.ts), the served TES OpenAPI
 * document publishes it in place of the pinned spec's request components
 * (src/api/tes/tes-openapi.ts), and the field tables of docs/tes.md are generated from it
 * (src/api/docs-tables.ts). It holds the shape — types, required fields, enums, patterns, our
 * size limits — in the keywords OpenAPI 3.0 (the spec's version) knows; what those cannot say
 * (allowed roots, URL schemes, overlaps, anything across fields) is ./tes-task-rules.ts.
 *
 * Annotations only the problem formatter reads (./schema-problems.ts): `problem`, `problemOrder`
 * (the order a task's problems are listed in, where it is not the fields' order) and `publishAs`
 * (the component of the TES document the node is published as, by `$ref`).
 */
import { Type, type Static } from '@sinclair/typebox';

const NON_BLANK = { pattern: '\\S', problem: 'must not be empty' };
const NO_NUL = { pattern: '^[^\\u0000]*$', problem: 'must not contain NUL characters' };
/** The longest argument, environment value or tag value (bytes of one exec argument). */
const MAX_VALUE = 131072;

/** Every state the spec names; JobProxy never uses UNKNOWN, PAUSED and PREEMPTED. */
export const TES_STATES: readonly string[] = [
  'UNKNOWN',
  'QUEUED',
  'INITIALIZING',
  'RUNNING',
  'PAUSED',
  'COMPLETE',
  'EXECUTOR_ERROR',
  'SYSTEM_ERROR',
  'CANCELED',
  'PREEMPTED',
  'CANCELING',
];

/** A string without NUL; `nonBlank`: with something besides white space. */
const text = (description: string, maxLength: number, nonBlank = false) =>
  Type.String({
    maxLength,
    ...(description ? { description } : {}),
    allOf: nonBlank ? [NON_BLANK, NO_NUL] : [NO_NUL],
  });

/** An absolute path without a `..` segment or NUL. */
const taskPath = (description: string) =>
  Type.String({
    maxLength: 4096,
    ...(description ? { description } : {}),
    allOf: [
      NON_BLANK,
      NO_NUL,
      { pattern: '^/', problem: 'must be an absolute path' },
      { pattern: '^(?![\\s\\S]*/\\.\\.(?:/|$))', problem: 'must not contain ".." segments' },
    ],
  });

/** A URL of long-term storage; its scheme and target are checked after the schema. */
const storageUrl = (description: string) => text(description, 8192, true);

/** An object of strings (env, tags, backend_parameters). */
const stringMap = (description: string) =>
  Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: text('', MAX_VALUE),
    description,
    problem: { type: 'must be an object of strings' },
  });

const FILE_TYPE = Type.Unsafe<'FILE' | 'DIRECTORY'>({
  type: 'string',
  enum: ['FILE', 'DIRECTORY'],
  description: '`FILE` (default) or `DIRECTORY`',
  publishAs: 'tesFileType',
});

export const TES_EXECUTOR = Type.Object(
  {
    image: text('the container image; where executors run on the host, not used', 512, true),
    command: Type.Array(text('', MAX_VALUE), {
      minItems: 1,
      description: 'argv, run with no shell; the first entry must not be empty',
      problem: {
        '*': 'must be a non-empty list of strings',
        required: 'must be a non-empty list of strings',
      },
    }),
    workdir: Type.Optional(taskPath('working directory of the command')),
    stdin: Type.Optional(taskPath('file piped to the standard input')),
    stdout: Type.Optional(taskPath('file the standard output is written to')),
    stderr: Type.Optional(taskPath('file the standard error is written to')),
    env: Type.Optional(
      stringMap(
        'environment variables; names are letters, digits and `_`, not starting with a digit',
      ),
    ),
    ignore_error: Type.Optional(
      Type.Boolean({ description: 'a non-zero exit does not stop the next executor' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'One command, [below](#executors)',
    publishAs: 'tesExecutor',
  },
);

export const TES_INPUT = Type.Object(
  {
    name: Type.Optional(text('a name, for documentation', 4096)),
    description: Type.Optional(text('a description, for documentation', 65536)),
    // Not blank only where it is used (without content): a client may send "" beside content.
    url: Type.Optional(
      text(
        'where the input comes from: `file://` or an absolute path (inside the allowed roots), `http(s)://`, `s3://`; required (not blank) unless `content` is given',
        8192,
      ),
    ),
    path: taskPath('where the task sees it'),
    type: Type.Optional(FILE_TYPE),
    content: Type.Optional(
      Type.String({
        pattern: NO_NUL.pattern,
        problem: { pattern: NO_NUL.problem },
        description: 'the file itself (a FILE input); when not empty, `url` is ignored',
      }),
    ),
    streamable: Type.Optional(Type.Boolean({ description: 'accepted, kept; files are copied' })),
  },
  {
    additionalProperties: false,
    description: 'A file or directory put in place before the first executor, [below](#inputs)',
    publishAs: 'tesInput',
    problemOrder: ['path', 'type', 'content', 'url', 'name', 'description', 'streamable'],
  },
);

export const TES_OUTPUT = Type.Object(
  {
    name: Type.Optional(text('a name, for documentation', 4096)),
    description: Type.Optional(text('a description, for documentation', 65536)),
    url: storageUrl(
      'where the output goes: `file://` or an absolute path (inside the allowed roots), or `s3://`',
    ),
    path: taskPath('the file the task writes; POSIX wildcards (`*`, `?`, `[`) select several'),
    path_prefix: Type.Optional(
      text(
        "required when `path` has wildcards: the part of `path` left out of each file's url",
        4096,
      ),
    ),
    type: Type.Optional(FILE_TYPE),
  },
  {
    additionalProperties: false,
    description: 'A file or directory collected after the last executor, [below](#outputs)',
    publishAs: 'tesOutput',
    problemOrder: ['path', 'url', 'type', 'path_prefix', 'name', 'description'],
  },
);

/** A number of GB: > 0, or ≥ 0 with `zeroAllowed`. */
function gigabytes(description: string, zeroAllowed: boolean) {
  return Type.Number({
    minimum: 0,
    maximum: 1e9,
    ...(zeroAllowed ? {} : { not: { enum: [0] } }),
    description,
    problem: `must be a number ${zeroAllowed ? '≥' : '>'} 0 (GB)`,
  });
}

export const TES_RESOURCES = Type.Object(
  {
    cpu_cores: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 2 ** 31 - 1,
        description: 'CPU cores, enforced by the framework',
        problem: 'must be a whole number ≥ 1',
      }),
    ),
    preemptible: Type.Optional(Type.Boolean({ description: 'accepted and kept, not enforced' })),
    ram_gb: Type.Optional(
      gigabytes('memory limit (1 GB = 1024 MiB), enforced by the framework', false),
    ),
    disk_gb: Type.Optional(gigabytes('accepted and kept, not enforced', true)),
    zones: Type.Optional(
      Type.Array(text('', 256), { description: 'accepted and kept, not enforced' }),
    ),
    backend_parameters: Type.Optional(
      stringMap(
        'keys are case-insensitive; the supported ones (service-info) are kept, the others dropped with a warning, or refused when `backend_parameters_strict`',
      ),
    ),
    backend_parameters_strict: Type.Optional(
      Type.Boolean({ description: 'refuse the task when a backend parameter is not supported' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'What the task needs, [below](#resources)',
    publishAs: 'tesResources',
    problemOrder: [
      'cpu_cores',
      'ram_gb',
      'disk_gb',
      'preemptible',
      'zones',
      'backend_parameters_strict',
      'backend_parameters',
    ],
  },
);

/** Set by the server: a client echoing a task it read back may send them; they are ignored. */
const READ_ONLY = {
  id: Type.Optional(Type.String({ readOnly: true, description: 'set by the server; ignored' })),
  state: Type.Optional(
    Type.Unsafe<string>({
      type: 'string',
      enum: [...TES_STATES],
      readOnly: true,
      description: 'set by the server; ignored',
      publishAs: 'tesState',
    }),
  ),
  logs: Type.Optional(
    Type.Array(Type.Unsafe({ type: 'object', publishAs: 'tesTaskLog' }), {
      readOnly: true,
      description: 'set by the server; ignored',
    }),
  ),
  creation_time: Type.Optional(
    Type.String({ readOnly: true, description: 'set by the server; ignored' }),
  ),
};

export const TES_TASK = Type.Object(
  {
    name: Type.Optional(text('a name for the task', 1024)),
    description: Type.Optional(text('a description of the task', 65536)),
    inputs: Type.Optional(
      Type.Array(TES_INPUT, { description: 'files put in place before the first executor' }),
    ),
    outputs: Type.Optional(
      Type.Array(TES_OUTPUT, { description: 'files collected after the last executor' }),
    ),
    resources: Type.Optional(TES_RESOURCES),
    executors: Type.Array(TES_EXECUTOR, {
      minItems: 1,
      description: 'commands run one after the other; the first that fails ends the task',
      problem: { '*': 'must be a non-empty list', required: 'must be a non-empty list' },
    }),
    volumes: Type.Optional(
      Type.Array(taskPath(''), { description: 'empty directories every executor sees' }),
    ),
    tags: Type.Optional(stringMap('key-value pairs kept with the task (the `tag_key` filter)')),
    ...READ_ONLY,
  },
  {
    additionalProperties: false,
    description: 'A task to run: its executors, and the files it reads and writes.',
    publishAs: 'tesTask',
    problem: { type: 'must be an object' },
    problemOrder: [
      'name',
      'description',
      'executors',
      'inputs',
      'outputs',
      'volumes',
      'tags',
      'resources',
    ],
  },
);

/** A TES task body that passed the schema. */
export type TesTaskBody = Static<typeof TES_TASK>;
export type TesExecutorBody = Static<typeof TES_EXECUTOR>;
export type TesInputBody = Static<typeof TES_INPUT>;
export type TesOutputBody = Static<typeof TES_OUTPUT>;
export type TesResourcesBody = Static<typeof TES_RESOURCES>;
