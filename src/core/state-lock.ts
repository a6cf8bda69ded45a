/**
 * One server per state directory: `jobproxy serve` takes this lock before it opens the store, so a
 * second server on the same store never runs recovery (claims, launches) under a live one.
 *
 * Node has no flock(2). The lock is a file created exclusively (O_EXCL) holding the owner's pid
 * and its start time from /proc/PID/stat; a lock whose process is gone, a zombie, or a different
 * process that reused the pid is stale and taken over. Unlike time-based locks (proper-lockfile
 * marks a lock stale when its mtime is older than a threshold, so it needs a timer refreshing it
 * and a paused server loses it), this is exact on Linux and needs no timer.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'jobproxy.lock';

/** Another live process holds the state directory (exit 2 in the CLI). */
export class StateLockedError extends Error {
  readonly code = 'ESTATELOCKED';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `the state directory ${dir} is in use by another JobProxy server (pid ${pid}). ` +
        `Stop that server, or give this one another store/workdir.`,
    );
    this.name = 'StateLockedError';
  }
}

/** A held lock; release() removes the file if it is still ours. */
export interface StateLock {
  readonly path: string;
  release(): void;
}

interface Holder {
  pid: number;
  startTime: string;
}

/** State and start time (clock ticks since boot) of a process, from /proc/PID/stat. */
export function processStat(pid: number): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "42 (node) S 1 …": the name may hold spaces and parentheses; fields follow the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
}

/** Whether the process that wrote `holder` still runs (not a zombie, not a reused pid). */
function isAlive(holder: Holder): boolean {
  const stat = processStat(holder.pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
  return holder.startTime === '' || stat.startTime === holder.startTime;
}

function readHolder(path: string): { text: string; holder: Holder } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [pid = '', startTime = ''] = text.trim().split(/\s+/);
  return { text, holder: { pid: Number(pid), startTime } };
}

/**
 * Takes the exclusive lock of `dir` (created if missing) for this process; throws
 * StateLockedError naming the pid that holds it. A stale lock is removed and taken over.
 */
export function lockStateDirectory(dir: string): StateLock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, LOCK_FILE);
  const own = `${process.pid} ${processStat(process.pid)?.startTime ?? ''}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, own, { flag: 'wx', mode: 0o600 });
      return { path, release: () => releaseIfOwn(path, own) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const found = readHolder(path);
    if (!found) continue; // released between our two calls: try again
    const { holder, text } = found;
    if (Number.isInteger(holder.pid) && holder.pid > 0 && isAlive(holder)) {
      throw new StateLockedError(dir, holder.pid);
    }
    // Stale: remove it only if it is still the stale one we read (another starter may have won).
    if (readHolder(path)?.text === text) unlinkQuietly(path);
  }
  const holder = readHolder(path)?.holder;
  throw new StateLockedError(dir, holder?.pid ?? 0);
}

function releaseIfOwn(path: string, own: string): void {
  if (readHolder(path)?.text === own) unlinkQuietly(path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
