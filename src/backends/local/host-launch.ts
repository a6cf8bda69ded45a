/**
 * Prepares one launch of a host task — its cgroup, its CPUs and its supervisor script — and reads
 * back the claims launches left, for recovery. The local backend decides when; this decides how.
 *
 * Launch N of a task is claimed by the file claim.N (see launch-script.ts). The script itself is
 * passed to `sh -c`, not read from disk, so starting a task writes nothing on the server's side
 * but the task's directory (made ahead, off the event loop); a copy run.N.sh is written after the
 * start for people to read.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TaskRecord } from '../../model/task.js';
import { createTaskCgroup, type CgroupVersion, type TaskCgroup } from './cgroups.js';
import type { CpuSet } from './cpu-set.js';
import { renderLaunchScript } from './launch-script.js';
import type { TaskDirs } from './task-dirs.js';
import type { UnixIdentity } from '../run-as.js';

const CLAIM_NAME = /^claim\.(\d+)$/;
/** Supervisors claiming launches while recovery runs: a handful at most, never a loop. */
const MAX_CLAIM_TRIES = 100;

export interface PreparedLaunch {
  script: string;
  /** The supervisor's $0: in its command line, so a restarted server can tell it is ours. */
  marker: string;
  cgroup?: TaskCgroup;
  memoryBy: 'cgroup' | 'rlimit' | 'none';
  cpus: number[];
}

/** The $0 of launch `launch` of task `taskId`. */
export function supervisorMarker(taskId: string, launch: number): string {
  return `jobproxy-task:${taskId}:${launch}`;
}

/** The supervisor's own stderr (an output it could not open, say), among the markers. */
export const SUPERVISOR_STDERR = 'supervisor.err';

/** What a supervisor needs, for launch `launchNumber` of `task` (its directories exist). */
export function prepareHostLaunch(
  task: TaskRecord,
  { taskDir: dir, markersDir }: TaskDirs,
  launchNumber: number,
  env: { cgroupVersion?: CgroupVersion; cpuSet: CpuSet; runAs?: UnixIdentity },
): PreparedLaunch {
  const { cores, memoryMiB, cputimeSec } = task.spec.resources;
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
  const script = renderLaunchScript({
    taskDir: dir,
    markersDir,
    taskId: task.id,
    launch: launchNumber,
    executors: task.spec.executors,
    logPaths: task.logPaths,
    cpus,
    cputimeSec,
    addressSpaceMiB: memoryBy === 'rlimit' ? memoryMiB : undefined,
    cgroupDirs: cgroup?.dirs ?? [],
    runAs: env.runAs,
    supervisorStderr: join(markersDir, SUPERVISOR_STDERR),
  });
  return { script, marker: supervisorMarker(task.id, launchNumber), cgroup, memoryBy, cpus };
}

/** A readable copy of the script beside the task's files; only for people, so failures pass. */
export function keepScriptCopy(dir: string, launchNumber: number, script: string): void {
  writeFile(join(dir, `run.${launchNumber}.sh`), script).catch(() => undefined);
}

/**
 * Who holds a claim file: a supervisor (with its pid, once written), the launcher's direct path
 * ("launcher <launcher pid>" then the executor's pid) or recovery.
 */
type Claim =
  | { by: 'supervisor'; pid?: number; launcher?: number; launcherStart?: number }
  | { by: 'recovery' };

function positive(text: string | undefined): number | undefined {
  const n = Number(text?.trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function readClaim(path: string): Claim {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { by: 'recovery' }; // No claim at all: that launch never began.
  }
  // Empty: the supervisor made the file and is about to write its pid; give it a moment.
  for (let tries = 0; text === '' && tries < 10; tries++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    text = readFileSync(path, 'utf8');
  }
  if (text.startsWith('recovery')) return { by: 'recovery' };
  const lines = text.split('\n');
  const launcher = /^launcher (\d+)(?: (\d+))?$/.exec(lines[0]!);
  if (launcher) {
    const launcherStart = positive(launcher[2]);
    const found = { launcher: positive(launcher[1]), pid: positive(lines[1]) };
    return { by: 'supervisor', ...found, ...(launcherStart ? { launcherStart } : {}) };
  }
  return { by: 'supervisor', pid: positive(text) };
}

function highestClaim(dir: string): number {
  let highest = 0;
  for (const name of readdirSync(dir)) {
    const match = CLAIM_NAME.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

/** What recovery found of a task's launches. */
export type RecoveredLaunch =
  | { kind: 'never-ran'; nextLaunch: number }
  | { kind: 'ran'; launch: number; pid?: number; launcher?: number; launcherStart?: number };

/**
 * After a restart: first claims the launch after the highest claimed one for recovery, so a
 * launch whose start was in flight when the server died can never run late; then finds the
 * latest launch a supervisor claimed. A launch recovery claimed never ran.
 */
export function recoverLaunch(dir: string): RecoveredLaunch {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let blocked = highestClaim(dir) + 1;
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(join(dir, `claim.${blocked}`), 'recovery\n', { flag: 'wx' });
      break;
    } catch (error) {
      // Only a claim made just now by a supervisor is a reason to try the next one; a full
      // disk or a directory the server cannot write stops recovery, naming the file.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' || tries >= MAX_CLAIM_TRIES) {
        throw new Error(
          `cannot write the recovery claim ${join(dir, `claim.${blocked}`)}: ${(error as Error).message}`,
        );
      }
      blocked++;
    }
  }
  for (let launch = blocked - 1; launch >= 1; launch--) {
    const claim = readClaim(join(dir, `claim.${launch}`));
    if (claim.by !== 'supervisor') continue;
    const { pid, launcher, launcherStart } = claim;
    const direct = launcher === undefined ? {} : { launcher, launcherStart };
    return { kind: 'ran', launch, pid, ...direct };
  }
  return { kind: 'never-ran', nextLaunch: blocked + 1 };
}
