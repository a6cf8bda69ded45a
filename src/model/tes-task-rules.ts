/**
 * What the TES task schema (./tes-task-schema.ts) cannot say, checked after it on the same body:
 * where paths may lie (the allowed roots on the host; below / in containers), which URL schemes
 * are switched on and what a file:// or s3:// URL names, an input url that would copy storage
 * onto itself, and the rules across fields (url unless content, path_prefix with wildcards,
 * environment variable names, a non-empty argv[0]). A field the schema already refused is not
 * looked at again: each rule reads only values of the right type, from fields without a problem.
 */
import { posix } from 'node:path';
import type { FieldProblem } from '../errors.js';
import { isPlainObject } from './checks.js';
import { pathsOverlap } from './path-overlap.js';
import { compileContract, MAX_PROBLEMS } from './schema-problems.js';
import { outputDirectory } from './tes-mounts.js';
import {
  schemeOf,
  schemeProblem,
  s3UrlProblem,
  TES_SCHEMES,
  type TesScheme,
} from './tes-schemes.js';
import { TES_INPUT } from './tes-task-schema.js';
import { hasWildcards, isInsideRoots, localPath, type TesOutput } from './tes-task.js';

/** What the rules need to know of the server they check for. */
export interface TesRuleOptions {
  /** Absolute, normalised host directories every host path of a task must lie in. */
  allowedRoots: readonly string[];
  /** Set when executors run in containers (the task's paths are container paths). */
  containerRoot?: string;
  /** The URL schemes switched on; absent = all of TES_SCHEMES. */
  schemes?: readonly TesScheme[];
}

type Entry = Record<string, unknown>;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IS_ROOT = 'must be below / when executors run in containers';
/** The schema's own path rule, for the path a file:// URL names. */
const checkPath = compileContract(TES_INPUT.properties.path, '');

/** The rules' problems of `body`; `refused` lists the problems the schema found. */
export function tesRuleProblems(
  body: unknown,
  options: TesRuleOptions,
  refused: readonly FieldProblem[],
): FieldProblem[] {
  const rules = new TesRules(options, new Set(refused.map((p) => p.field)));
  if (!isPlainObject(body)) return [];
  rules.each(body.executors, 'executors', (e, f) => rules.executor(e, f));
  rules.each(body.inputs, 'inputs', (e, f) => rules.input(e, f));
  rules.each(body.outputs, 'outputs', (e, f) => rules.output(e, f));
  if (Array.isArray(body.volumes)) {
    body.volumes.forEach((volume, i) => rules.taskPath(volume, `volumes[${i}]`));
  }
  return rules.problems;
}

class TesRules {
  readonly problems: FieldProblem[] = [];

  constructor(
    private readonly options: TesRuleOptions,
    private readonly refused: ReadonlySet<string>,
  ) {}

  /** Past MAX_PROBLEMS the answer lists no more (validate-tes.ts cuts the list). */
  add(field: string, problem: string): undefined {
    if (this.problems.length <= MAX_PROBLEMS) this.problems.push({ field, problem });
    return undefined;
  }

  /** `value` when it is a string the schema did not refuse. */
  text(value: unknown, field: string): string | undefined {
    return typeof value === 'string' && !this.refused.has(field) ? value : undefined;
  }

  each(list: unknown, field: string, rule: (entry: Entry, field: string) => void): void {
    if (!Array.isArray(list)) return;
    list.forEach((entry, i) => {
      if (isPlainObject(entry)) rule(entry, `${field}[${i}]`);
    });
  }

  /** On the host: inside the allowed roots. In containers: not the container's root. */
  taskPath(value: unknown, field: string): string | undefined {
    const path = this.text(value, field);
    if (path === undefined) return undefined;
    if (this.options.containerRoot !== undefined) {
      if (posix.normalize(path) !== '/') return path;
      this.add(field, IS_ROOT);
    } else if (isInsideRoots(path, this.options.allowedRoots)) {
      return path;
    } else this.add(field, this.outsideRoots());
    return undefined;
  }

  executor(executor: Entry, field: string): void {
    for (const key of ['workdir', 'stdin', 'stdout', 'stderr']) {
      this.taskPath(executor[key], `${field}.${key}`);
    }
    const command = executor.command;
    if (Array.isArray(command) && this.text(command[0], `${field}.command[0]`) === '') {
      this.add(`${field}.command[0]`, 'must not be empty');
    }
    if (isPlainObject(executor.env) && !this.refused.has(`${field}.env`)) {
      for (const name of Object.keys(executor.env).filter((key) => !ENV_NAME.test(key))) {
        this.add(
          `${field}.env.${name}`,
          'must be a variable name (letters, digits, _; not starting with a digit)',
        );
      }
    }
  }

  input(input: Entry, field: string): void {
    const path = this.taskPath(input.path, `${field}.path`);
    const content = input.content;
    if (content !== undefined && input.type === 'DIRECTORY') {
      this.add(`${field}.content`, 'cannot be given for a DIRECTORY input');
    }
    // "If content is not empty, url must be ignored."
    if (content) return;
    if (input.url === undefined) {
      if (content === undefined) this.add(`${field}.url`, 'is required unless content is given');
      return;
    }
    const url = this.inputUrl(input.url, `${field}.url`, input.type === 'DIRECTORY');
    this.refuseOverlap(field, path, url);
  }

  inputUrl(value: unknown, field: string, directory: boolean): string | undefined {
    const url = this.text(value, field);
    if (url === undefined) return undefined;
    if (url.trim() === '') return this.add(field, 'must not be empty');
    const scheme = this.enabledScheme(url, field, TES_SCHEMES);
    if (scheme === 's3') return this.s3Url(url, field);
    if (scheme === 'http' || scheme === 'https') {
      if (directory) this.add(field, 'a DIRECTORY input cannot be downloaded over HTTP');
      else if (!URL.canParse(url)) this.add(field, 'is not a valid URL');
      return undefined;
    }
    return scheme === 'file' ? this.localUrl(url, field) : undefined;
  }

  output(output: Entry, field: string): void {
    const path = this.taskPath(output.path, `${field}.path`);
    const url = this.outputUrl(this.text(output.url, `${field}.url`), `${field}.url`);
    const prefix = this.text(output.path_prefix, `${field}.path_prefix`);
    if (path !== undefined && hasWildcards(path)) {
      if (output.path_prefix === undefined) {
        this.add(`${field}.path_prefix`, 'is required when path has wildcards');
      } else if (prefix !== undefined && (!prefix.startsWith('/') || !path.startsWith(prefix))) {
        this.add(`${field}.path_prefix`, 'must be an absolute path that path starts with');
      }
    }
    const type = output.type === 'DIRECTORY' ? 'DIRECTORY' : 'FILE';
    const written: TesOutput = { path: path ?? '', url: '', type };
    // A DIRECTORY output is written into itself, not its parent.
    if (path && this.options.containerRoot !== undefined && outputDirectory(written) === '/') {
      this.add(`${field}.path`, `${IS_ROOT}: outputs are written into a mounted directory`);
    }
    this.refuseOverlap(field, path, url);
  }

  /** An output's url: file:// (or an absolute path) or s3://; HTTP cannot take files. */
  outputUrl(url: string | undefined, field: string): string | undefined {
    if (url === undefined) return undefined;
    const scheme = this.enabledScheme(url, field, ['file', 's3']);
    if (scheme === 's3') return this.s3Url(url, field);
    return scheme === 'file' ? this.localUrl(url, field) : undefined;
  }

  /** The URL's scheme when it is one of `allowed` and switched on; else a problem is added. */
  enabledScheme(url: string, field: string, allowed: readonly TesScheme[]): TesScheme | undefined {
    const enabled = this.options.schemes ?? TES_SCHEMES;
    const scheme = schemeOf(url);
    if (scheme !== undefined && allowed.includes(scheme) && enabled.includes(scheme)) return scheme;
    this.add(field, schemeProblem(url, enabled, allowed));
    return undefined;
  }

  s3Url(url: string, field: string): string | undefined {
    const problem = s3UrlProblem(url);
    if (problem !== undefined) this.add(field, problem);
    return problem === undefined ? url : undefined;
  }

  /** A file:// URL or an absolute path naming a host path inside the allowed roots. */
  localUrl(url: string, field: string): string | undefined {
    const path = localPath(url);
    const problem =
      path === undefined ? 'names another host or no path' : checkPath(path)[0]?.problem;
    if (problem !== undefined) this.add(field, problem);
    else if (!isInsideRoots(path!, this.options.allowedRoots)) this.add(field, this.outsideRoots());
    else return url;
    return undefined;
  }

  /**
   * On the host, a url and a path that are the same or lie one inside the other would have
   * staging copy a location onto itself or into its own source: refused, naming both fields.
   */
  refuseOverlap(field: string, path: string | undefined, url: string | undefined): void {
    if (this.options.containerRoot !== undefined || !path || url === undefined) return;
    const source = localPath(url);
    if (source === undefined || !pathsOverlap(posix.normalize(source), posix.normalize(path))) {
      return;
    }
    this.add(
      `${field}.url`,
      `overlaps ${field}.path (${path}): the url names long-term storage, which staging never ` +
        `changes; give the task a path of its own`,
    );
  }

  outsideRoots(): string {
    const where = this.options.containerRoot === undefined ? ': executors run on the host' : '';
    return `must lie inside the allowed roots (${this.options.allowedRoots.join(', ')})${where}`;
  }
}
