/**
 * Turns one executor of a task into the engine's container-create body: the image and command,
 * the labels that tie the container to its task, and the task's limits as engine limits
 * (cores → CFS quota and a cpuset for whole cores, memory → memory cgroup without extra swap,
 * cputime → RLIMIT_CPU, ports → published host ports, mounts → bind mounts).
 */
import { readFileSync } from 'node:fs';
import type { ContainerCreateOptions } from 'dockerode';
import type { ExecutorSpec, ResourceSpec } from '../../../model/task.js';
import { LABEL_EXECUTOR, LABEL_INSTANCE, LABEL_TASK } from './engine.js';

export interface ContainerPlan {
  taskId: string;
  executorIndex: number;
  executor: ExecutorSpec;
  resources: ResourceSpec;
  /** This server's instance id (label jobproxy.instance). */
  instance: string;
  /** CPUs to pin to (only when whole cores were asked). */
  cpus: number[];
  /** Host address published ports bind to. */
  publishAddress: string;
  /** Hard RLIMIT_CPU the engine may set (containers cannot get more than the engine has). */
  cpuHardLimit?: number;
  /** "uid:gid" the container runs as; absent = the image's user. */
  user?: string;
}

/** The container's name: stable per task and executor, so a repeated create cannot make two. */
export function containerName(taskId: string, executorIndex: number): string {
  return `jobproxy-${taskId}-${executorIndex}`;
}

/** The create body for one executor. */
export function containerConfig(plan: ContainerPlan): ContainerCreateOptions {
  const { executor, resources } = plan;
  const config: ContainerCreateOptions = {
    name: containerName(plan.taskId, plan.executorIndex),
    Image: executor.image,
    ...(plan.user ? { User: plan.user } : {}),
    Labels: {
      [LABEL_TASK]: plan.taskId,
      [LABEL_EXECUTOR]: String(plan.executorIndex),
      [LABEL_INSTANCE]: plan.instance,
    },
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    HostConfig: {
      // A tiny init as PID 1 forwards signals and reaps: busybox as PID 1 ignores SIGTERM.
      Init: true,
      ...limits(plan, resources),
      ...(executor.mounts?.length
        ? {
            Mounts: executor.mounts.map((mount) => ({
              Type: 'bind' as const,
              Source: mount.host,
              Target: mount.container,
              ReadOnly: mount.mode === 'ro',
            })),
          }
        : {}),
      ...(executor.ports?.length
        ? {
            PortBindings: Object.fromEntries(
              executor.ports.map((port) => [
                `${port.container}/tcp`,
                [{ HostIp: plan.publishAddress, HostPort: String(port.host) }],
              ]),
            ),
          }
        : {}),
    },
  };
  const command = commandOf(executor);
  if (command) config.Cmd = command;
  if (executor.ports?.length) {
    config.ExposedPorts = Object.fromEntries(executor.ports.map((p) => [`${p.container}/tcp`, {}]));
  }
  if (executor.env && Object.keys(executor.env).length > 0) {
    config.Env = Object.entries(executor.env).map(([key, value]) => `${key}=${value}`);
  }
  if (executor.workdir) config.WorkingDir = executor.workdir;
  return config;
}

/**
 * argv, or undefined for the image's own command. A stdin file (a path inside the container, as
 * TES has it) is redirected by a shell, which the image must then have.
 */
function commandOf(executor: ExecutorSpec): string[] | undefined {
  if (executor.command.length === 0) return undefined;
  if (!executor.stdin) return executor.command;
  return ['/bin/sh', '-c', 'exec "$@" < "$0"', executor.stdin, ...executor.command];
}

function limits(
  plan: ContainerPlan,
  resources: ResourceSpec,
): NonNullable<ContainerCreateOptions['HostConfig']> {
  const hostConfig: NonNullable<ContainerCreateOptions['HostConfig']> = {};
  if (resources.cores !== undefined) {
    hostConfig.NanoCpus = Math.round(resources.cores * 1e9);
    if (plan.cpus.length > 0) hostConfig.CpusetCpus = plan.cpus.join(',');
  }
  if (resources.memoryMiB !== undefined) {
    const bytes = Math.floor(resources.memoryMiB * 1024 * 1024);
    hostConfig.Memory = bytes;
    // Equal to Memory: no swap on top of the limit, so the limit is the limit.
    hostConfig.MemorySwap = bytes;
  }
  if (resources.cputimeSec !== undefined) {
    // soft < hard: SIGXCPU at the limit (exit 152, which names the limit); SIGKILL a second later.
    const hardCap = plan.cpuHardLimit ?? Infinity;
    const soft = Math.min(Math.max(1, Math.ceil(resources.cputimeSec)), hardCap);
    const hard = Math.min(soft + 1, hardCap);
    hostConfig.Ulimits = [{ Name: 'cpu', Soft: soft, Hard: hard }];
  }
  return hostConfig;
}

/**
 * The hard RLIMIT_CPU of this process ("Max cpu time" in /proc/self/limits), undefined when
 * unlimited or unknown. The engine runs with the same limits here, and cannot raise them.
 */
export function readCpuHardLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const line = /^Max cpu time\s+(\S+)\s+(\S+)/m.exec(text);
  const hard = line ? Number(line[2]) : NaN;
  return Number.isFinite(hard) ? hard : undefined;
}
