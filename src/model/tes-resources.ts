/**
 * TES `resources` after the schema: cpu_cores and ram_gb become the task's limits (1 GB =
 * 1024 MiB); disk_gb, preemptible and zones are kept as given (not enforced); backend_parameters
 * keep only the keys this server supports (case-insensitive) — an unsupported key is refused when
 * backend_parameters_strict is true and otherwise dropped with a warning, as the spec says.
 */
import type { FieldProblem } from '../errors.js';
import { isPlainObject } from './checks.js';
import type { ResourceSpec } from './task.js';
import type { TesResourcesBody } from './tes-task-schema.js';
import type { TesResources } from './tes-task.js';
import { parseDurationSec } from './units.js';

/** The limits for the framework, the resources as TES shows them, and warnings for system_logs. */
export interface TesResourceReading {
  resources: ResourceSpec;
  tesResources?: TesResources;
  warnings: string[];
}

const FIELD = 'resources.backend_parameters';
const KEPT_AS_SENT = [
  'cpu_cores',
  'ram_gb',
  'disk_gb',
  'preemptible',
  'zones',
  'backend_parameters_strict',
] as const;

/** The keys this server honours, as a sentence. */
const listOf = (supported: readonly string[]) => (supported.length ? supported.join(', ') : 'none');

/** A cputime value as seconds, or undefined when it is no duration > 0. */
function cputimeOf(value: string): number | undefined {
  const seconds = parseDurationSec(value);
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

/**
 * The problems of `resources.backend_parameters` (`supported`: lower-case keys): an unsupported
 * key when strict, a cputime that is no duration. Reads only what the schema let through.
 */
export function backendParameterProblems(
  resources: unknown,
  supported: readonly string[],
  refused: readonly FieldProblem[],
): FieldProblem[] {
  if (!isPlainObject(resources) || !isPlainObject(resources.backend_parameters)) return [];
  if (refused.some((p) => p.field === FIELD)) return [];
  const strict = resources.backend_parameters_strict === true;
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(resources.backend_parameters)) {
    const field = `${FIELD}.${key}`;
    if (!supported.includes(key.toLowerCase())) {
      if (strict)
        problems.push({
          field,
          problem: `is not supported here (supported: ${listOf(supported)})`,
        });
    } else if (
      key.toLowerCase() === 'cputime' &&
      typeof value === 'string' &&
      cputimeOf(value) === undefined
    ) {
      problems.push({ field, problem: 'must be a duration > 0 like "90", "90s" or "2h"' });
    }
  }
  return problems;
}

/** The resources of a task that passed the schema and the rules. */
export function readTesResources(
  body: TesResourcesBody | undefined,
  supported: readonly string[],
): TesResourceReading {
  const resources: ResourceSpec = {};
  const warnings: string[] = [];
  if (body === undefined) return { resources, warnings };
  const tes: TesResources = {};
  // In this order, as the views have always shown them.
  for (const key of KEPT_AS_SENT) {
    if (body[key] !== undefined) Object.assign(tes, { [key]: body[key] });
  }
  const parameters = body.backend_parameters;
  if (body.cpu_cores !== undefined) resources.cores = body.cpu_cores;
  // 1 GB = 1024 MiB, as the TES servers we imitate (Funnel) read it.
  if (body.ram_gb !== undefined) resources.memoryMiB = Math.ceil(body.ram_gb * 1024);
  if (parameters === undefined) return { resources, tesResources: tes, warnings };
  tes.backend_parameters = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (!supported.includes(key.toLowerCase())) {
      warnings.push(
        `backend parameter "${key}" is not supported here (supported: ${listOf(supported)}); ignored`,
      );
      continue;
    }
    if (key.toLowerCase() === 'cputime') resources.cputimeSec = cputimeOf(value);
    tes.backend_parameters[key] = value;
  }
  return { resources, tesResources: tes, warnings };
}
