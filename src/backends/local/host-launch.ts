/**
 * Prepares one launch of a host task: its directory and output files, its cgroup, its CPUs and
 * its supervisor script — and reads back the markers a launch left, for recovery. The local
 * backend decides when; this decides how.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TaskRecord } from '../../model/task.js';
import { createTaskCgroup, type CgroupVersion, type TaskCgroup } from './cgroups.js';
import type { CpuSet } from './cpu-set.js';
import { renderLaunchScript } from './launch-script.js';
import type { UnixIdentity } from './run-as.js';

const SCRIPT_NAME = /^run\.(\d+)\.sh$/;

export interface PreparedLaunch {
  scriptPath: string;
  /** A file in the task's directory to open for the supervisor's stderr; the script appends. */
  supervisorStderr?: string;
  cgroup?: TaskCgroup;
  memoryBy: 'cgroup' | 'rlimit' | 'none';
  cpus: number[];
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
  // The supervisor creates the output files; their directories must exist. A task running as
  // another user makes its own, with its own rights.
  if (!env.runAs) {
    const dirs = new Set(task.logPaths.flatMap((p) => [dirname(p.stdout), dirname(p.stderr)]));
    dirs.delete(dir);
    for (const outputDir of dirs) mkdirSync(outputDir, { recursive: true });
  }
  const cgroup = env.cgroupVersion
    ? createTaskCgroup(env.cgroupVersion, task.id, { memoryMiB, cores })
    : undefined;
  const memoryBy = memoryMiB === undefined ? 'none' : cgroup?.memoryDir ? 'cgroup' : 'rlimit';
  const cpus = cores !== undefined ? env.cpuSet.take(Math.ceil(cores)) : [];
  const scriptPath = join(dir, `run.${launchNumber}.sh`);
  const firstStderr = task.logPaths[0]?.stderr;
  const supervisorStderr = firstStderr && dirname(firstStderr) === dir ? firstStderr : undefined;
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
      preopened: supervisorStderr ? [supervisorStderr] : [],
    }),
  );
  return { scriptPath, supervisorStderr, cgroup, memoryBy, cpus };
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

/** Who claimed a launch: its supervisor (with its pid), recovery, or nobody yet. */
export type LaunchClaim = { by: 'supervisor'; pid?: number } | { by: 'recovery' } | { by: 'nobody' };

/**
 * Claims launch `claim` for recovery if its supervisor never did, so it can never start late;
 * otherwise says who holds it.
 */
export function claimForRecovery(claim: string): LaunchClaim {
  try {
    writeFileSync(claim, 'recovery\n', { flag: 'wx' });
    return { by: 'nobody' };
  } catch {
    let text = readFileSync(claim, 'utf8');
    // Empty: the supervisor made the file and is about to write its pid; give it a moment.
    for (let tries = 0; text === '' && tries < 10; tries++) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      text = readFileSync(claim, 'utf8');
    }
    if (text.startsWith('recovery')) return { by: 'recovery' };
    const pid = Number(text.trim());
    return { by: 'supervisor', pid: Number.isInteger(pid) && pid > 0 ? pid : undefined };
  }
}
