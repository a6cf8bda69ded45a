/**
 * The server's side of the direct path (direct-start.ts): which tasks may start without a
 * /bin/sh supervisor, and what the launcher is sent for them. Everything else — several
 * executors, stdin, a workdir, cputime or address-space limits, CPU pinning, an identity with
 * supplementary groups (spawn clears them), outputs outside the task's own directory — keeps
 * the supervisor script, which can do it.
 */
import { dirname } from 'node:path';
import type { TaskRecord } from '../../model/task.js';
import type { CgroupVersion, TaskCgroup } from './cgroups.js';
import type { DirectStart } from './direct-start.js';
import type { TaskDirs } from './task-dirs.js';
import type { UnixIdentity } from '../run-as.js';

/** PATH of a task that runs as another user with a clean environment (as launch-script.ts). */
const CLEAN_PATH = '/usr/local/bin:/usr/bin:/bin';

/** True when `task` needs nothing the launcher's spawn cannot give it. */
export function canStartDirectly(
  task: TaskRecord,
  dirs: TaskDirs,
  identity: UnixIdentity | undefined,
  cgroupVersion: CgroupVersion | undefined,
): boolean {
  const { executors, resources } = task.spec;
  const [executor] = executors;
  const logs = task.logPaths[0];
  if (executors.length !== 1 || !executor || !logs) return false;
  if (executor.stdin !== undefined || executor.workdir !== undefined) return false;
  if (resources.cputimeSec !== undefined || resources.cores !== undefined) return false;
  // A memory limit needs its cgroup: without one the supervisor sets RLIMIT_AS.
  if (resources.memoryMiB !== undefined && cgroupVersion === undefined) return false;
  if (identity && !identity.pooled) return false;
  if (dirs.markersDir === dirs.taskDir) return false;
  return dirname(logs.stdout) === dirs.taskDir && dirname(logs.stderr) === dirs.taskDir;
}

/**
 * The environment an executor gets over what it starts from: running as the server, the
 * server's own (the launcher's, which it inherited: only the task's own variables are sent);
 * as another user, a clean one.
 */
function environmentOf(
  task: TaskRecord,
  dirs: TaskDirs,
  identity: UnixIdentity | undefined,
): Record<string, string> {
  const own = task.spec.executors[0]!.env ?? {};
  if (!identity) return { JOBPROXY_TASK_ID: task.id, ...own };
  return {
    HOME: identity.home || dirs.taskDir,
    USER: identity.name,
    LOGNAME: identity.name,
    PATH: CLEAN_PATH,
    SHELL: '/bin/sh',
    JOBPROXY_TASK_ID: task.id,
    ...own,
  };
}

/** The launcher's request for launch `launch` of `task`. */
export function directStartOf(
  task: TaskRecord,
  dirs: TaskDirs,
  launch: number,
  identity: UnixIdentity | undefined,
  cgroup: TaskCgroup | undefined,
): DirectStart {
  return {
    taskDir: dirs.taskDir,
    markersDir: dirs.markersDir,
    launch,
    command: task.spec.executors[0]!.command,
    env: environmentOf(task, dirs, identity),
    ...(identity ? { uid: identity.uid, gid: identity.gid } : { inheritEnv: true }),
    stdout: task.logPaths[0]!.stdout,
    stderr: task.logPaths[0]!.stderr,
    cgroupDirs: cgroup?.dirs ?? [],
  };
}
