/**
 * Per-task cgroups for the local framework: a memory limit the task cannot exceed (the kernel's
 * OOM killer ends it, and we can tell that it did) and a CFS quota for fractional cores.
 * Works with cgroup v1 (memory and cpu hierarchies) or a v2 tree whose controllers we may enable;
 * when neither is writable the caller falls back to rlimits.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';
const GROUP = 'jobproxy';
const CFS_PERIOD_US = 100_000;

export type CgroupVersion = 'v1' | 'v2';

/** The cgroup directories of one task, one per hierarchy that limits it. */
export interface TaskCgroup {
  version: CgroupVersion;
  /** Directories whose cgroup.procs the task's supervisor joins. */
  dirs: string[];
  memoryDir?: string;
  /** v1: the freezer cgroup every task gets. */
  freezerDir?: string;
}

export interface CgroupLimits {
  memoryMiB?: number;
  cores?: number;
}

function tryWrite(path: string, value: string): boolean {
  try {
    writeFileSync(path, value);
    return true;
  } catch {
    return false;
  }
}

/** Which cgroup version we can use here, or undefined when none is writable. */
export function detectCgroups(): CgroupVersion | undefined {
  if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) {
    const parent = join(CGROUP_ROOT, GROUP);
    try {
      mkdirSync(parent, { recursive: true });
      tryWrite(join(CGROUP_ROOT, 'cgroup.subtree_control'), '+memory +cpu');
      tryWrite(join(parent, 'cgroup.subtree_control'), '+memory +cpu');
      const enabled = readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8');
      return enabled.includes('memory') ? 'v2' : undefined;
    } catch {
      return undefined;
    }
  }
  const memoryParent = join(CGROUP_ROOT, 'memory', GROUP);
  try {
    mkdirSync(memoryParent, { recursive: true });
    return existsSync(join(memoryParent, 'memory.limit_in_bytes')) ? 'v1' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates the task's cgroups with its limits. Every task gets one, limits or not: it holds all
 * the task's processes, those that left its session (setsid) included, so that they can all be
 * found and killed. On v1 that is a freezer cgroup, which also stops forks during the kill.
 */
export function createTaskCgroup(
  version: CgroupVersion,
  taskId: string,
  limits: CgroupLimits,
): TaskCgroup | undefined {
  const fractionalCores = limits.cores !== undefined && !Number.isInteger(limits.cores);
  const bytes = limits.memoryMiB !== undefined ? Math.floor(limits.memoryMiB * 1024 * 1024) : 0;
  const quota = fractionalCores ? Math.ceil(limits.cores! * CFS_PERIOD_US) : 0;
  if (version === 'v2') {
    const dir = join(CGROUP_ROOT, GROUP, taskId);
    mkdirSync(dir, { recursive: true });
    if (bytes) {
      writeFileSync(join(dir, 'memory.max'), String(bytes));
      tryWrite(join(dir, 'memory.swap.max'), '0');
    }
    if (quota) writeFileSync(join(dir, 'cpu.max'), `${quota} ${CFS_PERIOD_US}`);
    return { version, dirs: [dir], memoryDir: bytes ? dir : undefined };
  }
  const cgroup: TaskCgroup = { version, dirs: [] };
  const freezer = join(CGROUP_ROOT, 'freezer', GROUP, taskId);
  if (hasFreezer()) {
    try {
      mkdirSync(freezer, { recursive: true });
      cgroup.dirs.push(freezer);
      cgroup.freezerDir = freezer;
    } catch {
      // No writable freezer: the task's process group and memory/cpu cgroups still hold it.
    }
  }
  if (bytes) {
    const dir = join(CGROUP_ROOT, 'memory', GROUP, taskId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(bytes));
    // Without this a task could swap past its limit where swap exists.
    tryWrite(join(dir, 'memory.memsw.limit_in_bytes'), String(bytes));
    cgroup.dirs.push(dir);
    cgroup.memoryDir = dir;
  }
  if (quota) {
    const dir = join(CGROUP_ROOT, 'cpu', GROUP, taskId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
    writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quota));
    cgroup.dirs.push(dir);
  }
  return cgroup.dirs.length > 0 ? cgroup : undefined;
}

let freezerMounted: boolean | undefined;

/** Whether the v1 freezer hierarchy is mounted (looked at once: it is not mounted while we run). */
function hasFreezer(): boolean {
  return (freezerMounted ??= existsSync(join(CGROUP_ROOT, 'freezer')));
}

/** The cgroup directories a task would have, for re-attaching after a restart. */
export function findTaskCgroup(version: CgroupVersion, taskId: string): TaskCgroup | undefined {
  const candidates =
    version === 'v2'
      ? [join(CGROUP_ROOT, GROUP, taskId)]
      : ['memory', 'cpu', 'freezer'].map((controller) =>
          join(CGROUP_ROOT, controller, GROUP, taskId),
        );
  const dirs = candidates.filter((dir) => existsSync(dir));
  if (dirs.length === 0) return undefined;
  const memoryDir = version === 'v2' ? dirs[0] : dirs.find((d) => d.includes('/memory/'));
  const freezerDir = dirs.find((d) => d.includes('/freezer/'));
  return { version, dirs, memoryDir, ...(freezerDir ? { freezerDir } : {}) };
}

/** True when the kernel's OOM killer killed something in the task's memory cgroup. */
export function wasOomKilled(cgroup: TaskCgroup | undefined): boolean {
  if (!cgroup?.memoryDir) return false;
  const file = cgroup.version === 'v2' ? 'memory.events' : 'memory.oom_control';
  try {
    const text = readFileSync(join(cgroup.memoryDir, file), 'utf8');
    const match = /oom_kill (\d+)/.exec(text);
    return match !== null && Number(match[1]) > 0;
  } catch {
    return false;
  }
}

/** Pids still in the task's cgroups (processes that escaped its process group included). */
export function cgroupPids(cgroup: TaskCgroup | undefined): number[] {
  const pids = new Set<number>();
  for (const dir of cgroup?.dirs ?? []) {
    try {
      for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
        if (line.trim()) pids.add(Number(line));
      }
    } catch {
      // Already removed.
    }
  }
  return [...pids];
}

/**
 * Removes those of the task's cgroups that are empty now — the usual end, found without reading
 * them, as rmdir refuses a cgroup that still holds a process. What is left (undefined: nothing)
 * holds the task's leftovers, to be killed and removed.
 */
export function removeIfEmpty(cgroup: TaskCgroup | undefined): TaskCgroup | undefined {
  const left = cgroup?.dirs.filter((dir) => !removed(dir)) ?? [];
  if (left.length === 0) return undefined;
  const { version, memoryDir, freezerDir } = cgroup!;
  return {
    version,
    dirs: left,
    ...(memoryDir && left.includes(memoryDir) ? { memoryDir } : {}),
    ...(freezerDir && left.includes(freezerDir) ? { freezerDir } : {}),
  };
}

/** True once `dir` is gone (removed now, or already); false while it holds processes. */
function removed(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Kills every process in the task's cgroups at once: `cgroup.kill` on v2; on v1 the freezer
 * stops them first (no fork can escape while the signals go out), then SIGKILL, then thaw so
 * that they die. Where neither is there, each pid listed is signalled. `members`: the pids the
 * caller just read from it, if it did.
 */
export function killCgroup(
  cgroup: TaskCgroup | undefined,
  members: number[] = cgroupPids(cgroup),
): void {
  if (!cgroup) return;
  if (cgroup.version === 'v2' && tryWrite(join(cgroup.dirs[0]!, 'cgroup.kill'), '1')) return;
  // Empty (the usual end): nothing can fork into it, so there is nothing to freeze or kill.
  if (members.length === 0) return;
  const frozen =
    cgroup.freezerDir !== undefined && tryWrite(join(cgroup.freezerDir, 'freezer.state'), 'FROZEN');
  for (const pid of cgroupPids(cgroup)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
  }
  if (frozen) tryWrite(join(cgroup.freezerDir!, 'freezer.state'), 'THAWED');
}

/**
 * Removes the task's cgroups, trying again (up to `tries` times, `everyMs` apart) while killed
 * processes are still leaving them.
 */
export function removeTaskCgroupSoon(
  cgroup: TaskCgroup | undefined,
  tries = 50,
  everyMs = 100,
): void {
  const left = removeIfEmpty(cgroup);
  if (!left || tries <= 1) return;
  setTimeout(() => {
    killCgroup(left);
    removeTaskCgroupSoon(left, tries - 1, everyMs);
  }, everyMs).unref();
}
