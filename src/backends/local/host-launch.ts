/**
 * Prepares one launch of a host task: its directory and output files, its cgroup, its CPUs and
 * its supervisor script — and reads back the markers a launch left, for recovery. The local
 * backend decides when; this decides how.
 */
import { closeSync, constants, fchownSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TaskRecord } from '../../model/task.js';
import { createTaskCgroup, type CgroupVersion, type TaskCgroup } from './cgroups.js';
import type { CpuSet } from './cpu-set.js';
import { renderLaunchScript } from './launch-script.js';
import type { UnixIdentity } from './run-as.js';

const SCRIPT_NAME = /^run\.(\d+)\.sh$/;

export interface PreparedLaunch {
  scriptPath: string;
  cgroup?: TaskCgroup;
  memoryBy: 'cgroup' | 'rlimit' | 'none';
  cpus: number[];
}

/**
 * Creates an output file the server owns the directory of (the task's own directory), empty,
 * owned by the task's user. O_NOFOLLOW: never through a link.
 */
function createOwnOutput(path: string, runAs: UnixIdentity | undefined): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  try {
    ftruncateSync(fd, 0);
    if (runAs) fchownSync(fd, runAs.uid, runAs.gid);
  } finally {
    closeSync(fd);
  }
}

/** Everything a supervisor needs on disk, for launch `launchNumber` of `task`. */
export function prepareHostLaunch(
  task: TaskRecord,
  dir: string,
  launchNumber: number,
  env: { cgroupVersion?: CgroupVersion; cpuSet: CpuSet; runAs?: UnixIdentity },
): PreparedLaunch {
  const { cores, memoryMiB, cputimeSec } = task.spec.resources;
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const paths of task.logPaths) {
    for (const path of [paths.stdout, paths.stderr]) {
      if (dirname(path) === dir) createOwnOutput(path, env.runAs);
      // Elsewhere a task running as another user creates its files itself, with its own rights.
      else if (!env.runAs) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, '');
      }
    }
  }
  const cgroup = env.cgroupVersion
    ? createTaskCgroup(env.cgroupVersion, task.id, { memoryMiB, cores })
    : undefined;
  const memoryBy = memoryMiB === undefined ? 'none' : cgroup?.memoryDir ? 'cgroup' : 'rlimit';
  const cpus = cores !== undefined ? env.cpuSet.take(Math.ceil(cores)) : [];
  const scriptPath = join(dir, `run.${launchNumber}.sh`);
  writeFileSync(
    scriptPath,
    renderLaunchScript({
      taskDir: dir,
      taskId: task.id,
      launch: launchNumber,
      executors: task.spec.executors,
      logPaths: task.logPaths,
      cpus,
      cputimeSec,
      addressSpaceMiB: memoryBy === 'rlimit' ? memoryMiB : undefined,
      cgroupDirs: cgroup?.dirs ?? [],
      runAs: env.runAs,
    }),
  );
  return { scriptPath, cgroup, memoryBy, cpus };
}

/** One more than the highest launch script in the task's directory (1 for a new task). */
export function nextLaunchNumber(dir: string): number {
  let highest = 0;
  try {
    for (const name of readdirSync(dir)) {
      const match = SCRIPT_NAME.exec(name);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
  } catch {
    // No directory yet: first launch.
  }
  return highest + 1;
}

/** Claims a launch that its supervisor never claimed, so it can never start late. */
export function claimForRecovery(claim: string): boolean {
  try {
    mkdirSync(claim);
    writeFileSync(join(claim, 'by-recovery'), '');
    return true;
  } catch {
    return false;
  }
}

export function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
