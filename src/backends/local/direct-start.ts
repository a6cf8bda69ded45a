/**
 * The launcher's direct path (run inside launcher-process.ts): one spawn per task, no /bin/sh
 * supervisor. For a task that needs nothing spawn cannot do (one executor, default outputs in
 * its own new directory, no stdin/workdir, no rlimit, no CPU pinning, no supplementary groups):
 *   1. claim.N is created exclusively ("launcher <pid>"), as the supervisor would: a launch that
 *      recovery claimed first never runs;
 *   2. the task's directory is made here (root, 0700) and its stdout/stderr created in it with
 *      O_EXCL|O_NOFOLLOW while the owner cannot yet write there, fchown'd, then the directory is
 *      given to the owner — no file is opened with the server's rights where the owner writes
 *      (the markers directory, the server's own, is made here too on a first launch);
 *   3. the launcher joins the task's cgroups, spawns (fork+exec happen synchronously inside
 *      spawn), and goes back to its own cgroups, so the executor starts inside them;
 *   4. on exit it writes the `exit` marker (the same file the supervisor writes) and reports.
 * A directory that already exists (a relaunch, staged inputs) is left to the supervisor path.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { openOutputs, UseSupervisor, type TaskOutputs } from './direct-outputs.js';
import { processStartTime } from './process-probe.js';

export { UseSupervisor };

/** What the server sends for a direct start. */
export interface DirectStart {
  taskDir: string;
  markersDir: string;
  launch: number;
  command: string[];
  env: Record<string, string>;
  /** Absent: run as the launcher (the server's own identity). */
  uid?: number;
  gid?: number;
  stdout: string;
  stderr: string;
  cgroupDirs: string[];
  /**
   * `env` goes over the launcher's own environment, which is the server's (it inherited it):
   * sent as a flag rather than with every request.
   */
  inheritEnv?: boolean;
}

/** The launch was claimed by recovery before us: it must never run. */
export class ClaimTaken extends Error {}

let ownStartTime: number | undefined;

/** This launcher's start time (read once): with its pid, it names this launcher for good. */
export function launcherStartTime(): number | undefined {
  return (ownStartTime ??= processStartTime('self'));
}

/** Creates claim.N exclusively, holding the launcher's pid (and, at a first launch, its directory). */
function claim(start: DirectStart): string {
  const path = join(start.markersDir, `claim.${start.launch}`);
  // The start time with the pid: a later launcher that reuses the pid is not taken for this one.
  const write = (): void =>
    writeFileSync(path, `launcher ${process.pid} ${launcherStartTime() ?? ''}\n`, { flag: 'wx' });
  try {
    try {
      write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      makeMarkersDir(start.markersDir);
      write();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ClaimTaken(path);
    throw error;
  }
  return path;
}

/** The server's private markers directory of the task, made 0700 (recovery may make it first). */
function makeMarkersDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** The launcher's own cgroup.procs files, to go back to after each spawn. */
function ownCgroups(): Map<string, string> {
  const own = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (path === undefined) continue;
    if (controllers === '') own.set('', `/sys/fs/cgroup${path}`);
    for (const name of controllers!.split(',')) own.set(name, `/sys/fs/cgroup/${name}${path}`);
  }
  return own;
}

let home: Map<string, string> | undefined;

/** Where the launcher goes back to from task cgroup `dir` (v1: same controller; v2: one tree). */
function homeOf(dir: string): string {
  home ??= ownCgroups();
  const controller = dir.split('/')[4] ?? '';
  const back = home.get(controller) ?? home.get('');
  if (!back) throw new Error(`no cgroup of the launcher's own for ${dir}`);
  return join(back, 'cgroup.procs');
}

/** Spawns inside the task's cgroups: join, spawn (synchronous fork+exec), go back. */
function spawnInCgroups(start: DirectStart, outputs: TaskOutputs): ChildProcess {
  const backs = start.cgroupDirs.map(homeOf);
  const joined: string[] = [];
  try {
    for (const dir of start.cgroupDirs) {
      writeFileSync(join(dir, 'cgroup.procs'), String(process.pid));
      joined.push(dir);
    }
    return spawn(start.command[0]!, start.command.slice(1), {
      cwd: start.taskDir,
      detached: true,
      stdio: ['ignore', outputs.stdout, outputs.stderr],
      env: start.inheritEnv ? { ...process.env, ...start.env } : start.env,
      ...(start.uid !== undefined ? { uid: start.uid, gid: start.gid } : {}),
    });
  } finally {
    // Staying in a task's cgroup would get the launcher killed with the task: die instead.
    for (const [i] of joined.entries()) {
      try {
        writeFileSync(backs[i]!, String(process.pid));
      } catch {
        process.exit(70);
      }
    }
  }
}

/** The exit code a shell would give: the code, or 128 + the signal's number. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/**
 * Writes the `exit` marker (and a complaint, if any): the task's end, as the supervisor would.
 * A marker that cannot be written (a full disk) leaves the end unknown: the server then ends the
 * task SYSTEM_ERROR, never with a made-up code.
 */
export function recordExit(markersDir: string, code: number, complaint?: string): void {
  try {
    if (complaint) writeFileSync(join(markersDir, 'supervisor.err'), `${complaint}\n`);
    // Whole or absent, never torn: the server's poll may look for it at any moment.
    writeFileSync(join(markersDir, 'exit.tmp'), `${code}\n`);
    renameSync(join(markersDir, 'exit.tmp'), join(markersDir, 'exit'));
  } catch {
    // Reported all the same: the server reads what is there.
  }
}

/**
 * Starts one task directly; `onEnd` runs as soon as it ends (with its code), `onExit` once that
 * end is recorded in the markers. Returns the executor's pid. Throws UseSupervisor before
 * claiming anything (the server runs the supervisor path for this same launch), ClaimTaken
 * (recovery owns this launch) or a plain error.
 */
export function startDirect(
  start: DirectStart,
  onExit: (pid: number) => void,
  onEnd?: (pid: number, code: number, complaint?: string) => void,
): number {
  // The server's environment is for a task run as the server only: never another user's.
  if (start.inheritEnv && start.uid !== undefined) throw new Error('bad request: inheritEnv');
  const outputs = openOutputs(start);
  let child: ChildProcess;
  let claimPath: string;
  try {
    claimPath = claim(start);
    child = spawnInCgroups(start, outputs);
  } finally {
    outputs.close();
  }
  const pid = child.pid ?? -1;
  // The executor's pid, for a later server to kill its group; the cgroup holds it in any case.
  recordPid(claimPath, pid);
  let ended = false;
  const end = (code: number, complaint?: string): void => {
    if (ended) return;
    ended = true;
    onEnd?.(pid, code, complaint);
    recordExit(start.markersDir, code, complaint);
    onExit(pid);
  };
  // Not started (no such command, no right to run it): 127/126 as a shell would say.
  child.on('error', (error: NodeJS.ErrnoException) =>
    end(error.code === 'ENOENT' ? 127 : 126, `${start.command[0]}: ${error.message}`),
  );
  child.on('exit', (code, signal) => end(exitCodeOf(code, signal)));
  return pid;
}

function recordPid(claimPath: string, pid: number): void {
  if (pid <= 0) return;
  try {
    appendFileSync(claimPath, `${pid}\n`);
  } catch {
    // A full disk: the task runs on, found through the launcher and its cgroup.
  }
}
