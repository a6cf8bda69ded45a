/**
 * The JobProxy v1 Task, written once (TypeBox): the server validates bodies with it
 * (./validate-v1.ts), the v1 OpenAPI document publishes it (src/api/v1-schemas.ts) and the field
 * table of docs/api.md is generated from it (docs-tables.ts). Nulls are absent fields: the
 * validator drops them before this schema sees the body, and the published copy allows them.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Non-blank (JS `trim()` leaves something). */
const NON_BLANK = '\\S';
const NO_NUL = '^[^\\u0000]*$';
const MAX_AMOUNT = 1e12;
const MAX_COMMAND = 131072;
/** A positive amount (some digit 1–9) with an optional unit, as ./units.ts reads it. */
const positiveWithUnit = (units: string): string =>
  `^\\s*(?=[^1-9]*[1-9])\\d+(?:\\.\\d+)?\\s*(?:${units})?\\s*$`;
const MEMORY_UNITS = '[kKmMgGtT](?:[iI]?[bB])?';
/** Time units as ./units.ts reads them (also the `?wait=` parameter's). */
export const TIME_UNITS = '[sS](?:[eE][cC])?|[mM](?:[iI][nN])?|[hH]|[dD]';

/** `if`/`then`/`else`: the branch the value's form picks reports its problems alone. */
function choose<T>(
  when: object,
  then: TSchema | object,
  otherwise: TSchema | object,
  options = {},
) {
  return Type.Unsafe<T>({ if: when, then, else: otherwise, ...options });
}

/** A non-blank string without NUL. */
const text = (description: string, maxLength: number) =>
  Type.String({
    minLength: 1,
    maxLength,
    description,
    allOf: [
      { pattern: NON_BLANK, problem: 'must not be empty' },
      { pattern: NO_NUL, problem: 'must not contain NUL characters' },
    ],
  });

/** An absolute path without a `..` segment or NUL. */
export const safePath = (description: string) =>
  Type.String({
    minLength: 1,
    maxLength: 4096,
    description,
    problem: { minLength: 'must not be empty' },
    allOf: [
      { pattern: '^/', problem: 'must be an absolute path' },
      { pattern: '^(?![\\s\\S]*/\\.\\.(?:/|$))', problem: 'must not contain ".." segments' },
      { pattern: NO_NUL, problem: 'must not contain NUL characters' },
    ],
  });

const argument = Type.String({
  maxLength: MAX_COMMAND,
  pattern: NO_NUL,
  problem: { pattern: 'must not contain NUL characters' },
});

export const V1_COMMAND = choose<string | string[]>(
  { type: 'string' },
  text('a command line, run under /bin/sh -c', MAX_COMMAND),
  Type.Array(argument, {
    minItems: 1,
    problem: { type: 'must be a string or a list of strings' },
  }),
  {
    description:
      'a string runs under `/bin/sh -c`, and so does a list of **one** string (`["/bin/echo hello world"]`: the first implementation joined the list into one command line, and its Java clients send that), unless that string is one plain path (`["/opt/tool/run"]`: a slash, nothing a shell would expand), which runs with no shell between; a list of two or more strings is argv, run with no shell (`$HOME`, `;`, `*` stay literal)',
    examples: ['echo hello', ['/bin/echo hello world'], ['/bin/echo', 'hello']],
  },
);

const portNumber = Type.Integer({
  minimum: 1,
  maximum: 65535,
  problem: 'must be a whole number from 1 to 65535',
});

export const V1_PORT_PAIR = Type.Object(
  { host: portNumber, container: portNumber },
  {
    additionalProperties: false,
    description: 'A host port published as a container port.',
    problem: { type: 'must be an object {host, container}' },
  },
);

export const V1_MOUNT_PAIR = Type.Object(
  {
    host: safePath('absolute host path'),
    container: safePath('absolute path inside the container'),
    mode: Type.Optional(
      Type.Unsafe<'ro' | 'rw'>({
        enum: ['ro', 'rw'],
        default: 'rw',
        problem: 'must be "ro" or "rw"',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'A host directory mounted into the container.',
    problem: { type: 'must be an object {host, container, mode}' },
  },
);

/** One item or a list of them. */
const oneOrList = <T extends TSchema>(item: T) =>
  choose<Static<T> | Static<T>[]>({ type: 'array' }, Type.Array(item), item);

/**
 * A port or mount item: `{"port": {…}}` (or `{"port": [{…}]}` from XML) or the bare pair; the
 * field paths follow what the client sent (container.ports[1].port.host).
 */
function wrappedOrBare<T extends TSchema>(wrapper: string, pair: T, description: string) {
  const wrapped = Type.Object({ [wrapper]: oneOrList(pair) }, { additionalProperties: false });
  return choose<Static<typeof wrapped> | Static<T>>(
    { type: 'object', required: [wrapper] },
    wrapped,
    pair,
    { description },
  );
}

/** One item, a list of them, or "" (none: an empty XML element). */
const itemsOrNone = <T extends TSchema>(item: T, description: string) =>
  choose<'' | Static<T> | Static<T>[]>({ const: '' }, {}, oneOrList(item), { description });

export const V1_CONTAINER = Type.Object(
  {
    image: text('the image to run, e.g. `alpine:3.20`', 512),
    cmd: Type.Optional({
      ...V1_COMMAND,
      description:
        "the container's command (string → `/bin/sh -c` inside the image, list → argv); absent = the image's own command",
    }),
    ports: Type.Optional(
      itemsOrNone(
        wrappedOrBare('port', V1_PORT_PAIR, 'One port: `{"port": {host, container}}` or the pair.'),
        'host:container port pairs to publish, each port a whole number 1–65535 (one item or a list; `""` = none, as XML sends)',
      ),
    ),
    mounts: Type.Optional(
      itemsOrNone(
        wrappedOrBare('mount', V1_MOUNT_PAIR, 'One mount: `{"mount": {…}}` or the bare triple.'),
        "host directories to mount: `host` and `container` absolute paths, `mode` `ro` or `rw` (default `rw`); `host` must lie under the operator's `allowedRoots`",
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'run the task in a container image, [below](#containers)',
  },
);

/** A positive number, or (with `units`) a string with a unit. */
function amount(description: string, hint: string, units?: string, example?: string) {
  const number = { type: 'number', exclusiveMinimum: 0, maximum: MAX_AMOUNT };
  const problem = { '*': `must be ${hint}`, maximum: 'is too large' };
  if (!units) return Type.Unsafe<number>({ ...number, description, problem });
  const withUnit = { type: 'string', pattern: positiveWithUnit(units), problem };
  return choose<number | string>(
    { type: 'string' },
    withUnit,
    { ...number, problem },
    {
      description,
      examples: [example],
    },
  );
}

/** The field is there and is not null (in the published copy, which admits nulls). */
const GIVEN = { not: { type: 'null' } };

export const V1_TASK = Type.Object(
  {
    user: text('who the task belongs to', 256),
    cmd: Type.Optional(V1_COMMAND),
    container: Type.Optional(V1_CONTAINER),
    cores: Type.Optional(
      amount(
        'CPU cores; fractions (`0.5`) allowed where the framework can (`local` can)',
        'a number > 0',
      ),
    ),
    memory: Type.Optional(
      amount(
        'memory limit in **MiB**: `512`, `"512M"`, `"2G"`',
        'a number > 0 (MiB) or a string like "512M"',
        MEMORY_UNITS,
        '512M',
      ),
    ),
    cputime: Type.Optional(
      amount(
        'CPU time limit in **seconds**: `90`, `"90s"`, `"2h"`',
        'a number > 0 (seconds) or a string like "90s"',
        TIME_UNITS,
        '90s',
      ),
    ),
    stdout: Type.Optional(
      safePath(
        "file for the task's standard output on the machine that runs it; by default a file in the task's own directory under `workdir`",
      ),
    ),
    stderr: Type.Optional(
      safePath(
        "file for the task's standard error on the machine that runs it; by default a file in the task's own directory under `workdir`",
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'A task to run: `cmd`, or `container`, or both (then the command is given once, in either). A field sent as null is absent.',
    problem: {
      type: 'must be an object',
      anyOf: 'a task needs cmd or container',
      not: 'give the command once: either cmd or container.cmd',
    },
    anyOf: [
      { required: ['cmd'], properties: { cmd: GIVEN } },
      { required: ['container'], properties: { container: GIVEN } },
    ],
    not: {
      type: 'object',
      required: ['cmd', 'container'],
      properties: {
        cmd: GIVEN,
        container: { type: 'object', required: ['cmd'], properties: { cmd: GIVEN } },
      },
    },
    // The two rules above are `cmd` problems.
    problemField: { anyOf: 'cmd', not: 'cmd' },
    xml: { name: 'task' },
    examples: [{ user: 'alice', cmd: 'echo hello', cores: 1, memory: '512M' }],
  },
);

/** A v1 Task body that passed the schema. */
export type V1Task = Static<typeof V1_TASK>;
export type V1Container = Static<typeof V1_CONTAINER>;
