/**
 * The container CLI command line that runs one executor's image inside a batch job: `docker run`
 * (or podman, which takes the same flags) or `apptainer exec`. Only the job script side: the CLI
 * must exist on the node that runs the job. Limits are passed to the container too, because a
 * container's processes are the engine's children, not the job's, and the scheduler cannot see them.
 */
import type { ExecutorSpec } from '../../model/task.js';

export interface ContainerRun {
  /** The CLI: docker, podman, apptainer (a name or a path; its base name picks the syntax). */
  cli: string;
  /** The container's name, unique per task and executor, so a cancel can remove it. */
  name: string;
  cores?: number;
  memoryMiB?: number;
  cputimeSec?: number;
}

/** True when the CLI is Apptainer (or Singularity), whose flags differ from docker's. */
export function isApptainer(cli: string): boolean {
  const base = cli.split('/').pop() ?? cli;
  return base === 'apptainer' || base === 'singularity';
}

/** argv (unquoted words) running the executor's image with its command. */
export function containerArgv(executor: ExecutorSpec, run: ContainerRun): string[] {
  return isApptainer(run.cli) ? apptainerArgv(executor, run) : dockerArgv(executor, run);
}

function dockerArgv(executor: ExecutorSpec, run: ContainerRun): string[] {
  // --init: a PID 1 that passes on SIGTERM (busybox as PID 1 ignores it, and a cancel would hang).
  const argv = [run.cli, 'run', '--rm', '--init', '--name', run.name];
  if (executor.stdin) argv.push('-i');
  if (run.cores !== undefined) argv.push(`--cpus=${run.cores}`);
  if (run.memoryMiB !== undefined) {
    const memory = `${Math.floor(run.memoryMiB)}m`;
    argv.push(`--memory=${memory}`, `--memory-swap=${memory}`);
  }
  if (run.cputimeSec !== undefined) {
    const soft = Math.max(1, Math.ceil(run.cputimeSec));
    argv.push(`--ulimit=cpu=${soft}:${soft + 1}`);
  }
  for (const mount of executor.mounts ?? []) {
    argv.push('-v', `${mount.host}:${mount.container}:${mount.mode}`);
  }
  if (executor.workdir) argv.push('-w', executor.workdir);
  for (const [key, value] of Object.entries(executor.env ?? {})) argv.push('-e', `${key}=${value}`);
  argv.push('--', executor.image!, ...executor.command);
  return argv;
}

function apptainerArgv(executor: ExecutorSpec, run: ContainerRun): string[] {
  const image =
    /^[a-z]+:\/\//.test(executor.image!) || executor.image!.startsWith('/')
      ? executor.image!
      : `docker://${executor.image!}`;
  const argv = [run.cli, executor.command.length > 0 ? 'exec' : 'run'];
  for (const mount of executor.mounts ?? []) {
    argv.push('--bind', `${mount.host}:${mount.container}:${mount.mode}`);
  }
  if (executor.workdir) argv.push('--pwd', executor.workdir);
  for (const [key, value] of Object.entries(executor.env ?? {}))
    argv.push('--env', `${key}=${value}`);
  argv.push(image, ...executor.command);
  return argv;
}
