/**
 * Turns a JobProxy v1 Task body (JSON, or XML already decoded to the same shape) into a TaskSpec,
 * reporting every problem at once with its field path. Accepts each shape the first
 * implementation's clients sent: cmd as a string or an array, ports/mounts as one object or a
 * list, `{port:{…}}` wrappers or bare pairs, and `null` for any absent field (Jackson's way).
 */
import { invalidTask } from '../errors.js';
import type { ExecutorSpec, MountSpec, PortMapping, ResourceSpec, TaskSpec } from './task.js';
import { parseDurationSec, parseMemoryMiB } from './units.js';
import {
  checkKnownFields,
  checkOutputPath,
  checkString,
  isPlainObject,
  Problems,
  withoutNullFields,
} from './checks.js';

const TASK_FIELDS = ['user', 'cmd', 'container', 'cores', 'memory', 'cputime', 'stdout', 'stderr'];
const CONTAINER_FIELDS = ['image', 'cmd', 'ports', 'mounts'];
const SHELL = '/bin/sh';

/** Validates a v1 Task; throws INVALID_TASK listing every problem. */
export function parseV1Task(sent: unknown): TaskSpec {
  const problems = new Problems();
  // The first implementation's Java clients send every absent field as null, at any depth.
  const body = withoutNullFields(sent);
  if (body === undefined) {
    throw invalidTask([{ field: 'task', problem: 'is required (the request body is empty)' }]);
  }
  if (!isPlainObject(body)) {
    throw invalidTask([{ field: 'task', problem: 'must be an object' }]);
  }
  checkKnownFields(body, TASK_FIELDS, '', problems);

  const user = readUser(body.user, problems);
  const taskCmd = body.cmd === undefined ? undefined : readCommand(body.cmd, 'cmd', problems);
  const container =
    body.container === undefined ? undefined : readContainer(body.container, problems);
  const resources = readResources(body, problems);
  const stdout = readOutputPath(body.stdout, 'stdout', problems);
  const stderr = readOutputPath(body.stderr, 'stderr', problems);

  if (body.cmd === undefined && body.container === undefined) {
    problems.add('cmd', 'a task needs cmd or container');
  }
  if (container?.command.length && taskCmd) {
    problems.add('cmd', 'give the command once: either cmd or container.cmd');
  }
  if (problems.list.length > 0) throw invalidTask(problems.list);

  const executor: ExecutorSpec = container
    ? { ...container, command: container.command.length ? container.command : (taskCmd ?? []) }
    : { command: taskCmd! };
  if (stdout) executor.stdout = stdout;
  if (stderr) executor.stderr = stderr;
  return { user: user!, origin: 'v1', executors: [executor], resources };
}

function readUser(value: unknown, problems: Problems): string | undefined {
  if (value === undefined) return problems.add('user', 'is required');
  return checkString(value, 'user', problems, { maxLength: 256, nonEmpty: true });
}

/**
 * A string runs under /bin/sh -c, and so does a one-element list: the first implementation joined
 * the list into one command line, and its Java clients send `["/bin/echo hello world"]`. A list of
 * two or more strings is argv with no shell.
 */
function readCommand(value: unknown, field: string, problems: Problems): string[] | undefined {
  if (typeof value === 'string') return readCommandLine(value, field, problems);
  if (Array.isArray(value) && value.length === 1) {
    return readCommandLine(value[0], `${field}[0]`, problems);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return problems.add(field, 'must not be an empty list');
    const argv = value.map((item, i) =>
      checkString(item, `${field}[${i}]`, problems, { maxLength: 131072 }),
    );
    if (argv[0] === '') problems.add(`${field}[0]`, 'must not be empty');
    return argv.every((a) => a !== undefined) ? (argv as string[]) : undefined;
  }
  return problems.add(field, 'must be a string or a list of strings');
}

function readCommandLine(value: unknown, field: string, problems: Problems): string[] | undefined {
  const text = checkString(value, field, problems, { nonEmpty: true, maxLength: 131072 });
  return text === undefined ? undefined : [SHELL, '-c', text];
}

function readContainer(
  value: unknown,
  problems: Problems,
): (Omit<ExecutorSpec, 'command'> & { command: string[] }) | undefined {
  if (!isPlainObject(value)) return problems.add('container', 'must be an object');
  checkKnownFields(value, CONTAINER_FIELDS, 'container.', problems);
  const image =
    value.image === undefined
      ? problems.add('container.image', 'is required')
      : checkString(value.image, 'container.image', problems, { nonEmpty: true, maxLength: 512 });
  const command =
    value.cmd === undefined ? [] : (readCommand(value.cmd, 'container.cmd', problems) ?? []);
  const ports = readList(value.ports, 'container.ports', 'port', readPort, problems);
  const mounts = readList(value.mounts, 'container.mounts', 'mount', readMount, problems);
  return {
    image: image ?? '',
    command,
    ...(ports.length ? { ports } : {}),
    ...(mounts.length ? { mounts } : {}),
  };
}

/**
 * ports/mounts: one object or a list; each item `{port:{…}}` (or `{port:[…]}` from XML) or the
 * bare pair. Field paths follow what the client sent: container.ports[1].port.host.
 */
function readList<T>(
  value: unknown,
  field: string,
  wrapper: string,
  readItem: (item: unknown, field: string, problems: Problems) => T | undefined,
  problems: Problems,
): T[] {
  if (value === undefined || value === '') return [];
  const items = Array.isArray(value) ? value : [value];
  const out: T[] = [];
  items.forEach((item, i) => {
    const itemField = Array.isArray(value) ? `${field}[${i}]` : field;
    if (isPlainObject(item) && wrapper in item) {
      checkKnownFields(item, [wrapper], `${itemField}.`, problems);
      const inner = item[wrapper];
      const innerItems = Array.isArray(inner) ? inner : [inner];
      innerItems.forEach((one, j) => {
        const innerField = Array.isArray(inner)
          ? `${itemField}.${wrapper}[${j}]`
          : `${itemField}.${wrapper}`;
        const parsed = readItem(one, innerField, problems);
        if (parsed) out.push(parsed);
      });
    } else {
      const parsed = readItem(item, itemField, problems);
      if (parsed) out.push(parsed);
    }
  });
  return out;
}

function readPort(value: unknown, field: string, problems: Problems): PortMapping | undefined {
  if (!isPlainObject(value)) return problems.add(field, 'must be an object {host, container}');
  checkKnownFields(value, ['host', 'container'], `${field}.`, problems);
  const host = readPortNumber(value.host, `${field}.host`, problems);
  const container = readPortNumber(value.container, `${field}.container`, problems);
  return host !== undefined && container !== undefined ? { host, container } : undefined;
}

function readPortNumber(value: unknown, field: string, problems: Problems): number | undefined {
  if (value === undefined) return problems.add(field, 'is required');
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    return problems.add(field, 'must be a whole number from 1 to 65535');
  }
  return value;
}

function readMount(value: unknown, field: string, problems: Problems): MountSpec | undefined {
  if (!isPlainObject(value))
    return problems.add(field, 'must be an object {host, container, mode}');
  checkKnownFields(value, ['host', 'container', 'mode'], `${field}.`, problems);
  const host =
    value.host === undefined
      ? problems.add(`${field}.host`, 'is required')
      : checkOutputPath(value.host, `${field}.host`, problems);
  const container =
    value.container === undefined
      ? problems.add(`${field}.container`, 'is required')
      : checkOutputPath(value.container, `${field}.container`, problems);
  const mode = value.mode === undefined ? 'rw' : value.mode;
  if (mode !== 'ro' && mode !== 'rw') return problems.add(`${field}.mode`, 'must be "ro" or "rw"');
  return host && container ? { host, container, mode } : undefined;
}

function readResources(body: Record<string, unknown>, problems: Problems): ResourceSpec {
  const resources: ResourceSpec = {};
  const cores = readAmount(body.cores, 'cores', 'a number of cores', () => undefined, problems);
  const memory = readAmount(body.memory, 'memory', 'MiB', parseMemoryMiB, problems);
  const cputime = readAmount(body.cputime, 'cputime', 'seconds', parseDurationSec, problems);
  if (cores !== undefined) resources.cores = cores;
  if (memory !== undefined) resources.memoryMiB = memory;
  if (cputime !== undefined) resources.cputimeSec = cputime;
  return resources;
}

/** A positive finite number, or (for memory/cputime) a string with a unit. */
function readAmount(
  value: unknown,
  field: string,
  unit: string,
  parseUnit: (text: string) => number | undefined,
  problems: Problems,
): number | undefined {
  if (value === undefined) return undefined;
  const amount = typeof value === 'string' ? parseUnit(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
    const hint =
      field === 'cores'
        ? 'a number > 0'
        : `a number > 0 (${unit}) or a string like ${field === 'memory' ? '"512M"' : '"90s"'}`;
    return problems.add(field, `must be ${hint}`);
  }
  if (amount > 1e12) return problems.add(field, 'is too large');
  return amount;
}

function readOutputPath(value: unknown, field: string, problems: Problems): string | undefined {
  return value === undefined ? undefined : checkOutputPath(value, field, problems);
}
