/**
 * TES `resources`: cpu_cores and ram_gb become the task's limits (1 GB = 1024 MiB); disk_gb,
 * preemptible and zones are kept as given (not enforced); backend_parameters keep only the keys
 * this server supports (case-insensitive) — an unsupported key is refused when
 * backend_parameters_strict is true and otherwise dropped with a warning, as the spec says.
 */
import { checkKnownFields, checkString, isPlainObject, type Problems } from './checks.js';
import type { ResourceSpec } from './task.js';
import { TesFieldReader } from './tes-field-reader.js';
import type { TesResources } from './tes-task.js';
import { parseDurationSec } from './units.js';

const RESOURCE_FIELDS = [
  'cpu_cores',
  'preemptible',
  'ram_gb',
  'disk_gb',
  'zones',
  'backend_parameters',
  'backend_parameters_strict',
];

/** The limits for the framework, the resources as TES shows them, and warnings for system_logs. */
export interface TesResourceReading {
  resources: ResourceSpec;
  tesResources?: TesResources;
  warnings: string[];
}

export class TesResourceReader extends TesFieldReader {
  /** `supported`: the backend_parameters keys this server honours, lower case. */
  constructor(
    problems: Problems,
    private readonly supported: readonly string[],
  ) {
    super(problems);
  }

  read(value: unknown): TesResourceReading {
    const resources: ResourceSpec = {};
    const warnings: string[] = [];
    if (value === undefined) return { resources, warnings };
    if (!isPlainObject(value)) {
      this.problems.add('resources', 'must be an object');
      return { resources, warnings };
    }
    checkKnownFields(value, RESOURCE_FIELDS, 'resources.', this.problems);
    const tes: TesResources = {};
    const cores = value.cpu_cores;
    if (cores !== undefined) {
      if (
        typeof cores !== 'number' ||
        !Number.isInteger(cores) ||
        cores < 1 ||
        cores > 2 ** 31 - 1
      ) {
        this.problems.add('resources.cpu_cores', 'must be a whole number ≥ 1');
      } else resources.cores = tes.cpu_cores = cores;
    }
    const ramGb = this.amount(value.ram_gb, 'resources.ram_gb', false);
    if (ramGb !== undefined) {
      tes.ram_gb = ramGb;
      // 1 GB = 1024 MiB, as the TES servers we imitate (Funnel) read it.
      resources.memoryMiB = Math.ceil(ramGb * 1024);
    }
    const diskGb = this.amount(value.disk_gb, 'resources.disk_gb', true);
    if (diskGb !== undefined) tes.disk_gb = diskGb;
    const preemptible = this.optionalBoolean(value.preemptible, 'resources.preemptible');
    if (preemptible !== undefined) tes.preemptible = preemptible;
    if (value.zones !== undefined) {
      tes.zones = this.list(value.zones, 'resources.zones', (v, f) =>
        checkString(v, f, this.problems, { maxLength: 256 }),
      );
    }
    const strict = this.optionalBoolean(
      value.backend_parameters_strict,
      'resources.backend_parameters_strict',
    );
    if (strict !== undefined) tes.backend_parameters_strict = strict;
    const parameters = this.stringMap(value.backend_parameters, 'resources.backend_parameters');
    if (parameters !== undefined) {
      tes.backend_parameters = this.parameters(parameters, strict === true, resources, warnings);
    }
    return { resources, tesResources: tes, warnings };
  }

  /** Keeps the supported keys (case-insensitive), refuses or drops the others as the spec says. */
  parameters(
    parameters: Record<string, string>,
    strict: boolean,
    resources: ResourceSpec,
    warnings: string[],
  ): Record<string, string> {
    const kept: Record<string, string> = {};
    const supported = this.supported;
    for (const [key, value] of Object.entries(parameters)) {
      const field = `resources.backend_parameters.${key}`;
      if (!supported.includes(key.toLowerCase())) {
        const list = supported.length ? supported.join(', ') : 'none';
        if (strict) this.problems.add(field, `is not supported here (supported: ${list})`);
        else
          warnings.push(
            `backend parameter "${key}" is not supported here (supported: ${list}); ignored`,
          );
        continue;
      }
      if (key.toLowerCase() === 'cputime') {
        const seconds = parseDurationSec(value);
        if (seconds === undefined || seconds <= 0) {
          this.problems.add(field, 'must be a duration > 0 like "90", "90s" or "2h"');
          continue;
        }
        resources.cputimeSec = seconds;
      }
      kept[key] = value;
    }
    return kept;
  }

  amount(value: unknown, field: string, zeroAllowed: boolean): number | undefined {
    if (value === undefined) return undefined;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0 ||
      (!zeroAllowed && value === 0) ||
      value > 1e9
    ) {
      return this.problems.add(field, `must be a number ${zeroAllowed ? '≥' : '>'} 0 (GB)`);
    }
    return value;
  }
}
