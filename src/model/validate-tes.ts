/**
 * Turns a GA4GH TES 1.1 task body into a TaskSpec (origin 'tes'), reporting every problem at once
 * with its field path (`executors[1].command: must be a non-empty list of strings`). Where
 * executors run on the host (containers: host), every path a task names — inputs, outputs,
 * volumes, workdir, stdin/stdout/stderr — is a host path and must lie inside the operator's
 * allowed roots. Where they run in containers, those are container paths: the task's files live
 * under a host directory of its own and are bind-mounted (./tes-mounts.ts). file:// URLs are
 * host paths either way. What the TaskSpec has no field for is kept in `extra.tes` (./tes-task.ts).
 */
import { posix } from 'node:path';
import { invalidTask } from '../errors.js';
import {
  checkKnownFields,
  checkOutputPath,
  checkString,
  isPlainObject,
  Problems,
} from './checks.js';
import type { ExecutorSpec, TaskSpec } from './task.js';
import { TesFieldReader } from './tes-field-reader.js';
import { pathsOverlap } from './path-overlap.js';
import { outputDirectory, planTesMounts } from './tes-mounts.js';
import { TesResourceReader } from './tes-resources.js';
import {
  schemeOf,
  schemeProblem,
  s3UrlProblem,
  TES_SCHEMES,
  type TesScheme,
} from './tes-schemes.js';
import {
  hasWildcards,
  isInsideRoots,
  localPath,
  type TesExtra,
  type TesFileType,
  type TesInput,
  type TesOutput,
} from './tes-task.js';

/** What the validator needs to know of the server it validates for. */
export interface TesValidationOptions {
  /** Absolute, normalised host directories every path of a task must lie in. */
  allowedRoots: readonly string[];
  /** The `backend_parameters` keys this server supports, lower case. */
  backendParameters: readonly string[];
  /**
   * Set when executors run in containers: the new host directory that holds this task's container
   * paths. Absent: executors run on the host.
   */
  containerRoot?: string;
  /** The URL schemes switched on (config `tes.schemes`); absent = all of TES_SCHEMES. */
  schemes?: readonly TesScheme[];
}

/** The owner of a TES task when no authentication names the caller. */
export const TES_USER = 'anonymous';

const TASK_FIELDS = [
  'name',
  'description',
  'inputs',
  'outputs',
  'resources',
  'executors',
  'volumes',
  'tags',
];
/** Set by the server; a client echoing a task it read back may send them: they are ignored. */
const READ_ONLY_FIELDS = ['id', 'state', 'logs', 'creation_time'];
const EXECUTOR_FIELDS = [
  'image',
  'command',
  'workdir',
  'stdin',
  'stdout',
  'stderr',
  'env',
  'ignore_error',
];
const INPUT_FIELDS = ['name', 'description', 'url', 'path', 'type', 'content', 'streamable'];
const OUTPUT_FIELDS = ['name', 'description', 'url', 'path', 'path_prefix', 'type'];
const FILE_TYPES: readonly TesFileType[] = ['FILE', 'DIRECTORY'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LIST_OF_STRINGS = 'must be a non-empty list of strings';
const IS_ROOT = 'must be below / when executors run in containers';

/**
 * Container mode: every executor gets the task's mounts, and its stdout/stderr files (paths in
 * the container) are written on the host where those paths live.
 */
function placeInContainers(executors: ExecutorSpec[], tes: TesExtra, hostRoot: string): void {
  const mounts = planTesMounts(tes.inputs, tes.outputs, tes.volumes, hostRoot);
  for (const executor of executors) {
    if (mounts.length > 0) executor.mounts = mounts;
    if (executor.stdout) executor.stdout = posix.join(hostRoot, executor.stdout);
    if (executor.stderr) executor.stderr = posix.join(hostRoot, executor.stderr);
  }
}

/** Validates a TES task; throws INVALID_TASK listing every problem. */
export function parseTesTask(
  body: unknown,
  options: TesValidationOptions,
  user = TES_USER,
): TaskSpec {
  if (!isPlainObject(body)) throw invalidTask([{ field: 'task', problem: 'must be an object' }]);
  const problems = new Problems();
  const read = new TesReader(options, problems);
  checkKnownFields(body, [...TASK_FIELDS, ...READ_ONLY_FIELDS], '', problems);
  const name = read.optionalString(body.name, 'name', 1024);
  const description = read.optionalString(body.description, 'description', 65536);
  const executors = read.list(body.executors, 'executors', (v, f) => read.executor(v, f), true);
  const inputs = read.list(body.inputs, 'inputs', (v, f) => read.input(v, f));
  const outputs = read.list(body.outputs, 'outputs', (v, f) => read.output(v, f));
  const volumes = read.list(body.volumes, 'volumes', (v, f) => read.taskPath(v, f));
  const tags = read.stringMap(body.tags, 'tags');
  const { resources, tesResources, warnings } = new TesResourceReader(
    problems,
    options.backendParameters,
  ).read(body.resources);
  if (problems.list.length > 0) throw invalidTask(problems.list);

  const extra: TesExtra = { inputs, outputs, volumes, warnings };
  if (tesResources) extra.resources = tesResources;
  if (options.containerRoot !== undefined) {
    extra.hostRoot = options.containerRoot;
    placeInContainers(executors, extra, options.containerRoot);
  }
  const spec: TaskSpec = { user, origin: 'tes', executors, resources, extra: { tes: extra } };
  if (name !== undefined) spec.name = name;
  if (description !== undefined) spec.description = description;
  if (tags !== undefined) spec.tags = tags;
  return spec;
}

/** The readers of a task's executors, inputs, outputs and paths. */
class TesReader extends TesFieldReader {
  constructor(
    private readonly options: TesValidationOptions,
    problems: Problems,
  ) {
    super(problems);
  }

  /**
   * A path the task names: on the host, absolute and inside the allowed roots; in containers,
   * absolute and not the container's root (it may be mounted).
   */
  taskPath(value: unknown, field: string): string | undefined {
    const path = checkOutputPath(value, field, this.problems);
    if (path === undefined) return undefined;
    if (this.options.containerRoot !== undefined) {
      return posix.normalize(path) === '/' ? this.problems.add(field, IS_ROOT) : path;
    }
    if (isInsideRoots(path, this.options.allowedRoots)) return path;
    return this.problems.add(field, this.outsideRoots());
  }

  executor(value: unknown, field: string): ExecutorSpec | undefined {
    if (!isPlainObject(value)) return this.problems.add(field, 'must be an object');
    checkKnownFields(value, EXECUTOR_FIELDS, `${field}.`, this.problems);
    const image = this.required(value.image, `${field}.image`, (v, f) =>
      checkString(v, f, this.problems, { nonEmpty: true, maxLength: 512 }),
    );
    const command = this.command(value.command, `${field}.command`);
    const executor: ExecutorSpec = { image: image ?? '', command: command ?? [] };
    for (const key of ['workdir', 'stdin', 'stdout', 'stderr'] as const) {
      if (value[key] === undefined) continue;
      const path = this.taskPath(value[key], `${field}.${key}`);
      if (path !== undefined) executor[key] = path;
    }
    const env = this.stringMap(value.env, `${field}.env`, ENV_NAME);
    if (env !== undefined) executor.env = env;
    const ignoreError = this.optionalBoolean(value.ignore_error, `${field}.ignore_error`);
    if (ignoreError !== undefined) executor.ignoreError = ignoreError;
    return executor;
  }

  command(value: unknown, field: string): string[] | undefined {
    if (!Array.isArray(value) || value.length === 0 || value.some((a) => typeof a !== 'string')) {
      return this.problems.add(field, LIST_OF_STRINGS);
    }
    const argv = value.map((a, i) =>
      checkString(a, `${field}[${i}]`, this.problems, { maxLength: 131072 }),
    );
    if (argv[0] === '') this.problems.add(`${field}[0]`, 'must not be empty');
    return argv.every((a) => a !== undefined) ? argv : undefined;
  }

  fileType(value: unknown, field: string): TesFileType | undefined {
    if (value === undefined || FILE_TYPES.includes(value as TesFileType))
      return value as TesFileType | undefined;
    return this.problems.add(field, 'must be "FILE" or "DIRECTORY"');
  }

  /** An input or an output: an object with known fields only and a `path`. */
  fileEntry(
    value: unknown,
    field: string,
    known: readonly string[],
  ): { entry: Record<string, unknown>; path?: string } | undefined {
    if (!isPlainObject(value)) return this.problems.add(field, 'must be an object');
    checkKnownFields(value, known, `${field}.`, this.problems);
    const path = this.required(value.path, `${field}.path`, (v, f) => this.taskPath(v, f));
    return { entry: value, path };
  }

  input(value: unknown, field: string): TesInput | undefined {
    const read = this.fileEntry(value, field, INPUT_FIELDS);
    if (!read) return undefined;
    const { entry, path } = read;
    const type = this.fileType(entry.type, `${field}.type`);
    // The body cap bounds content; the spec asks for at least 128 KiB.
    const content = this.optionalString(entry.content, `${field}.content`, Number.MAX_SAFE_INTEGER);
    if (content !== undefined && type === 'DIRECTORY') {
      this.problems.add(`${field}.content`, 'cannot be given for a DIRECTORY input');
    }
    // "If content is not empty, url must be ignored."
    if (!content) this.inputUrl(entry.url, `${field}.url`, type, content !== undefined);
    const input: TesInput = { path: path ?? '' };
    this.copyDocumentation(entry, field, input);
    if (typeof entry.url === 'string') input.url = entry.url;
    if (type !== undefined) input.type = type;
    if (content !== undefined) input.content = content;
    const streamable = this.optionalBoolean(entry.streamable, `${field}.streamable`);
    if (streamable !== undefined) input.streamable = streamable;
    if (!content) this.refuseOverlap(field, input.path, input.url);
    return input;
  }

  /**
   * On the host, a url and a path that are the same or lie one inside the other would have
   * staging copy a location onto itself or into its own source: refused, naming both fields.
   */
  refuseOverlap(field: string, path: string, url: string | undefined): void {
    if (this.options.containerRoot !== undefined || !path || url === undefined) return;
    const source = localPath(url);
    if (source === undefined || !pathsOverlap(posix.normalize(source), posix.normalize(path))) {
      return;
    }
    this.problems.add(
      `${field}.url`,
      `overlaps ${field}.path (${path}): the url names long-term storage, which staging never ` +
        `changes; give the task a path of its own`,
    );
  }

  inputUrl(
    value: unknown,
    field: string,
    type: TesFileType | undefined,
    hasContent: boolean,
  ): string | undefined {
    if (value === undefined)
      return hasContent
        ? undefined
        : this.problems.add(field, 'is required unless content is given');
    const url = checkString(value, field, this.problems, { nonEmpty: true, maxLength: 8192 });
    if (url === undefined) return undefined;
    const scheme = this.enabledScheme(url, field, TES_SCHEMES);
    if (scheme === 's3') return this.s3Url(url, field);
    if (scheme === 'http' || scheme === 'https') {
      if (type === 'DIRECTORY')
        return this.problems.add(field, 'a DIRECTORY input cannot be downloaded over HTTP');
      return URL.canParse(url) ? url : this.problems.add(field, 'is not a valid URL');
    }
    return scheme === 'file' ? this.localUrl(url, field) : undefined;
  }

  /** The URL's scheme when it is one of `allowed` and switched on; else a problem is added. */
  enabledScheme(url: string, field: string, allowed: readonly TesScheme[]): TesScheme | undefined {
    const enabled = this.options.schemes ?? TES_SCHEMES;
    const scheme = schemeOf(url);
    if (scheme !== undefined && allowed.includes(scheme) && enabled.includes(scheme)) return scheme;
    return this.problems.add(field, schemeProblem(url, enabled, allowed));
  }

  s3Url(url: string, field: string): string | undefined {
    const problem = s3UrlProblem(url);
    return problem === undefined ? url : this.problems.add(field, problem);
  }

  /** An output's url: file:// (or an absolute path) or s3://; HTTP cannot take files. */
  outputUrl(url: string | undefined, field: string): string | undefined {
    if (url === undefined) return undefined;
    const scheme = this.enabledScheme(url, field, ['file', 's3']);
    if (scheme === 's3') return this.s3Url(url, field);
    return scheme === 'file' ? this.localUrl(url, field) : undefined;
  }

  output(value: unknown, field: string): TesOutput | undefined {
    const read = this.fileEntry(value, field, OUTPUT_FIELDS);
    if (!read) return undefined;
    const { entry, path } = read;
    const url = this.required(entry.url, `${field}.url`, (v, f) =>
      this.outputUrl(checkString(v, f, this.problems, { nonEmpty: true, maxLength: 8192 }), f),
    );
    const type = this.fileType(entry.type, `${field}.type`);
    const prefix = this.optionalString(entry.path_prefix, `${field}.path_prefix`);
    if (path !== undefined && hasWildcards(path)) {
      if (prefix === undefined)
        this.problems.add(`${field}.path_prefix`, 'is required when path has wildcards');
      else if (!prefix.startsWith('/') || !path.startsWith(prefix)) {
        this.problems.add(`${field}.path_prefix`, 'must be an absolute path that path starts with');
      }
    }
    const output: TesOutput = { url: url ?? '', path: path ?? '' };
    this.copyDocumentation(entry, field, output);
    if (prefix !== undefined) output.path_prefix = prefix;
    // Before the check below: a DIRECTORY output is written into itself, not its parent.
    if (type !== undefined) output.type = type;
    if (path && this.options.containerRoot !== undefined && outputDirectory(output) === '/') {
      this.problems.add(
        `${field}.path`,
        `${IS_ROOT}: outputs are written into a mounted directory`,
      );
    }
    this.refuseOverlap(field, output.path, url);
    return output;
  }

  /** A file:// URL or an absolute path naming a host path inside the allowed roots. */
  localUrl(url: string, field: string): string | undefined {
    const path = localPath(url);
    if (path === undefined) return this.problems.add(field, 'names another host or no path');
    if (checkOutputPath(path, field, this.problems) === undefined) return undefined;
    return isInsideRoots(path, this.options.allowedRoots)
      ? url
      : this.problems.add(field, this.outsideRoots());
  }

  copyDocumentation(
    value: Record<string, unknown>,
    field: string,
    into: { name?: string; description?: string },
  ): void {
    const name = this.optionalString(value.name, `${field}.name`);
    const description = this.optionalString(value.description, `${field}.description`, 65536);
    if (name !== undefined) into.name = name;
    if (description !== undefined) into.description = description;
  }

  outsideRoots(): string {
    const where = this.options.containerRoot === undefined ? ': executors run on the host' : '';
    return `must lie inside the allowed roots (${this.options.allowedRoots.join(', ')})${where}`;
  }
}
