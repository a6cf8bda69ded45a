/**
 * Builds the one Config object: DEFAULT_CONFIG < file < JOBPROXY_* environment < flags. Every key
 * is checked (unknown keys are errors, values are coerced to the type of their default) and every
 * problem is reported at once with its key and where it was written. The result is deep-frozen.
 */
import { join } from 'node:path';
import type { FrameworkDefinition, FrameworkOption } from '../backends/backend.js';
import { FRAMEWORKS, findFramework } from '../backends/create-backend.js';
import { DEFAULT_CONFIG, type Config } from './config.js';
import { canonicalFrameworkName } from './framework-names.js';
import { checkTopLevelValue, coerceToDefault } from './check-config-value.js';
import { ConfigFileError, readConfigFile, type ConfigEntry } from './read-config-file.js';

/** A configuration problem; the message names each key, its source and what was expected. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Where the settings come from; each layer overrides the one before. */
export interface ConfigInput {
  /** A properties or JSON config file. */
  file?: string;
  /** Usually process.env; only `JOBPROXY_*` variables are read. */
  env?: NodeJS.ProcessEnv;
  /** Command-line values by config key (`framework`, `local.cores`); undefined ones are skipped. */
  flags?: Record<string, unknown>;
}

type TopKey = keyof typeof DEFAULT_CONFIG;
const TOP_KEYS = Object.keys(DEFAULT_CONFIG) as TopKey[];
/** Older names of top-level keys, still accepted so that existing configs load. */
const TOP_ALIASES: Readonly<Record<string, TopKey>> = { pollInterval: 'pollIntervalMs' };

/** The top-level key `name` (normalised) names, by its own name or an alias. */
function findTopKey(name: string): TopKey | undefined {
  const key = TOP_KEYS.find((k) => normalise(k) === name);
  if (key) return key;
  const alias = Object.keys(TOP_ALIASES).find((a) => normalise(a) === name);
  return alias === undefined ? undefined : TOP_ALIASES[alias];
}

/** Whether `option` is called `name` (normalised), by its key or an alias. */
function optionNamed(option: FrameworkOption, name: string): boolean {
  return [option.key, ...(option.aliases ?? [])].some((n) => normalise(n) === name);
}

/** The client's settings share the prefix; the server does not read them. */
const CLIENT_ENV = new Set(['JOBPROXY_SERVER', 'JOBPROXY_TOKEN']);
const ENV_PREFIX = 'JOBPROXY_';
const SECRET_KEY = /token|password|secret/i;

type ResolvedKey =
  | { kind: 'top'; key: TopKey }
  | { kind: 'option'; framework: FrameworkDefinition; option: FrameworkOption };

/** Loads, checks and freezes the configuration; throws ConfigError listing every problem. */
export function loadConfig(input: ConfigInput = {}): Readonly<Config> {
  const problems: string[] = [];
  const fileEntries: ConfigEntry[] = [];
  if (input.file !== undefined) {
    try {
      fileEntries.push(...readConfigFile(input.file));
    } catch (error) {
      if (!(error instanceof ConfigFileError)) throw error;
      problems.push(error.message);
    }
  }
  const top: Partial<Record<TopKey, unknown>> = {};
  const options: Record<string, Record<string, unknown>> = {};
  const apply = (entry: ConfigEntry, resolved: ResolvedKey | string | undefined): void => {
    if (resolved === undefined) return;
    if (typeof resolved === 'string') return void problems.push(resolved);
    const checked =
      resolved.kind === 'top'
        ? checkTopLevelValue(resolved.key, entry.value)
        : coerceToDefault(entry.value, resolved.option.default);
    if (!checked.ok) {
      return void problems.push(`${keyName(resolved)} (${entry.source}): ${checked.problem}`);
    }
    if (resolved.kind === 'top') top[resolved.key] = checked.value;
    else (options[resolved.framework.name] ??= {})[resolved.option.key] = checked.value;
  };
  for (const entry of fileEntries) apply(entry, resolveKey(entry));
  for (const entry of readEnv(input.env ?? {})) apply(entry, resolveEnvKey(entry));
  for (const entry of readFlags(input.flags ?? {})) apply(entry, resolveKey(entry));
  if (Boolean(top.tesS3AccessKeyId) !== Boolean(top.tesS3SecretAccessKey)) {
    problems.push('tes.s3.accessKeyId and tes.s3.secretAccessKey: set both or neither');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  // A copy: freezing the result must not freeze the defaults' own arrays.
  const defaults = structuredClone(DEFAULT_CONFIG);
  const config: Config = { ...defaults, ...(top as Partial<Config>), frameworks: options };
  // The store lives in the private state directory unless it was set itself.
  if (!config.store) config.store = join(config.state, 'jobproxy.db');
  const chosen = findFramework(config.framework);
  const own = (options[chosen.name] ??= {});
  for (const option of chosen.options) {
    if (!(option.key in own) && option.default !== undefined) own[option.key] = option.default;
  }
  const contradictions = chosen.checkOptions?.(own, { containers: config.containers }) ?? [];
  if (contradictions.length > 0) throw new ConfigError(contradictions);
  return deepFreeze(config);
}

/** A copy of the config safe to log: values of keys naming a token, password or secret masked. */
export function redactConfig(config: Readonly<Config>): Record<string, unknown> {
  return redact(config) as Record<string, unknown>;
}

/** The environment variable that sets a key: `local.defaultCores` → JOBPROXY_LOCAL_DEFAULTCORES. */
export function envNameFor(key: string): string {
  return ENV_PREFIX + key.replace(/\./g, '_').toUpperCase();
}

/** Every key a config may hold: the top-level ones, then `framework.option` for each framework. */
export function configKeyNames(): string[] {
  return [...TOP_KEYS, ...FRAMEWORKS.flatMap((f) => f.options.map((o) => `${f.name}.${o.key}`))];
}

function readEnv(env: NodeJS.ProcessEnv): ConfigEntry[] {
  const entries: ConfigEntry[] = [];
  for (const [name, value] of Object.entries(env)) {
    // An empty variable counts as unset, as shells commonly use `VAR= command` to clear one.
    if (!name.startsWith(ENV_PREFIX) || CLIENT_ENV.has(name) || !value) continue;
    entries.push({ key: name, value, source: `environment variable ${name}` });
  }
  return entries;
}

function readFlags(flags: Record<string, unknown>): ConfigEntry[] {
  return Object.entries(flags)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({
      key,
      value,
      source: key.includes('.') ? `flag -o ${key}=…` : `flag --${key}`,
    }));
}

/** Keys compare case-insensitively, ignoring `_` and `-` (`bodylimit`, `body_limit`, `bodyLimit`). */
function normalise(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

function resolveKey(entry: ConfigEntry): ResolvedKey | string {
  const dot = entry.key.indexOf('.');
  // A dotted top-level key (`auth.tokens` is authTokens) before framework options.
  const top = findTopKey(normalise(entry.key).replace(/\./g, ''));
  if (top) return { kind: 'top', key: top };
  if (dot < 0) {
    return `${show(entry.key)} (${entry.source}): unknown key${suggest(entry.key)}; the keys are: ${configKeyNames().join(', ')}`;
  }
  const name = entry.key.slice(0, dot);
  let framework: FrameworkDefinition;
  try {
    framework = findFramework(canonicalFrameworkName(name));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `${show(entry.key)} (${entry.source}): ${reason}`;
  }
  const wanted = normalise(entry.key.slice(dot + 1));
  const option = framework.options.find((o) => optionNamed(o, wanted));
  if (option) return { kind: 'option', framework, option };
  const known = framework.options.map((o) => `${framework.name}.${o.key}`);
  return `${show(entry.key)} (${entry.source}): the ${framework.name} framework has no such option${suggest(entry.key)}; its options are: ${known.join(', ')}`;
}

/**
 * JOBPROXY_LOCAL_DEFAULTCORES → local.defaultCores: `_` and `.` are both ignored. The prefix is
 * shared (the test scripts' JOBPROXY_TEST_*, JOBPROXY_TASK_ID in every local task's environment),
 * so a variable that names no key is not ours and is skipped — unless it names a framework or is
 * a near miss of a key, which is a typo worth stopping for. undefined = skip.
 */
function resolveEnvKey(entry: ConfigEntry): ResolvedKey | string | undefined {
  const name = entry.key.slice(ENV_PREFIX.length);
  const wanted = normalise(name);
  const top = findTopKey(wanted);
  if (top) return { kind: 'top', key: top };
  for (const framework of FRAMEWORKS) {
    const prefix = normalise(framework.name);
    const option = wanted.startsWith(prefix)
      ? framework.options.find((o) => optionNamed(o, wanted.slice(prefix.length)))
      : undefined;
    if (option) return { kind: 'option', framework, option };
    if (name.toLowerCase().startsWith(`${framework.name}_`)) {
      const known = framework.options.map((o) => envNameFor(`${framework.name}.${o.key}`));
      return `${entry.source}: the ${framework.name} framework has no such option; its variables are: ${known.join(', ')}`;
    }
  }
  const near = nearestKey(name, true);
  if (near === undefined) return undefined;
  return `${entry.source} names no config key (did you mean ${envNameFor(near)}?)`;
}

function keyName(resolved: ResolvedKey): string {
  return resolved.kind === 'top'
    ? resolved.key
    : `${resolved.framework.name}.${resolved.option.key}`;
}

/** ` (did you mean "serveruri"?)` when a known key is one or two edits away. */
function suggest(key: string): string {
  const near = nearestKey(key);
  return near ? ` (did you mean "${near}"?)` : '';
}

/** The known key one or two edits from `key`, if any (dots ignored for environment names). */
function nearestKey(key: string, ignoreDots = false): string | undefined {
  const flat = (k: string): string => (ignoreDots ? normalise(k).replace(/\./g, '') : normalise(k));
  const target = flat(key);
  let best: { name: string; distance: number } | undefined;
  for (const name of configKeyNames()) {
    const distance = editDistance(target, flat(name));
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

function redact(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key) && value !== undefined && value !== '') return '***';
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => redact(item));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k)]));
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
