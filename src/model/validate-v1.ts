/**
 * Turns a JobProxy v1 Task body (JSON, or XML already decoded to the same shape) into a TaskSpec.
 * The shape is checked by the one Task schema (./v1-task-schema.ts), every problem at once with
 * its field path; what a schema cannot say is checked here after it: `null` for an absent field
 * (Jackson's way, the first implementation's clients), a one-element cmd list being a command
 * line, a unit string's amount, and the pairs ports/mounts flatten to.
 */
import { invalidTask, type FieldProblem } from '../errors.js';
import { withoutNullFields } from './checks.js';
import { compileContract } from './schema-problems.js';
import type { ExecutorSpec, MountSpec, PortMapping, ResourceSpec, TaskSpec } from './task.js';
import { parseDurationSec, parseMemoryMiB } from './units.js';
import { V1_TASK, type V1Container, type V1Task } from './v1-task-schema.js';

const SHELL = '/bin/sh';
const MAX_AMOUNT = 1e12;
const checkV1Task = compileContract(V1_TASK);

/** Validates a v1 Task; throws INVALID_TASK listing every problem. */
export function parseV1Task(sent: unknown): TaskSpec {
  // The first implementation's Java clients send every absent field as null, at any depth.
  const body = withoutNullFields(sent);
  if (body === undefined) {
    throw invalidTask([{ field: 'task', problem: 'is required (the request body is empty)' }]);
  }
  const shapeProblems = checkV1Task(body);
  if (shapeProblems.length > 0) throw invalidTask(shapeProblems);
  const task = body as V1Task;
  const problems: FieldProblem[] = [];
  const taskCmd = task.cmd === undefined ? undefined : toArgv(task.cmd, 'cmd', problems);
  const container = task.container && readContainer(task.container, problems);
  const resources = readResources(task, problems);
  if (problems.length > 0) throw invalidTask(problems);

  const executor: ExecutorSpec = container
    ? { ...container, command: container.command.length ? container.command : (taskCmd ?? []) }
    : { command: withoutNeedlessShell(task.cmd!, taskCmd!) };
  if (task.stdout) executor.stdout = task.stdout;
  if (task.stderr) executor.stderr = task.stderr;
  return { user: task.user, origin: 'v1', executors: [executor], resources };
}

/**
 * A string runs under /bin/sh -c, and so does a one-element list: the first implementation joined
 * the list into one command line, and its Java clients send `["/bin/echo hello world"]`. A list of
 * two or more strings is argv with no shell.
 */
function toArgv(cmd: string | string[], field: string, problems: FieldProblem[]): string[] {
  if (typeof cmd === 'string') return [SHELL, '-c', cmd];
  if (cmd.length === 1 && cmd[0]!.trim() === '') {
    problems.push({ field: `${field}[0]`, problem: 'must not be empty' });
  } else if (cmd.length > 1 && cmd[0] === '') {
    problems.push({ field: `${field}[0]`, problem: 'must not be empty' });
  }
  return cmd.length === 1 ? [SHELL, '-c', cmd[0]!] : cmd;
}

/** A word a shell runs as the file it names: a slash (no builtin, no PATH), nothing to expand. */
const PLAIN_PATH = /^(?!-)[\w.+,:@%/-]*\/[\w.+,:@%/-]*$/;

/**
 * A host task's one-element cmd that is one plain path starts that file with no shell between:
 * `/bin/sh -c /bin/tool` would only look it up as the path it is and run it (a file without #!
 * is run by /bin/sh all the same: the launchers fall back as execvp does). Saves a shell per
 * task for clients that send `["/path/to/tool"]`. A string stays a command line for the shell.
 */
function withoutNeedlessShell(sent: string | string[], argv: string[]): string[] {
  const only = Array.isArray(sent) && sent.length === 1 ? sent[0]! : undefined;
  return only !== undefined && PLAIN_PATH.test(only) ? [only] : argv;
}

function readContainer(
  container: V1Container,
  problems: FieldProblem[],
): Omit<ExecutorSpec, 'command'> & { command: string[] } {
  const command =
    container.cmd === undefined ? [] : toArgv(container.cmd, 'container.cmd', problems);
  const ports = flatten<PortMapping>(container.ports, 'port');
  const mounts = flatten<MountSpec>(container.mounts, 'mount').map((mount): MountSpec => ({
    host: mount.host,
    container: mount.container,
    mode: mount.mode ?? 'rw',
  }));
  return {
    image: container.image,
    command,
    ...(ports.length ? { ports } : {}),
    ...(mounts.length ? { mounts } : {}),
  };
}

/** ports/mounts: "" (none), one item or a list; each item `{port: one or list}` or the pair. */
function flatten<T>(value: unknown, wrapper: string): T[] {
  if (value === undefined || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item: Record<string, unknown>) => {
    if (!(wrapper in item)) return [item as T];
    const inner = item[wrapper];
    return (Array.isArray(inner) ? inner : [inner]) as T[];
  });
}

function readResources(task: V1Task, problems: FieldProblem[]): ResourceSpec {
  const resources: ResourceSpec = {};
  const memory = withUnit(task.memory, 'memory', parseMemoryMiB, problems);
  const cputime = withUnit(task.cputime, 'cputime', parseDurationSec, problems);
  // cores has no unit form: the schema let a number through only.
  if (task.cores !== undefined) resources.cores = task.cores as number;
  if (memory !== undefined) resources.memoryMiB = memory;
  if (cputime !== undefined) resources.cputimeSec = cputime;
  return resources;
}

/** A number as it is, or the amount of a string with a unit (the schema checked its form). */
function withUnit(
  value: number | string | undefined,
  field: string,
  parseUnit: (text: string) => number | undefined,
  problems: FieldProblem[],
): number | undefined {
  if (typeof value !== 'string') return value;
  const amount = parseUnit(value);
  if (amount !== undefined && Number.isFinite(amount) && amount > 0 && amount <= MAX_AMOUNT) {
    return amount;
  }
  problems.push({ field, problem: amount === undefined ? 'has no known unit' : 'is too large' });
  return undefined;
}
