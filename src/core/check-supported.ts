/**
 * Refuses at submit what the chosen framework cannot honour — never silently dropped — and what
 * could never fit its capacity (a task that would wait forever).
 */
import type { FrameworkInfo } from '../backends/backend.js';
import { JobProxyError, type FieldProblem } from '../errors.js';
import { outsideRootsProblem } from '../model/allowed-roots.js';
import type { TaskSpec } from '../model/task.js';

/** Throws UNSUPPORTED_FIELD / EXCEEDS_CAPACITY for the first field that cannot be honoured. */
export function checkSupported(spec: TaskSpec, info: FrameworkInfo, containers: string): void {
  const unsupported: FieldProblem[] = [];
  const runsImages = containers !== 'host';
  const v1 = spec.origin === 'v1';
  spec.executors.forEach((executor, i) => {
    const prefix = v1 ? 'container' : `executors[${i}]`;
    // A framework that resolved to host on its own refuses v1 container tasks; one told
    // `containers: host` by the operator says supports.containers and runs the command alone.
    if (executor.image !== undefined && v1 && !info.supports.containers) {
      unsupported.push({ field: 'container', problem: containerProblem(info, containers) });
    }
    if (executor.image !== undefined && !runsImages && executor.command.length === 0) {
      unsupported.push({
        field: v1 ? 'container.cmd' : `executors[${i}].command`,
        problem: "is required: with containers: host the image's own command cannot run",
      });
    }
    if (executor.ports?.length && (!runsImages || !info.supports.ports)) {
      unsupported.push({ field: `${prefix}.ports`, problem: 'ports cannot be published here' });
    }
    if (executor.mounts?.length && (!runsImages || !info.supports.mounts)) {
      unsupported.push({ field: `${prefix}.mounts`, problem: 'mounts cannot be made here' });
    }
  });
  const { cores, memoryMiB, cputimeSec } = spec.resources;
  if (cores !== undefined && !info.supports.cores) unsupported.push(field('cores', v1));
  if (memoryMiB !== undefined && !info.supports.memory) unsupported.push(field('memory', v1));
  if (cputimeSec !== undefined && !info.supports.cputime) unsupported.push(field('cputime', v1));
  if (spec.executors.length > 1 && !info.supports.multipleExecutors) {
    unsupported.push({ field: 'executors', problem: 'only one executor per task' });
  }
  if (unsupported.length > 0) {
    throw new JobProxyError(
      'UNSUPPORTED_FIELD',
      { framework: info.name, field: unsupported.map((u) => u.field).join(', ') },
      unsupported,
    );
  }
  checkCapacity(spec, info, v1);
}

function containerProblem(info: FrameworkInfo, containers: string): string {
  return containers === 'host' || !info.supports.containers
    ? `the ${info.name} framework does not run container images here (containers: ${containers})`
    : 'containers are not supported';
}

function field(name: 'cores' | 'memory' | 'cputime', v1: boolean): FieldProblem {
  const tesName = { cores: 'resources.cpu_cores', memory: 'resources.ram_gb', cputime: 'cputime' };
  return { field: v1 ? name : tesName[name], problem: 'this limit cannot be enforced here' };
}

function checkCapacity(spec: TaskSpec, info: FrameworkInfo, v1: boolean): void {
  if (!info.capacity) return;
  const { cores, memoryMiB } = spec.resources;
  if (cores !== undefined && cores > info.capacity.cores) {
    const name = v1 ? 'cores' : 'resources.cpu_cores';
    throw new JobProxyError(
      'EXCEEDS_CAPACITY',
      { field: name, asked: cores, available: info.capacity.cores, framework: info.name },
      [{ field: name, problem: `at most ${info.capacity.cores}` }],
    );
  }
  if (memoryMiB !== undefined && memoryMiB > info.capacity.memoryMiB) {
    const name = v1 ? 'memory' : 'resources.ram_gb';
    throw new JobProxyError(
      'EXCEEDS_CAPACITY',
      {
        field: name,
        asked: `${memoryMiB} MiB`,
        available: `${info.capacity.memoryMiB} MiB`,
        framework: info.name,
      },
      [{ field: name, problem: `at most ${info.capacity.memoryMiB} MiB` }],
    );
  }
}

/**
 * Where a v1 task asks its output to go must lie inside the allowed roots, as written and with
 * symbolic links resolved (TES paths are checked by the TES validator, mounts by the framework).
 */
export function checkOutputRoots(spec: TaskSpec, allowedRoots: readonly string[]): FieldProblem[] {
  if (spec.origin !== 'v1') return [];
  const problems: FieldProblem[] = [];
  for (const executor of spec.executors) {
    for (const field of ['stdout', 'stderr'] as const) {
      const path = executor[field];
      const problem =
        path === undefined ? undefined : outsideRootsProblem(path, spec.user, allowedRoots);
      if (problem) problems.push({ field, problem });
    }
  }
  return problems;
}
